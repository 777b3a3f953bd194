"""The lead's form for one product of the program's list."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from lms.core.forms import BaseForm
from lms.outcomes.follow_ups.forms import UNIT_CHOICES
from lms.outcomes.intake.forms import choices_of
from lms.outcomes.products.services import ALIASES_MAX, NAME_MAX


class ProductForm(BaseForm):
    name = StringField(
        _l("Name in reports"),
        validators=[InputRequired(message=_l("Give the product a name.")), Length(max=NAME_MAX)],
        description=_l("For example: 脐橙 (navel oranges)."),
    )
    aliases = TextAreaField(
        _l("Other names people type"),
        validators=[Length(max=ALIASES_MAX)],
        description=_l("One per line, for example 赣南脐橙. Letter case, spaces and full-width letters do not matter."),
        render_kw={"rows": 3},
    )
    default_unit = SelectField(_l("Usual unit"), choices=choices_of(UNIT_CHOICES), default="jin")

    def values(self) -> dict:
        return {"name": self.name.data or "", "aliases_text": self.aliases.data or "", "unit": self.default_unit.data}
