"""The follow-up form (short, for a phone), and the lead's schedule form."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from lms.core.calendar import program_today
from lms.core.forms import (
    BaseForm,
    BoundedDateField,
    MultiCheckboxField,
    NumberField,
    WholeNumberField,
    YuanField,
    coerce_id,
    drop_nul,
    first_link,
    web_link,
)
from lms.core.money import yuan_to_fen
from lms.outcomes.follow_ups.services import MAX_EVIDENCE, MAX_PRODUCTS, FollowUpValues
from lms.outcomes.follow_ups.waves import parse_schedule
from lms.outcomes.intake.forms import CHANNEL_LABELS, choices_of
from lms.outcomes.models import QUANTITY_UNITS

# How a unit reads after a number ("310 boxes"), and in the form's choice, where a jin is explained.
UNIT_LABELS = {
    "kg": _l("kg"),
    "jin": _l("jin"),
    "piece": _l("pieces"),
    "box": _l("boxes"),
    "bottle": _l("bottles"),
}
UNIT_CHOICES = {**UNIT_LABELS, "jin": _l("jin (500 g)")}
# A product on the program's list may leave its unit to the list.
ROW_UNIT_CHOICES = {"": _l("Its usual unit"), **UNIT_CHOICES}
assert set(UNIT_LABELS) == set(QUANTITY_UNITS)
LONGEST_PERIOD_DAYS = 366
COUNT_MAX = 1_000_000
NOTES_MAX = 5000


def count_in_range(form, field):
    """A whole count: empty means 0, never negative, and small enough for the database."""
    if field.data is None:
        return
    if field.data < 0:
        raise ValidationError(_l("The number cannot be negative."))
    if field.data > COUNT_MAX:
        raise ValidationError(_l("Enter a number up to 1,000,000."))


class QuantityField(NumberField):
    """A quantity sold, kept as an exact Decimal with at most two decimals ("1,000" and "12.5" read)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, decimals=2, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data.normalize():f}"


class WaveField(SelectField):
    """The wave's months; anything that is not a small whole number reads as none chosen."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        self.data = int(text) if text.isdigit() and text.isascii() and len(text) <= 3 else None


class QuantityRow(Form):
    """One product's row: left empty, it is skipped."""

    product = StringField(_l("Product"), filters=[drop_nul], validators=[Optional(), Length(max=100)])
    quantity = QuantityField(_l("Quantity sold"), render_kw={"inputmode": "decimal", "autocomplete": "off"})
    unit = SelectField(_l("Unit"), choices=choices_of(ROW_UNIT_CHOICES), default="")

    def validate_quantity(self, field):
        if field.process_errors:
            return
        named = bool((self.product.data or "").strip())
        if named and field.data is None:
            raise ValidationError(_l("Enter how much was sold."))
        if not named and field.data is not None:
            raise ValidationError(_l("Name the product too."))

    @property
    def filled(self) -> bool:
        return bool((self.product.data or "").strip()) and self.quantity.data is not None


# The same questions when a mentor or lead enters the figures a graduate gave them.
FOR_STAFF = {
    "monthly_income": (
        _l("Household income in a usual month now (yuan)"),
        _l("All the money the graduate's household earns in a month, for example 3500."),
    ),
    "revenue": (
        _l("Sales in this period (yuan)"),
        _l("Everything the graduate's business sold in the period. 0 if nothing."),
    ),
    "channels": _l("Where the graduate sold"),
    "households_benefiting": _l("Households that earn from the graduate's business"),
    "people_employed": _l("People the graduate employs"),
    "shop_link": _l("Shop link (if the graduate has one)"),
    "evidence": (
        _l("Photos or screenshots (optional)"),
        _l("An order list or the shop's sales page, up to %(count)d pictures.", count=MAX_EVIDENCE),
    ),
}


