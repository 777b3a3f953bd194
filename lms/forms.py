"""Form pieces shared by every blueprint."""

from flask_wtf import FlaskForm


def drop_nul(value):
    """Remove NUL characters, which no database column should hold (PostgreSQL refuses them)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """The parent of every form: CSRF from Flask-WTF, and text cleaned of NUL characters."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = (*unbound_field.kwargs.get("filters", ()), drop_nul)
            return unbound_field.bind(form=form, filters=filters, **options)


class ActionForm(BaseForm):
    """A button that changes something: only its CSRF token is checked."""
