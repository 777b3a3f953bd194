"""Changing a password, choosing a language, and staff accounts."""

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.core.extensions import db
from lms.core.roles import Role
from tests.conftest import TEST_PASSWORD
from tests.factories import AdminFactory, LeadFactory, MentorFactory, UserFactory

NEW_PASSWORD = "a much longer secret"


def test_password_change_needs_the_current_password(client, auth):
    user = UserFactory()
    auth.login(user)
    response = client.post(
        "/account/password",
        data={"current": "wrong guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "not your current password" in response.text
    auth.logout()
    auth.login(user)  # the old password still works


def test_password_change_signs_other_devices_out(app, client, auth):
    user = UserFactory()
    other_device = app.test_client()
    type(auth)(other_device).login(user)
    auth.login(user)
    response = client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this device stays in
    assert other_device.get("/").status_code == 302  # the other one is out
    auth.logout()
    assert client.post("/login", data={"login": user.phone, "password": TEST_PASSWORD}).status_code == 200
    auth.login(user, NEW_PASSWORD)


def test_language_choice_is_remembered_for_the_person(client, auth):
    user = UserFactory()
    auth.login(user)
    response = client.post("/language", data={"lang": "zh_Hans", "next": "/account/password"})
    assert response.headers["Location"] == "/account/password"
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "zh_Hans"
    page = client.get("/")
    assert '<html lang="zh-Hans">' in page.text


def test_visitors_language_is_kept_in_a_cookie(client):
    client.post("/language", data={"lang": "zh_Hans", "next": "/login"})
    assert '<html lang="zh-Hans">' in client.get("/login").text
    client.post("/language", data={"lang": "en", "next": "/login"})
    assert '<html lang="en">' in client.get("/login").text


def test_browser_language_decides_until_the_person_chooses(app):
    client = app.test_client()
    assert '<html lang="zh-Hans">' in client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    default = "zh-Hans" if app.config["BABEL_DEFAULT_LOCALE"] == "zh_Hans" else "en"
    assert f'<html lang="{default}">' in client.get("/login", headers={"Accept-Language": "fr"}).text


def test_unknown_language_and_foreign_next_are_ignored(client):
    response = client.post("/language", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert client.get_cookie("lms_lang") is None


def test_lead_creates_a_mentor_account(client, auth):
    auth.login(LeadFactory())
    data = {
        "name": "刘芳",
        "role": "mentor",
        "phone": "13800000012",
        "email": "liu@example.org",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    response = client.post("/accounts/new", data=data)
    assert response.status_code == 302
    mentor = db.session.scalar(select(User).where(User.email == "liu@example.org"))
    assert (mentor.role, mentor.phone) == (Role.MENTOR, "+8613800000012")
    assert "刘芳" in client.get("/accounts").text


def test_lead_cannot_create_an_admin_but_an_admin_can(client, auth):
    data = {
        "name": "Root",
        "role": "admin",
        "email": "root@example.org",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    auth.login(LeadFactory())
    response = client.post("/accounts/new", data=data)
    assert response.status_code == 200
    assert "Not a valid choice" in response.text
    auth.logout()
    auth.login(AdminFactory())
    assert client.post("/accounts/new", data=data).status_code == 302
    assert db.session.scalar(select(func.count()).where(User.role == "admin")) == 2


def test_account_list_filters_by_role(client, auth):
    auth.login(LeadFactory())
    MentorFactory(name="Mentor Wang")
    UserFactory(name="Learner Li")
    page = client.get("/accounts?role=mentor").text
    assert "Mentor Wang" in page
    assert "Learner Li" not in page
