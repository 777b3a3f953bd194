"""Forms of the intake: the consent buttons and the short baseline form."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from lms.core.calendar import utcnow
from lms.core.forms import BaseForm, MultiCheckboxField, WholeNumberField
from lms.core.money import yuan_to_fen
from lms.core.numbers import NumberRefusedError
from lms.outcomes.models import BusinessStatus

BUSINESS_STATUS_LABELS = {
    BusinessStatus.NONE: _l("No business yet"),
    BusinessStatus.IDEA: _l("An idea for a business"),
    BusinessStatus.OFFLINE: _l("Selling offline"),
    BusinessStatus.ONLINE: _l("Selling online"),
}
CHANNEL_LABELS = {
    "kuaishou": _l("Kuaishou shop"),
    "douyin": _l("Douyin shop"),
    "taobao": _l("Taobao"),
    "tmall": _l("Tmall"),
    "jd": _l("JD"),
    "pinduoduo": _l("Pinduoduo"),
    "youzan": _l("Youzan"),
    "wechat": _l("WeChat"),
    "offline": _l("Offline market"),
    "other": _l("Other"),
}
GENDER_LABELS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "unspecified": _l("Prefer not to say"),
}
EARLIEST_BIRTH_YEAR = 1930


def choices_of(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in labels.items()]


class ConsentForm(BaseForm):
    # Two submit buttons carry the answer: name="granted", value "yes" or "no".
    granted = RadioField(
        choices=[SelectChoice("yes", _l("I agree")), SelectChoice("no", _l("I do not agree"))],
        validators=[InputRequired()],
    )

    @property
    def agreed(self) -> bool:
        return self.granted.data == "yes"


class PaperConsentForm(ConsentForm):
    """Staff record a decision the learner took on paper, with a photo of the signed form."""

    paper_form = FileField(
        _l("Photo of the signed consent form"),
        validators=[FileRequired(_l("Add a photo of the consent form she signed."))],
        render_kw={"accept": "image/*"},
    )


# The same questions when a mentor or lead fills them in with the learner.
FOR_STAFF = {
    "monthly_income": (
        _l("Monthly household income (yuan)"),
        _l("All the money the learner's household earns in a usual month, in yuan."),
    ),
    "household_size": (
        _l("Household size"),
        _l("How many people live in the learner's household, the learner included."),
    ),
    "business_status": _l("The learner's business"),
    "channels": _l("Where the learner sells"),
}


class BaselineForm(BaseForm):
    monthly_income = StringField(
        _l("Monthly household income (yuan)"),
        validators=[InputRequired(message=_l("Enter the income in yuan, for example 3500 or 3500.50."))],
        description=_l("All the money your household earns in a usual month, in yuan."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    household_size = WholeNumberField(
        _l("Household size"),
        units=("人", "口", "people", "persons"),
        validators=[
            InputRequired(message=_l("Enter how many people live in your household.")),
            NumberRange(min=1, max=30, message=_l("Enter a number from 1 to 30.")),
        ],
        description=_l("How many people live in your household, you included."),
        render_kw={"inputmode": "numeric", "min": 1, "max": 30},
    )
    business_status = RadioField(
        _l("Your business"),
        choices=choices_of(BUSINESS_STATUS_LABELS),
        validators=[InputRequired(message=_l("Choose where your business stands."))],
    )
    # The program's product list, filled in by the view; dropped when the program has none.
    products = MultiCheckboxField(_l("Your products"), coerce=int, choices=[], validate_choice=False)
    main_products = TextAreaField(
        _l("Main products"),
        validators=[Optional(), Length(max=500)],
        description=_l("For example: navel oranges, honey, dried mushrooms."),
        render_kw={"rows": 2},
    )
    channels = MultiCheckboxField(_l("Where you sell"), choices=choices_of(CHANNEL_LABELS))
    gender = RadioField(_l("Gender"), choices=choices_of(GENDER_LABELS), default="unspecified")
    birth_year = WholeNumberField(
        _l("Year of birth (optional)"),
        units=("年",),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )

    def validate_monthly_income(self, field):
        try:
            self.income_fen = yuan_to_fen(field.data)
        except NumberRefusedError as refusal:
            raise ValidationError(refusal.message) from None
        except ValueError:
            raise ValidationError(
                _l("Enter the income in yuan as a number that is not negative, for example 3500 or 3500.50.")
            ) from None

    def validate_birth_year(self, field):
        this_year = utcnow().year
        if field.data is not None and not EARLIEST_BIRTH_YEAR <= field.data <= this_year:
            raise ValidationError(
                _l("Enter a year from %(first)d to %(last)d.", first=EARLIEST_BIRTH_YEAR, last=this_year)
            )

    def values(self) -> dict:
        """The clean values the service stores (income already in fen)."""
        return {
            "monthly_income_fen": self.income_fen,
            "household_size": self.household_size.data,
            "business_status": self.business_status.data,
            "main_products": (self.main_products.data or "").strip(),
            "product_ids": list(self.products.data or []) if "products" in self else [],
            "channels": self.channels.data or [],
            "gender": self.gender.data,
            "birth_year": self.birth_year.data,
        }
