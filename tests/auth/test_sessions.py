"""Sessions end on the server: old cookies open nothing after sign-out, a new password or a switched-off account."""

from datetime import timedelta

from sqlalchemy import select, update

from lms.accounts.models import SecurityEvent, SignInSession
from lms.core.calendar import utcnow
from lms.core.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import AdminFactory, MentorFactory, UserFactory

NEW_PASSWORD = "a much longer secret"


def sign_in(client, user, remember=True):
    data = {"login": user.login_name, "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


def cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token") if client.get_cookie(name)}


def opens_pages(app, saved: dict[str, str]) -> dict[str, bool]:
    """Whether each saved cookie, alone in a fresh browser, still opens a signed-in page."""
    answers = {}
    for name, value in saved.items():
        thief = app.test_client()
        thief.set_cookie(name, value)
        answers[name] = thief.get("/account/password").status_code == 200
    return answers


def test_both_cookies_open_pages_while_the_session_lasts(app, client):
    sign_in(client, UserFactory())
    saved = cookies(client)
    assert set(saved) == {"session", "remember_token"}
    assert opens_pages(app, saved) == {"session": True, "remember_token": True}


def test_sign_out_ends_the_session_and_its_remember_me_cookie(app, client, world):
    sign_in(client, world.mentor_a)
    saved = cookies(client)
    assert client.get(f"/learners/{world.learner_a.id}").status_code == 200
    client.post("/logout")
    assert opens_pages(app, saved) == {"session": False, "remember_token": False}
    replayed = app.test_client()
    replayed.set_cookie("session", saved["session"])
    assert replayed.get(f"/learners/{world.learner_a.id}").status_code == 302


def test_a_new_password_ends_every_other_session_and_remember_me_cookie(app, client):
    user = UserFactory()
    other_phone = app.test_client()
    sign_in(other_phone, user)
    saved = cookies(other_phone)
    sign_in(client, user)
    changed = client.post(
        "/account/password", data={"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    assert opens_pages(app, saved) == {"session": False, "remember_token": False}
    # The phone it was changed on stays signed in, remember-me cookie and all.
    assert opens_pages(app, cookies(client)) == {"session": True, "remember_token": True}


def test_switching_an_account_off_ends_its_sessions_at_once(app, client, auth):
    mentor = MentorFactory()
    mentors_laptop = app.test_client()
    sign_in(mentors_laptop, mentor)
    saved = cookies(mentors_laptop)
    auth.login(AdminFactory())
    assert client.post(f"/accounts/{mentor.id}/switch-off", data={"confirm": "yes"}).status_code == 302
    assert opens_pages(app, saved) == {"session": False, "remember_token": False}
    assert mentors_laptop.get("/").status_code == 302


def test_signing_in_starts_a_new_session_whatever_the_browser_held_before(app, client):
    user = UserFactory()
    client.get("/login")
    before = client.get_cookie("session")
    sign_in(client, user, remember=False)
    after = client.get_cookie("session")
    assert before is None or before.value != after.value
    if before is not None:
        assert opens_pages(app, {"session": before.value}) == {"session": False}
    # Each sign-in has a token of its own, stored only as a hash.
    second = app.test_client()
    sign_in(second, user, remember=False)
    hashes = db.session.scalars(select(SignInSession.token_hash).where(SignInSession.user_id == user.id)).all()
    assert len(set(hashes)) == 2
    for value in (after.value, second.get_cookie("session").value):
        assert not any(stored in value for stored in hashes)


def age_sessions(user, *, idle: timedelta, age: timedelta | None = None) -> None:
    now = utcnow()
    values = {"last_seen_at": now - idle}
    if age is not None:
        values["created_at"] = now - age
    db.session.execute(update(SignInSession).where(SignInSession.user_id == user.id).values(**values))
    db.session.commit()


def test_staff_are_signed_out_after_thirty_idle_minutes_even_when_remembered(app, client):
    mentor = MentorFactory()
    sign_in(client, mentor)
    age_sessions(mentor, idle=timedelta(minutes=29))
    assert client.get("/").status_code == 200
    age_sessions(mentor, idle=timedelta(minutes=31))
    assert client.get("/").status_code == 302
    client.delete_cookie("session")
    assert client.get("/").status_code == 302  # the remember-me cookie is over too


def test_a_learner_who_stays_signed_in_stays_for_days_and_one_who_did_not_for_two_hours(app):
    kept, brief = UserFactory(), UserFactory()
    kept_phone, brief_phone = app.test_client(), app.test_client()
    sign_in(kept_phone, kept, remember=True)
    sign_in(brief_phone, brief, remember=False)
    age_sessions(kept, idle=timedelta(days=10))
    age_sessions(brief, idle=timedelta(minutes=121))
    assert kept_phone.get("/").status_code == 200
    assert brief_phone.get("/").status_code == 302


def test_no_session_outlives_its_absolute_lifetime(app, client):
    learner, mentor = UserFactory(), MentorFactory()
    learners_phone = app.test_client()
    sign_in(learners_phone, learner)
    sign_in(client, mentor)
    age_sessions(learner, idle=timedelta(minutes=1), age=timedelta(days=31))
    age_sessions(mentor, idle=timedelta(minutes=1), age=timedelta(hours=13))
    assert learners_phone.get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_the_idle_time_and_lifetime_are_settings(app, client):
    mentor = MentorFactory()
    sign_in(client, mentor)
    age_sessions(mentor, idle=timedelta(minutes=10))
    assert client.get("/").status_code == 200
    age_sessions(mentor, idle=timedelta(minutes=10))
    app.config["LMS_STAFF_IDLE_MINUTES"] = 5
    try:
        assert client.get("/").status_code == 302
    finally:
        app.config["LMS_STAFF_IDLE_MINUTES"] = 30
    sign_in(client, mentor)
    age_sessions(mentor, idle=timedelta(minutes=1), age=timedelta(hours=3))
    app.config["LMS_STAFF_SESSION_HOURS"] = 2
    try:
        assert client.get("/").status_code == 302
    finally:
        app.config["LMS_STAFF_SESSION_HOURS"] = 12


def test_a_person_signs_out_everywhere_else_and_stays_signed_in_here(app, client):
    user = UserFactory()
    lost_phone = app.test_client()
    sign_in(lost_phone, user)
    saved = cookies(lost_phone)
    sign_in(client, user)
    assert "Sign out everywhere else" in client.get("/account/password").text
    response = client.post("/account/sign-out-elsewhere")
    assert response.headers["Location"] == "/account/password"
    assert opens_pages(app, saved) == {"session": False, "remember_token": False}
    assert opens_pages(app, cookies(client)) == {"session": True, "remember_token": True}


def test_she_sees_her_sessions_and_ends_one_other_without_ending_this_one(app, client):
    user = UserFactory()
    lost_phone = app.test_client()
    lost_phone.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 10; Redmi 9A)"
    sign_in(lost_phone, user)
    saved = cookies(lost_phone)
    sign_in(client, user)
    page = client.get("/account/password").text
    assert "Redmi 9A" in page
    assert "(this one)" in page
    sessions = db.session.scalars(select(SignInSession).where(SignInSession.user_id == user.id)).all()
    lost, here = sorted(sessions, key=lambda sign_in: sign_in.id)
    assert client.post(f"/account/sessions/{here.id}/end").status_code == 302  # never the one she is using
    assert opens_pages(app, cookies(client)) == {"session": True, "remember_token": True}
    client.post(f"/account/sessions/{lost.id}/end")
    assert opens_pages(app, saved) == {"session": False, "remember_token": False}
    assert "Redmi 9A" not in client.get("/account/password").text


def test_staff_sign_a_person_out_everywhere_and_the_account_stays_on(app, client):
    mentor = MentorFactory()
    phone = app.test_client()
    sign_in(phone, mentor)
    saved = cookies(phone)
    sign_in(client, AdminFactory())
    assert client.post(f"/accounts/{mentor.id}/sign-out").status_code == 302
    assert opens_pages(app, saved) == {"session": False, "remember_token": False}
    db.session.expire_all()
    assert mentor.active
    sign_in(phone, mentor)  # she signs in again at once


def test_an_admin_signs_everyone_out_and_stays_signed_in_herself(app, client):
    learner, mentor, admin = UserFactory(), MentorFactory(), AdminFactory()
    phones = {}
    for person in (learner, mentor):
        phone = app.test_client()
        sign_in(phone, person)
        phones[person.id] = cookies(phone)
    sign_in(client, admin)
    page = client.get("/accounts/sign-out-everyone").text
    assert "Every session of every account ends at once" in page
    assert client.post("/accounts/sign-out-everyone").status_code == 200  # not confirmed: nothing ended
    assert opens_pages(app, phones[learner.id]) == {"session": True, "remember_token": True}
    response = client.post("/accounts/sign-out-everyone", data={"confirm": "yes"})
    assert response.status_code == 302
    assert "2 sessions ended" in client.get("/accounts").text  # and she is still signed in
    for saved in phones.values():
        assert opens_pages(app, saved) == {"session": False, "remember_token": False}
    kinds = db.session.scalars(select(SecurityEvent.kind).where(SecurityEvent.user_id == admin.id)).all()
    assert "everyone_signed_out" in kinds
