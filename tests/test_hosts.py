"""The app answers only its trusted hosts, and every absolute link is built on LMS_BASE_URL."""

import pytest
from sqlalchemy import select

from lms.core.extensions import db
from lms.notifications.models import OutboxEmail

JOINER = {
    "name": "Visitor <a href=https://lms-login.evil.example>sign in</a>",
    "phone": "139 1234 5678",
    "email": "",
    "password": "tea and arrowroot",
    "confirm": "tea and arrowroot",
}


@pytest.fixture
def base_url(app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_BASE_URL", "https://school.example.org")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["school.example.org", "localhost"])
    return "https://school.example.org"


@pytest.mark.parametrize(
    "host",
    ["lms-login.evil.example", "school.example.org.evil.example", "evil.example:80", "school.example.org@evil.example"],
)
def test_a_request_for_another_host_is_refused(client, base_url, host):
    response = client.get("/login", headers={"Host": host})
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["school.example.org", "school.example.org:443", "localhost"])
def test_the_trusted_hosts_are_answered_on_any_port(client, base_url, host):
    assert client.get("/login", headers={"Host": host}).status_code == 200


def test_an_anonymous_join_with_a_foreign_host_writes_nothing_and_emails_nobody(client, world, base_url):
    world.mentor_a.email = "mentor-a@example.org"
    db.session.commit()
    data = {**JOINER, "invite_code": world.cohort_a.invite_code}
    response = client.post("/join", data=data, headers={"Host": "lms-login.evil.example"})
    assert response.status_code == 400
    assert db.session.scalars(select(OutboxEmail)).all() == []


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Forwarded-Host": "lms-login.evil.example"},
        {"X-Forwarded-Host": "lms-login.evil.example", "X-Forwarded-Proto": "http"},
        {"Forwarded": "host=lms-login.evil.example"},
        {"X-Original-Host": "lms-login.evil.example", "X-Host": "lms-login.evil.example"},
    ],
)
def test_the_mentors_email_links_to_the_base_url_whatever_the_forwarded_headers_say(client, world, base_url, headers):
    world.mentor_a.email = "mentor-a@example.org"
    db.session.commit()
    data = {**JOINER, "invite_code": world.cohort_a.invite_code}
    assert client.post("/join", data=data, headers={"Host": "localhost", **headers}).status_code == 302
    [email] = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == "mentor-a@example.org"))
    assert f"{base_url}/cohorts/{world.cohort_a.id}" in email.body
    assert "evil" not in email.body.replace(JOINER["name"], "")


def test_links_to_copy_on_pages_are_built_on_the_base_url(client, auth, world, base_url):
    auth.login(world.lead)
    page = client.get(f"/cohorts/{world.cohort_a.id}", headers={"Host": "localhost"}).text
    assert f'href="{base_url}/join/{world.cohort_a.invite_code}"' in page
