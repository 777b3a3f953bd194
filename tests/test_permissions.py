"""Every route, every role: the answers the permission matrix declares."""

import pytest
from flask import Flask

from lms.app import create_app
from lms.core.security import check_declarations, signed_in
from tests.permissions import MATRIX, ROLES, endpoints_missing_from_matrix

CASES = [
    pytest.param(endpoint, index, role, id=f"{endpoint}[{index}]-{role}")
    for endpoint, cases in MATRIX.items()
    for index in range(len(cases))
    for role in ROLES
]


def test_every_route_has_an_entry_in_the_matrix(app):
    assert endpoints_missing_from_matrix(app) == []


@pytest.mark.parametrize(("endpoint", "index", "role"), CASES)
def test_route_answers_each_role_as_declared(client, auth, world, endpoint, index, role):
    case = MATRIX[endpoint][index]
    user = world.by_role(role)
    if user is not None:
        auth.login(user)
    url = case.url(world)
    response = client.open(url, method=case.method, data=case.data)
    assert response.status_code == case.expect[role], f"{case.method} {url} as {role}"
    if role == "anonymous" and response.status_code == 302 and endpoint not in ("auth.logout", "auth.set_language"):
        assert response.headers["Location"].startswith("/login")


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
