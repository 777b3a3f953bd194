"""Headers on every response, friendly error pages, and times shown in the person's zone."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lms.core.extensions import db
from lms.core.web import CONTENT_SECURITY_POLICY
from tests.factories import AdminFactory, LeadFactory, UserFactory


@pytest.mark.parametrize("path", ["/login", "/join", "/no-such-page", "/static/style.css"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    response.close()
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site_lax(client):
    UserFactory(phone="+8613912345678")
    client.post("/login", data={"login": "13912345678", "password": "correct horse battery"})
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_pages_carry_no_inline_script_or_style(client, auth, world):
    auth.login(world.lead)
    for path in ("/", "/login", "/cohorts", f"/cohorts/{world.cohort_a.id}", "/accounts", "/accounts/new"):
        html = client.get(path).text
        assert "<script>" not in html, path
        assert "style=" not in html, path


def test_not_found_page_is_friendly_in_both_languages(client):
    english = client.get("/no-such-page")
    assert english.status_code == 404
    assert "Page not found" in english.text
    chinese = client.get("/no-such-page", headers={"Accept-Language": "zh-CN"})
    assert chinese.status_code == 404
    assert "页面不存在" in chinese.text


def test_forbidden_page_is_friendly(client, auth, world):
    auth.login(world.learner_a)
    response = client.get("/accounts")
    assert response.status_code == 403
    assert "Not allowed" in response.text


def test_too_large_upload_gets_the_friendly_413_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/login", data={"login": "x" * 4096, "password": "y"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 200 * 1024 * 1024
    assert response.status_code == 413
    assert "File too large" in response.text


def test_server_error_page_is_friendly_and_rolls_back(app, client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("lms.cohorts.views.setup.services.cohorts_for", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        LeadFactory(email="lead@example.org")
        client.post("/login", data={"login": "lead@example.org", "password": "correct horse battery"})
        response = client.get("/cohorts")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text


def test_dates_are_stored_in_utc_and_shown_in_the_local_zone_and_language(client, auth):
    admin = AdminFactory()  # she lists every account, also a learner in no program yet
    UserFactory(name="Night owl", created_at=datetime(2027, 3, 1, 17, 30, tzinfo=UTC))
    auth.login(admin)
    # 17:30 UTC on 1 March is already 2 March in China.
    assert "Mar 2, 2027" in client.get("/accounts").text
    client.post("/language", data={"lang": "zh_Hans"})
    assert "2027年3月2日" in client.get("/accounts").text
    stored = db.session.get(type(admin), admin.id).created_at
    assert stored.tzinfo is not None


def test_pages_are_sent_compressed_to_browsers_that_accept_it(client):
    response = client.get("/join", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = client.get("/join", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert len(response.data) < len(plain.data) / 2


def test_every_page_title_is_plain_text(client):
    """A browser tab shows the title block as text: no markup may sit in it (it once held a paragraph)."""
    templates = Path(__file__).resolve().parent.parent / "templates"
    for template in templates.rglob("*.html"):
        for title in re.findall(r"{% block title %}(.*?){% endblock %}", template.read_text(), flags=re.S):
            assert "<" not in title, template.name
    for path in ("/login", "/join", "/setup-password"):
        page = client.get(path).text
        assert re.search(r"<title>[^<]+</title>", page), path
