"""The form a mentor or lead posts an announcement with."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from lms.cohorts.announcements.services import BODY_MAX, TITLE_MAX
from lms.core.forms import BaseForm, MultiCheckboxField


class AnnouncementForm(BaseForm):
    cohorts = MultiCheckboxField(_l("To the cohorts"), coerce=int, choices=[], validate_choice=False)
    title = StringField(
        _l("Title"),
        validators=[InputRequired(message=_l("Give the announcement a title.")), Length(max=TITLE_MAX)],
        description=_l("For example: Livestream practice on Saturday at 8 pm."),
    )
    body = TextAreaField(
        _l("Text"),
        validators=[InputRequired(message=_l("Write what the learners should know.")), Length(max=BODY_MAX)],
        render_kw={"rows": 5},
    )

    def validate_cohorts(self, field):
        offered = {value for value, _label in field.choices}
        if not field.data or not set(field.data) <= offered:
            raise ValidationError(_l("Choose one or more of your cohorts."))
