"""Fixtures: one app per session, a clean database per test, clients per role."""

import contextvars
import functools
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session
from sqlalchemy import Connection, String, event, exists, literal, select, text, union_all

from lms.app import create_app
from lms.core.extensions import db, limiter
from lms.core.queue import bound_app, huey, init_queue
from lms.media.stores import EXTENSION_KEY, current_store
from tests import factories
from tests.s3_server import running_s3_server

TEST_PASSWORD = factories.TEST_PASSWORD
TESTS = Path(__file__).resolve().parent
SAVEPOINT = re.compile(r"(RELEASE |ROLLBACK TO )?SAVEPOINT ", re.IGNORECASE)


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


class BoundSession(Session):
    """Uses the connection it is given: the test's, whose transaction the test rolls back.

    Flask-SQLAlchemy's sessions would ignore a ``bind`` given to the session.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and isinstance(self.bind, Connection):
            if threading.get_ident() != self.bind.info.get("thread"):
                # One connection cannot serve two threads at once.
                self.bind.info["other_threads"] = True
                raise RuntimeError("a test whose threads use the database needs @pytest.mark.commits")
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, ``g`` and database session, as in production.

    Tests run inside an app context of their own; without this, every request
    would share it, and with it ``g`` and the test's session.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the test sees what the request wrote
        return response


def pytest_collection_modifyitems(config, items):
    """A file's tests stay in one process when the run is shared out (``--dist loadgroup``): its module's
    fixtures (the permission matrix's world, the rate-limit probes) are then built once, not once per process.

    ``LMS_ONE_DATABASE_ELSEWHERE=1`` (tests/run.py, for the second database): the ``one_database`` tests are
    left to the other run."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.path.relative_to(TESTS).as_posix()))
    if os.environ.get("LMS_ONE_DATABASE_ELSEWHERE") != "1":
        return
    elsewhere = [item for item in items if item.get_closest_marker("one_database")]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if not item.get_closest_marker("one_database")]


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
            # The address links in emails and exports are built on; the test client's own host.
            "LMS_BASE_URL": "http://localhost",
            # Tests read messages in English; Chinese has tests of its own.
            "BABEL_DEFAULT_LOCALE": "en",
            "LMS_PASSWORD_TIME_COST": 1,
            "LMS_PASSWORD_MEMORY_KIB": 64,
            # Jobs run as they are enqueued, in the test's thread and transaction (tests of a real worker
            # start one of their own, and ``job_queue`` holds them for the test to run).
            "LMS_QUEUE_URL": "memory://",
            "LMS_QUEUE_IMMEDIATE": True,
        }
    )
    with app.app_context():
        create_schema(url)
        flask_migrate.upgrade()
    app.config["LMS_TEST_DATABASE_URL"] = url
    app.test_client_class = IsolatedClient
    db.session.session_factory.class_ = BoundSession
    yield app
    with app.app_context():
        drop_schema(url)


def delete_all_rows() -> None:
    """Empty every table: inside the test's transaction when it has one, else for good."""
    db.session.remove()
    bind = db.session.get_bind()
    if isinstance(bind, Connection):
        with bind.begin_nested():
            empty_tables(bind)
    else:
        with db.engine.begin() as connection:
            empty_tables(connection)


def empty_tables(connection: Connection) -> None:
    for table in reversed(db.metadata.sorted_tables):
        connection.execute(table.delete())


@functools.cache
def rows_probe() -> str:
    """The SQL of one query naming each table that has a row; built once, run after every test."""
    probes = [
        select(literal(table.name, String)).where(exists().select_from(table)) for table in db.metadata.sorted_tables
    ]
    return str(union_all(*probes).compile(db.engine, compile_kwargs={"literal_binds": True}))


def tables_with_rows() -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.exec_driver_sql(rows_probe()).scalars())


