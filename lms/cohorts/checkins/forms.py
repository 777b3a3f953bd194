"""Forms of the contact area: a mentor's check-in with a learner."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from lms.cohorts.models import CheckInChannel
from lms.core.calendar import program_today
from lms.core.forms import BaseForm, BoundedDateField

CHANNEL_LABELS = {
    CheckInChannel.VISIT: _l("Visit"),
    CheckInChannel.CALL: _l("Phone call"),
    CheckInChannel.VIDEO: _l("Video call"),
    CheckInChannel.MESSAGE: _l("Message"),
}
TEXT_MAX = 5000


class CheckInForm(BaseForm):
    happened_on = BoundedDateField(
        _l("Date"), validators=[InputRequired(message=_l("Enter the date of the check-in."))]
    )
    channel = SelectField(
        _l("How"),
        choices=[SelectChoice(channel.value, label) for channel, label in CHANNEL_LABELS.items()],
        validators=[DataRequired()],
    )
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=TEXT_MAX)],
        description=_l("What you talked about, how the business is going."),
    )
    next_steps = TextAreaField(_l("Next steps"), validators=[Optional(), Length(max=TEXT_MAX)])
    next_check_in_on = BoundedDateField(
        _l("Next check-in (optional)"),
        validators=[Optional()],
        description=_l("It appears on your home page a week before."),
    )

    def validate_happened_on(self, field):
        if field.data and field.data > program_today():
            raise ValidationError(_l("A check-in cannot be in the future."))

    def validate_next_check_in_on(self, field):
        if field.data and self.happened_on.data and field.data < self.happened_on.data:
            raise ValidationError(_l("The next check-in must be after this one."))
