"""Templates get a page's data from its view, and call only the helpers and role policies registered in
lms.app.template_globals."""

import re
from pathlib import Path

import pytest

from lms.app.template_globals import TEMPLATE_HELPERS, TEMPLATE_POLICIES

pytestmark = pytest.mark.one_database

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Flask's own (request, session, g), Flask-WTF's csrf_token and Flask-Login's current_user.
LIBRARY_PROCESSORS = {"flask.templating", "flask_wtf.csrf", "flask_login.utils"}
ROLE_CHECK = re.compile(r"\.role\s*(==|!=|in\b|not in\b)|\bRole\.")


def test_no_area_adds_to_every_template_context(app):
    modules = {
        processor.__module__ for processors in app.template_context_processors.values() for processor in processors
    }
    assert modules <= LIBRARY_PROCESSORS


def test_the_helpers_and_policies_are_template_globals(app):
    for name, function in {**TEMPLATE_HELPERS, **TEMPLATE_POLICIES}.items():
        assert app.jinja_env.globals[name] is function


def test_templates_ask_a_policy_not_a_role():
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ROLE_CHECK.search(line)
    ]
    assert found == []


def test_a_post_button_is_a_form_of_its_own_with_the_csrf_token(app):
    with app.test_request_context("/"):
        post_button = app.jinja_env.get_template("_macros.html").module.post_button
        plain = str(post_button("/notifications/read-all", "Mark all as read"))
        confirmed = str(post_button("/manage/lessons/1/delete", "Delete", confirm=True, **{"class": "button-danger"}))
    assert '<form method="post" action="/notifications/read-all" class="inline">' in plain
    assert 'name="csrf_token"' in plain
    assert 'name="confirm"' not in plain
    assert 'name="confirm" value="yes"' in confirmed
    assert 'class="button-danger"' in confirmed