class FollowUpForm(BaseForm):
    wave = WaveField(_l("Which follow-up"), coerce=coerce_id, validate_choice=False)
    period_start = BoundedDateField(
        _l("First day"), validators=[InputRequired(message=_l("Enter the first day of the period."))]
    )
    period_end = BoundedDateField(
        _l("Last day"), validators=[InputRequired(message=_l("Enter the last day of the period."))]
    )
    monthly_income = YuanField(
        _l("Household income in a usual month now (yuan)"),
        description=_l("All the money your household earns in a month, for example 3500."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    revenue = YuanField(
        _l("Sales in this period (yuan)"),
        description=_l("Everything your business sold in the period. 0 if nothing."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    products = FieldList(FormField(QuantityRow), min_entries=MAX_PRODUCTS, max_entries=MAX_PRODUCTS)
    channels = MultiCheckboxField(_l("Where you sold"), choices=choices_of(CHANNEL_LABELS))
    households_benefiting = WholeNumberField(
        _l("Households that earn from your business"),
        units=("户", "家", "households"),
        validators=[Optional(), count_in_range],
        description=_l("Suppliers, neighbours who sell through you. 0 if none."),
        render_kw={"inputmode": "numeric", "min": 0},
    )
    people_employed = WholeNumberField(
        _l("People you employ"),
        units=("人", "个", "people"),
        validators=[Optional(), count_in_range],
        render_kw={"inputmode": "numeric", "min": 0},
    )
    livestreams = WholeNumberField(
        _l("Livestreams held in the period"),
        units=("场", "次", "livestreams"),
        validators=[Optional(), count_in_range],
        render_kw={"inputmode": "numeric", "min": 0},
    )
    shop_link = StringField(
        _l("Shop link (if you have one)"),
        filters=[first_link],
        validators=[Optional(), Length(max=500), web_link],
        render_kw={"inputmode": "url", "autocomplete": "url"},
    )
    notes = TextAreaField(_l("Anything else"), validators=[Optional(), Length(max=NOTES_MAX)], render_kw={"rows": 2})
    evidence = MultipleFileField(
        _l("Photos or screenshots (optional)"),
        description=_l("An order list or your shop's sales page, up to %(count)d pictures.", count=MAX_EVIDENCE),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    remove_evidence = MultiCheckboxField(_l("Remove photos"), coerce=coerce_id, choices=[], validate_choice=False)
    confirm_unusual = BooleanField(_l("Yes, these figures are right"))
    verified = BooleanField(_l("I checked these figures against evidence (photos, orders, the shop's page)"))

    def validate_wave(self, field):
        if field.data is None:
            raise ValidationError(_l("Choose which follow-up this is."))

    def validate_monthly_income(self, field):
        if field.data is None and not field.process_errors:
            raise ValidationError(_l("Enter the monthly income in yuan, for example 3500."))

    def validate_revenue(self, field):
        if field.data is None and not field.process_errors:
            raise ValidationError(_l("Enter the sales in yuan; 0 if nothing was sold."))

    def validate_period_end(self, field):
        start, end = self.period_start.data, field.data
        if not start or not end:
            return
        if end < start:
            raise ValidationError(_l("The end of the period must not be before its start."))
        if end > program_today():
            raise ValidationError(_l("The period cannot end in the future."))
        if (end - start).days > LONGEST_PERIOD_DAYS:
            raise ValidationError(_l("Give a period of one year or less."))

    def validate_evidence(self, field):
        if len(self.uploads()) > MAX_EVIDENCE:
            raise ValidationError(_l("Choose at most %(count)d pictures.", count=MAX_EVIDENCE))

    def uploads(self) -> list:
        data = self.evidence.data or []
        return [upload for upload in data if upload and upload.filename]

    def values(self) -> FollowUpValues:
        """The clean values the service stores (money in fen)."""
        return FollowUpValues(
            period_start=self.period_start.data,
            period_end=self.period_end.data,
            monthly_income_fen=yuan_to_fen(self.monthly_income.data),
            revenue_fen=yuan_to_fen(self.revenue.data),
            quantities=[
                (row.form.product.data.strip(), row.form.quantity.data, row.form.unit.data)
                for row in self.products
                if row.form.filled
            ],
            channels=list(self.channels.data or []),
            households_benefiting=self.households_benefiting.data or 0,
            people_employed=self.people_employed.data or 0,
            livestreams=self.livestreams.data or 0,
            shop_link=self.shop_link.data or "",
            notes=self.notes.data or "",
            unusual_confirmed=bool(self.confirm_unusual.data),
        )


class ScheduleForm(BaseForm):
    months = StringField(
        _l("Follow-up months"),
        validators=[Length(max=200)],
        description=_l("Months after graduation, separated by commas: 0 is at graduation. For example 0, 3, 6, 12."),
        render_kw={"inputmode": "text", "autocomplete": "off"},
    )

    def validate_months(self, field):
        try:
            self.waves = parse_schedule(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem.args[0])) from None
