"""The form a lead records support with; the amount is read as an exact Decimal of yuan."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from lms.core.calendar import program_today
from lms.core.forms import BaseForm, BoundedDateField, YuanField
from lms.outcomes.models import SupportKind

KIND_LABELS = {
    SupportKind.TRAFFIC_CREDIT: _l("Promotion traffic credits"),
    SupportKind.LOAN: _l("Small loan"),
    SupportKind.EQUIPMENT: _l("Equipment"),
    SupportKind.PLATFORM_INTRODUCTION: _l("Platform introduction"),
    SupportKind.TRAINING: _l("Training"),
}
NOTES_MAX = 5000


class SupportForm(BaseForm):
    kind = SelectField(
        _l("Kind of support"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[DataRequired()],
    )
    given_on = BoundedDateField(
        _l("Date"), validators=[InputRequired(message=_l("Enter the date the support was given."))]
    )
    value_yuan = YuanField(
        _l("Value in yuan"),
        description=_l("For example 3500.50. Traffic credits count at their face value."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    given_by = StringField(
        _l("Given by"),
        validators=[DataRequired(message=_l("Enter who gave it.")), Length(max=200)],
        description=_l("An organisation or a person."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=NOTES_MAX)])

    def validate_value_yuan(self, field):
        # A refused amount already carries its own message; an empty one needs this.
        if field.data is None and not field.process_errors:
            raise ValidationError(_l("Enter the value in yuan; 0 when it had no money value."))

    def validate_given_on(self, field):
        if field.data and field.data > program_today():
            raise ValidationError(_l("The date cannot be in the future."))
