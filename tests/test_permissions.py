"""Every route, every role: the answers the permission matrix declares."""

from contextlib import contextmanager

import pytest
from flask import Flask, current_app

from lms.app import create_app
from lms.core.extensions import db, limiter
from lms.core.security import check_declarations, signed_in
from tests.factories import TEST_PASSWORD
from tests.permissions import MATRIX, ROLES, endpoints_missing_from_matrix

# Who may open what is decided in Python (the policies); the queries under it run on both databases in the
# tests of each area. Side-by-side runs walk the matrix once.
pytestmark = pytest.mark.one_database

CASES = [
    pytest.param(endpoint, index, id=f"{endpoint}[{index}]")
    for endpoint, cases in MATRIX.items()
    for index in range(len(cases))
]
# Where signing out and choosing a language send the anonymous: not to the sign-in page.
NOT_TO_LOGIN = ("auth.logout", "auth.set_language")


def test_every_route_has_an_entry_in_the_matrix(app):
    assert endpoints_missing_from_matrix(app) == []


@contextmanager
def undone():
    """Whatever happens inside is rolled back: each role meets the world as it was made."""
    db.session.commit()  # the test's session holds no savepoint around the one below
    savepoint = db.session.get_bind().begin_nested()
    try:
        yield
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()
        limiter.reset()


@pytest.fixture(scope="module")
def sign_ins(app, shared_world) -> dict[str, list]:
    """role → the cookies of a sign-in as that role's person, made once for the module's world."""
    cookies = {}
    for role in {*ROLES, "other_lead"} - {"anonymous"}:
        client = app.test_client()
        user = shared_world.by_role(role)
        response = client.post("/login", data={"login": user.login_name, "password": TEST_PASSWORD})
        assert response.status_code == 302, f"{role}: could not sign in as {user}"
        cookies[role] = list(client._cookies.values())
    return cookies


def wrong_answer(world, sign_ins, endpoint: str, case, role: str) -> str | None:
    """How the answer ``role`` gets differs from the declared one, or None; in a client of its own."""
    client = current_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for cookie in sign_ins.get(role, ()):
        client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    url = case.url(world)
    data = case.data(world) if callable(case.data) else case.data
    response = client.open(url, method=case.method, data=data)
    if response.status_code != case.expect[role]:
        return f"{case.method} {url} as {role}: {response.status_code}, declared {case.expect[role]}"
    location = response.headers.get("Location", "")
    sent_to_login = location.startswith("/login")
    if role == "anonymous" and response.status_code == 302 and endpoint not in NOT_TO_LOGIN and not sent_to_login:
        return f"{case.method} {url} as {role}: sent to {location}, not to /login"
    return None


@pytest.mark.shared_world
@pytest.mark.parametrize(("endpoint", "index"), CASES)
def test_route_answers_each_role_as_declared(shared_world, sign_ins, endpoint, index):
    """One world and one sign-in per role for all cases; each role's visit is rolled back before the next."""
    case = MATRIX[endpoint][index]
    answers = []
    # A case may also declare what a lead of another program gets ("other_lead").
    for role in [*ROLES, *(role for role in case.expect if role not in ROLES)]:
        with undone():
            answers.append(wrong_answer(shared_world, sign_ins, endpoint, case, role))
    wrong = [answer for answer in answers if answer]
    assert not wrong, "\n".join(wrong)


def test_a_new_route_without_an_entry_is_reported(app):
    """The matrix check catches a route nobody declared answers for."""
    extra = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "TESTING": True})

    @signed_in
    def surprise():
        return "new"

    extra.add_url_rule("/surprise", "surprise", surprise)
    assert endpoints_missing_from_matrix(extra) == ["surprise"]


def test_a_view_without_an_access_declaration_stops_the_app():
    app = Flask(__name__)
    app.add_url_rule("/open", "open", lambda: "anyone?")
    with pytest.raises(RuntimeError, match="open"):
        check_declarations(app)
