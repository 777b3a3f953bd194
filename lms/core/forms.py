"""Form pieces shared by every blueprint."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


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
