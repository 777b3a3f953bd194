"""Leads and admins switch accounts off: signed out everywhere, sign-in refused, history kept."""

from sqlalchemy import select

from lms.accounts.models import User
from lms.core.extensions import db
from tests.conftest import TEST_PASSWORD


def switch_off(client, person, confirm=True):
    return client.post(f"/accounts/{person.id}/switch-off", data={"confirm": "yes"} if confirm else {})


def test_a_lead_switches_a_mentor_off_after_confirming_and_on_again(client, auth, world):
    auth.login(world.lead)
    listing = client.get("/accounts?role=mentor").text
    assert f"/accounts/{world.mentor_a.id}/switch-off" in listing
    confirm_page = client.get(f"/accounts/{world.mentor_a.id}/switch-off")
    assert "signed out on every phone and computer" in confirm_page.text
    assert switch_off(client, world.mentor_a, confirm=False).status_code == 200
    assert db.session.get(User, world.mentor_a.id).active
    response = switch_off(client, world.mentor_a)
    assert response.headers["Location"] == "/accounts"
    assert not db.session.get(User, world.mentor_a.id).active
    assert "Switched off" in client.get("/accounts?role=mentor").text
    # History is kept: the mentor is still the cohort's mentor of record.
    db.session.refresh(world.cohort_a)
    assert world.mentor_a in world.cohort_a.mentors
    assert client.post(f"/accounts/{world.mentor_a.id}/switch-on").status_code == 302
    assert db.session.get(User, world.mentor_a.id).active


def test_a_switched_off_learner_cannot_sign_in_and_reads_why(app, client, auth, world):
    auth.login(world.admin)
    switch_off(client, world.learner_a)
    learner = app.test_client()
    refused = learner.post("/login", data={"login": world.learner_a.login_name, "password": TEST_PASSWORD})
    assert "This account is switched off" in refused.text
    assert learner.get("/").status_code == 302
    assert db.session.scalar(select(User.id).where(User.id == world.learner_a.id)) is not None


def test_leads_may_not_switch_off_leads_or_admins_and_nobody_switches_themselves_off(client, auth, world):
    auth.login(world.lead)
    assert switch_off(client, world.admin).status_code == 403
    assert switch_off(client, world.lead).status_code == 403
    listing = client.get("/accounts").text
    assert f"/accounts/{world.admin.id}/switch-off" not in listing
    auth.logout()
    auth.login(world.admin)
    assert switch_off(client, world.admin).status_code == 403
    assert switch_off(client, world.lead).status_code == 302
    assert db.session.get(User, world.admin.id).active