@contextmanager
def rolled_back():
    """Every session of the test, its requests' too, on one connection whose transaction is rolled back.

    A session's commit only releases a savepoint inside that transaction.
    """
    db.session.remove()
    connection = db.engine.connect()
    connection.info.update(thread=threading.get_ident(), other_threads=False)
    sqlite = connection.connection.dbapi_connection if connection.dialect.name == "sqlite" else None
    if sqlite:
        # pysqlite begins and commits on its own, and a SAVEPOINT outside a transaction commits on RELEASE.
        isolation_level, sqlite.isolation_level = sqlite.isolation_level, None
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    options = db.session.session_factory.kw
    saved = dict(options)
    options.update(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        db.session.remove()
        options.clear()
        options.update(saved)
        transaction.rollback()
        if sqlite:
            sqlite.isolation_level = isolation_level
        other_threads = connection.info.pop("other_threads")
        del connection.info["thread"]  # the info stays with the pooled connection
        connection.close()
    if other_threads:
        pytest.fail("another thread used the test's connection: mark the test @pytest.mark.commits", pytrace=False)


@pytest.fixture(autouse=True)
def app_context(app, request):
    """Each test runs in an app context and leaves an empty database behind.

    Its writes are rolled back, unless it is marked ``commits`` (threads, a served app, migrations):
    then it commits for real, and every row is deleted afterwards.
    """
    if bound_app.get("app") is not app:
        init_queue(app)  # another app a test built took the one queue of the process: give it back
    if request.node.get_closest_marker("shared_world"):
        request.getfixturevalue("shared_world")  # its app context, transaction and world serve this test
        limiter.reset()
        yield
        return
    if request.node.get_closest_marker("demo_seeded"):
        request.getfixturevalue("demo_seeded")  # the module's seeded transaction; this test's writes are undone
        limiter.reset()
        with undone():
            yield
        return
    with app.app_context():
        limiter.reset()
        if request.node.get_closest_marker("commits"):
            yield
            delete_all_rows()
        else:
            with rolled_back():
                yield
        left = tables_with_rows()
        if left:
            delete_all_rows()  # the next test starts empty all the same
            pytest.fail(f"rows left behind in {', '.join(left)}: a commit outside the test's transaction")


@pytest.fixture(scope="module")
def shared_world(app):
    """One world for a module of tests that each undo what they do (``shared_world``: the permission matrix).

    Built once, in an app context and a transaction that last as long as the module and are rolled back after.
    """
    with app.app_context():
        with rolled_back():
            yield factories.make_world()
        left = tables_with_rows()
    if left:
        pytest.fail(f"rows left behind in {', '.join(left)}: a commit outside the module's transaction")


DEMO_PASSWORD = "demo-pass-2027"


def seed_demo(app) -> None:
    result = app.test_cli_runner().invoke(args=["lms", "seed-demo", "--password", DEMO_PASSWORD, "--no-videos"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def demo_seeded(app):
    """The demo program (``lms seed-demo``, no videos), seeded once for a module of tests marked ``demo_seeded``.

    Seeding takes seconds; each test reads it and has what it writes undone (``undone``). Built in an app context
    and a transaction that last as long as the module and are rolled back after.
    """
    with app.app_context():
        with rolled_back():
            seed_demo(app)
            yield
        left = tables_with_rows()
    if left:
        pytest.fail(f"rows left behind in {', '.join(left)}: a commit outside the module's transaction")


@contextmanager
def undone():
    """What the test writes, its requests' commits included, in a savepoint of the module's transaction that is
    rolled back at its end."""
    db.session.remove()
    savepoint = db.session.session_factory.kw["bind"].begin_nested()
    try:
        yield
    finally:
        db.session.remove()
        savepoint.rollback()


@pytest.fixture
def job_queue():
    """Jobs wait in a queue in memory instead of running when enqueued; ``job_queue.run()`` runs them."""
    huey.immediate = False
    # The queue's storage may hold jobs a served app (the browser tests' server) left in it.
    huey.storage.flush_all()
    try:
        yield JobQueue()
    finally:
        huey.storage.flush_all()
        huey.immediate = True


class JobQueue:
    def names(self) -> list[str]:
        return [task.name for task in huey.pending()]

    def run(self) -> int:
        """Run every waiting job (and any it enqueues) in the test's thread; how many ran."""
        ran = 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            ran += 1
        return ran


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server on a free 127.0.0.1 port, for the whole run."""
    with running_s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture(scope="session")
def s3_bucket(s3_server):
    return s3_server.new_bucket()


@pytest.fixture(scope="session")
def s3_store(app, s3_server, s3_bucket):
    """The app's S3 backend for a bucket of the test server (boto3 clients are slow to make: one per run)."""
    return s3_server.store(s3_bucket, app.config["LMS_UPLOAD_PATH"])


@pytest.fixture(params=["local", "s3"])
def store(request, app, monkeypatch):
    """Each backend in turn behind the app: the upload folder, then a bucket of the S3 server."""
    if request.param == "local":
        yield current_store()
        return
    s3_store = request.getfixturevalue("s3_store")
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, s3_store)
    yield s3_store


def english_client(app):
    """A test client whose browser asks for English (each language has its own tests)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app):
    return english_client(app)


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
            # Savepoints stand for the commits a rolled-back test cannot make: not the app's queries.
            if not SAVEPOINT.match(statement):
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
