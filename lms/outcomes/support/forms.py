"""The form a lead records support with; the amount is read as an exact Decimal of yuan."""

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from lms.core.calendar import program_today
from lms.core.forms import BaseForm, BoundedDateField
from lms.outcomes.models import SupportKind

KIND_LABELS = {
    SupportKind.TRAFFIC_CREDIT: _l("Promotion traffic credits"),
    SupportKind.LOAN: _l("Small loan"),
    SupportKind.EQUIPMENT: _l("Equipment"),
    SupportKind.PLATFORM_INTRODUCTION: _l("Platform introduction"),
    SupportKind.TRAINING: _l("Training"),
}
NOTES_MAX = 5000
# Up to 10^13 yuan: beyond any real support, and 10^15 fen stays far inside a BigInteger.
YUAN_PATTERN = re.compile(r"^\d{1,13}(\.\d+)?$")
THOUSANDS_SEPARATORS = str.maketrans("", "", ", ，")


class YuanField(Field):
    """An amount of yuan typed as text and kept as a Decimal; a float never touches it."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        text = text.translate(THOUSANDS_SEPARATORS)
        if not text:
            return
        if text.startswith("-") and YUAN_PATTERN.match(text[1:]):
            raise ValueError(_l("The value cannot be negative."))
        if not YUAN_PATTERN.match(text):
            raise ValueError(_l("Enter an amount in yuan, such as 3500.50."))
        if "." in text and len(text.split(".")[1]) > 2:
            raise ValueError(_l("Use at most two decimal places (fen)."))
        self.data = Decimal(text)


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
