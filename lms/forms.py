"""Form pieces shared by every blueprint."""

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField


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


class ActionForm(BaseForm):
    """A button that changes something: only its CSRF token is checked."""
