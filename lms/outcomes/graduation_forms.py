"""Forms for confirming and undoing graduations."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.forms import BaseForm


class ConfirmGraduationForm(BaseForm):
    """The learners a lead ticked on the graduation page."""

    # Choices are not checked here: the service confirms only active learners who meet the rules,
    # and names the ones it leaves out.
    learner_ids = SelectMultipleField(
        _l("Learners"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def validate_learner_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one learner to graduate."))


class UndoGraduationForm(BaseForm):
    """Why a lead takes a graduation back: required, and kept in the audit log."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why the graduation is undone.")), Length(max=1000)],
        description=_l("Kept with the graduation and shown in the audit log."),
    )
