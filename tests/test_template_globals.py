"""Templates get a page's data from its view, and call only the helpers registered in lms.app.template_globals."""

from lms.app.template_globals import TEMPLATE_HELPERS

# Flask's own (request, session, g), Flask-WTF's csrf_token and Flask-Login's current_user.
LIBRARY_PROCESSORS = {"flask.templating", "flask_wtf.csrf", "flask_login.utils"}


def test_no_area_adds_to_every_template_context(app):
    modules = {
        processor.__module__ for processors in app.template_context_processors.values() for processor in processors
    }
    assert modules <= LIBRARY_PROCESSORS


def test_the_helpers_are_template_globals(app):
    for name, helper in TEMPLATE_HELPERS.items():
        assert app.jinja_env.globals[name] is helper
