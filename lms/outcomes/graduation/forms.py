"""Forms for confirming and undoing graduations."""

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.cohorts.models import Cohort
from lms.core.calendar import program_today
from lms.core.forms import BaseForm, BoundedDateField, DateRequired, coerce_id


class ConfirmGraduationForm(BaseForm):
    """The learners a lead ticked on the graduation page."""

    # Choices are not checked here: the service confirms only active learners who meet the rules,
    # and names the ones it leaves out.
    learner_ids = SelectMultipleField(
        _l("Learners"),
        coerce=coerce_id,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    # Leads often confirm after the fact: the day the learners finished is theirs to give. A post without
    # the field (an older page) graduates today.
    graduated_on = BoundedDateField(
        _l("Graduation date"),
        default=program_today,
        validators=[DateRequired(_l("Enter the graduation date."))],
        description=_l("Today, or the day the learners finished when you confirm later."),
    )

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        limits = {"max": program_today().isoformat()}
        if cohort.starts_on:
            limits["min"] = cohort.starts_on.isoformat()
        self.graduated_on.render_kw = limits

    def validate_learner_ids(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one learner to graduate."))

    def validate_graduated_on(self, field):
        if field.data > program_today():
            raise ValidationError(_l("The date cannot be in the future."))
        starts_on = self.cohort.starts_on
        if starts_on and field.data < starts_on:
            raise ValidationError(
                _("The graduation date cannot be before the cohort started (%(date)s).", date=format_date(starts_on))
            )


class UndoGraduationForm(BaseForm):
    """Why a lead takes a graduation back: required, and kept in the audit log."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Say why the graduation is undone.")), Length(max=1000)],
        description=_l("Kept with the graduation and shown in the audit log."),
    )
