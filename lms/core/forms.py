"""Form pieces shared by every blueprint."""

import re
from datetime import date, datetime
from urllib.parse import urlsplit

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, Field, FieldList, FormField, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from lms.core.calendar import program_today
from lms.core.numbers import read_number
from lms.core.web import MAX_ID

# Dates people type are about the programs' years: nothing before this, nothing further ahead than YEARS_AHEAD.
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 20


def drop_nul(value):
    """Remove NUL characters, which no database column should hold (PostgreSQL refuses them)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """The parent of every form: CSRF from Flask-WTF, and text cleaned of NUL characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # Lists and sub-forms take no filters (WTForms refuses them): their own fields carry the NUL filter.
            if unbound_field.field_class in (FieldList, FormField):
                return unbound_field.bind(form=form, **options)
            filters = (*unbound_field.kwargs.get("filters", ()), drop_nul)
            return unbound_field.bind(form=form, filters=filters, **options)

    def reword(self, wording: dict) -> None:
        """Give fields the label (and description) ``wording`` names: field name → label or (label, description).

        A form one person fills for another speaks of "the graduate's household", not "your household".
        """
        for name, words in wording.items():
            if name not in self:
                continue
            label, description = words if isinstance(words, tuple) else (words, None)
            self[name].label.text = label
            if description is not None:
                self[name].description = description


class ActionForm(BaseForm):
    """A button that changes something: only its CSRF token is checked."""


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice; also reads a comma-separated column such as ``Lesson.accepts``."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value):
        if isinstance(value, str):
            value = [item for item in value.split(",") if item]
        super().process_data(value)


# A link ends at a space or at the punctuation a Chinese share text puts around it.
LINK_IN_TEXT = re.compile(r"https?://[^\s<>\"'，。！？、；：【】（）《》「」“”‘’]+", re.IGNORECASE)


def first_link(value):
    """The first http(s) link of pasted share text, such as "【快手小店】… https://v.kuaishou.com/abc123 打开快手查看".

    Text without a link stays as typed, so ``web_link`` can say what is wrong with it.
    """
    if not isinstance(value, str):
        return value
    match = LINK_IN_TEXT.search(value)
    return match.group(0).rstrip(".,;:!?)]") if match else value


def web_link(form, field):
    """A whole http(s) link to a page on the web, such as the learner's shop."""
    value = (field.data or "").strip()
    if not value:
        return
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in value:
        raise ValidationError(_l("Give the whole link, starting with http:// or https://."))


def coerce_id(value) -> int:
    """``coerce`` for a choice of ids (0 for none): a number no id column holds is no choice at all."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(_l("Not a valid choice."))
    return number


def date_window() -> tuple[date, date]:
    """The first and last day a typed date may name."""
    return EARLIEST_DATE, date(program_today().year + YEARS_AHEAD, 12, 31)


class BoundedDateField(DateField):
    """A date within ``date_window()``; any other is refused with the window in the message, and reads as none.

    Read as none, a date such as 9999-12-31 never reaches another field's check, a query or date arithmetic.
    Pair it with ``InputRequired`` or ``DateRequired``: ``DataRequired`` would replace this message with its own.
    """

    outside_window = False

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not within_window(self.data):
            self.data, self.outside_window = None, True
            raise ValueError(window_message())


class BoundedDateTimeLocalField(DateTimeLocalField):
    """A local date and time within ``date_window()``, as ``BoundedDateField``."""

    outside_window = False

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not within_window(self.data.date()):
            self.data, self.outside_window = None, True
            raise ValueError(window_message())


def within_window(day: date | datetime) -> bool:
    earliest, latest = date_window()
    return earliest <= day <= latest


def window_message() -> str:
    earliest, latest = date_window()
    return _(
        "Enter a date from %(earliest)s to %(latest)s.",
        earliest=format_date(earliest, "medium"),
        latest=format_date(latest, "medium"),
    )


class DateRequired:
    """A date must be given and readable: ``message`` otherwise, unless the date was refused as outside the window."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if getattr(field, "outside_window", False):
            raise StopValidation()
        if field.data is None:
            field.errors[:] = []
            raise StopValidation(self.message)


class NumberField(Field):
    """A number typed as text, read by ``read_number`` ("3,500", "8.2元") and kept exact: Decimal, or int when whole.

    A number it cannot read gives one message with an example, and no range message on top of it.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, decimals=2, digits=12, currency=False, units=(), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.reading = {"decimals": decimals, "digits": digits, "currency": currency, "units": tuple(units)}

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return str(self.data) if self.reading["decimals"] == 0 else f"{self.data:.{self.reading['decimals']}f}"

    def process_formdata(self, valuelist):
        self.data = None
        value = read_number(valuelist[0] if valuelist else "", **self.reading)
        if value is not None:
            self.data = int(value) if self.reading["decimals"] == 0 else value

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class YuanField(NumberField):
    """An amount of yuan: two decimals at most, "¥" before or "元"/"块" after accepted; a float never touches it."""

    def __init__(self, label=None, validators=None, *, digits=13, **kwargs):
        super().__init__(label, validators, decimals=2, digits=digits, currency=True, **kwargs)


class WholeNumberField(NumberField):
    """A whole number typed on a phone, such as a household size ("4", "4人") or a count ("1,200")."""

    def __init__(self, label=None, validators=None, *, units=(), **kwargs):
        super().__init__(label, validators, decimals=0, digits=9, units=units, **kwargs)
