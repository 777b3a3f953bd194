"""Forms of a learner's data: a lead's refusal note, and a program's retention."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lms.core.forms import BaseForm

MAX_RETENTION_MONTHS = 240


class RefuseDeletionForm(BaseForm):
    note = TextAreaField(
        _l("Why her records must be kept"),
        validators=[DataRequired(_l("Write why her records must be kept: she will read it.")), Length(max=2000)],
    )


class RetentionForm(BaseForm):
    evidence_retention_months = IntegerField(
        _l("Delete follow-up evidence photos after this many months"),
        validators=[Optional(), NumberRange(min=1, max=MAX_RETENTION_MONTHS, message=_l("Use 1 to 240 months."))],
        description=_l("Leave empty to keep them. The figures they backed stay."),
    )
