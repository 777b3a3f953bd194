"""Fixtures: one app per session, a clean database per test, clients per role."""

import contextvars
import os
import re
from contextlib import contextmanager

import flask_migrate
import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from lms.app import create_app
from lms.core.extensions import db, limiter
from tests import factories

TEST_PASSWORD = factories.TEST_PASSWORD


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def test_database_url(tmp_dir) -> str:
    """A new SQLite file, or a schema of its own in the PostgreSQL test database.

    A schema per run lets runs share one database without touching each other's
    tables (or anything else in that database).
    """
    url = os.environ.get("LMS_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir / 'test.sqlite3'}"
    schema = f"lms_test_{os.getpid()}"
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def test_schema(url: str) -> str | None:
    match = re.search(r"search_path%3D(\w+)", url)
    return match.group(1) if match else None


def create_schema(url: str) -> None:
    schema = test_schema(url)
    if schema:
        with db.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))


def drop_schema(url: str) -> None:
    schema = test_schema(url)
    if schema:
        db.session.remove()
        with db.engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, ``g`` and database session, as in production.

    Tests run inside an app context of their own; without this, every request
    would share it, and with it ``g`` and the test's session.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the test sees what the request wrote
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("lms")
    os.environ["LMS_INSTANCE_PATH"] = str(tmp_dir / "instance")
    url = test_database_url(tmp_dir)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            # Tests read messages in English; Chinese has tests of its own.
            "BABEL_DEFAULT_LOCALE": "en",
            "LMS_PASSWORD_TIME_COST": 1,
            "LMS_PASSWORD_MEMORY_KIB": 64,
        }
    )
    with app.app_context():
        create_schema(url)
        flask_migrate.upgrade()
    app.config["LMS_TEST_DATABASE_URL"] = url
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        drop_schema(url)


def delete_all_rows() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def app_context(app):
    """Each test runs in an app context and leaves an empty database behind."""
    with app.app_context():
        limiter.reset()
        yield
        delete_all_rows()


@pytest.fixture
def client(app):
    """A test client whose browser asks for English (each language has its own tests)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


class Auth:
    """Sign a test client in as somebody."""

    def __init__(self, client):
        self.client = client

    def login(self, user, password=TEST_PASSWORD):
        response = self.client.post("/login", data={"login": user.login_name, "password": password})
        assert response.status_code == 302, f"could not sign in as {user}"
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def count_queries():
    """``with count_queries() as queries:`` collects the SQL statements run inside."""

    @contextmanager
    def counter():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter


@pytest.fixture
def world():
    """Two cohorts of one program, each with its learner and mentor, plus a lead and an admin."""
    return factories.make_world()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)
