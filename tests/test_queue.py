"""The job queue: its storage from one setting, and jobs held until the transaction that asked for them commits."""

import psycopg
import pytest
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from lms.core.extensions import db
from lms.core.queue import PostgresQueueStorage, enqueue_after_commit, job, queue_storage


def test_the_queue_storage_follows_one_setting(tmp_path):
    assert queue_storage("", str(tmp_path)) == (SqliteStorage, {"filename": str(tmp_path / "queue.sqlite3")})
    storage_class, arguments = queue_storage("redis://127.0.0.1:6379/3", "")
    assert storage_class is RedisStorage
    connection = arguments["connection_pool"].connection_kwargs
    assert (connection["host"], connection["port"], connection["db"]) == ("127.0.0.1", 6379, 3)
    assert (connection["socket_connect_timeout"], connection["socket_timeout"]) == (2, 10)
    postgres = (PostgresQueueStorage, {"dsn": "postgresql://lms@db/lms", "connect_timeout": 2})
    assert queue_storage("postgresql+psycopg://lms@db/lms", "") == postgres
    assert queue_storage("postgres://lms@db/lms", "") == postgres
    assert queue_storage("sqlite:////srv/lms/queue.db", "") == (SqliteStorage, {"filename": "/srv/lms/queue.db"})
    assert queue_storage("memory://", "") == (MemoryStorage, {})
    with pytest.raises(ValueError, match="LMS_QUEUE_URL"):
        queue_storage("amqp://rabbit", "")


@job()
def remember(value: str) -> str:
    return value


def test_a_job_waits_for_the_commit_and_a_rollback_drops_it(job_queue):
    enqueue_after_commit(db.session(), remember, "kept")
    enqueue_after_commit(db.session(), remember, "kept")  # asked twice in one transaction: once
    assert job_queue.names() == []
    db.session.commit()
    assert job_queue.names() == ["remember"]
    job_queue.run()
    enqueue_after_commit(db.session(), remember, "dropped")
    db.session.rollback()
    db.session.commit()
    assert job_queue.names() == []


def test_the_worker_refuses_to_start_in_immediate_mode(app):
    result = app.test_cli_runner().invoke(args=["lms", "worker"])
    assert result.exit_code != 0
    assert "LMS_QUEUE_IMMEDIATE" in result.output


def test_a_postgresql_queue_that_does_not_answer_fails_when_used_not_when_the_app_is_built():
    storage_class, arguments = queue_storage("postgresql+psycopg://lms@127.0.0.1:1/lms", "")
    storage = storage_class("lms", **arguments)  # no connection yet
    with pytest.raises(psycopg.OperationalError):
        storage.queue_size()  # what the readiness check asks
    with pytest.raises(psycopg.OperationalError):
        storage.enqueue(b"job")


@pytest.mark.commits
def test_the_postgresql_queue_makes_its_tables_when_first_used(app):
    url = app.config["LMS_TEST_DATABASE_URL"]
    if not url.startswith("postgresql"):
        pytest.skip("the PostgreSQL queue storage runs against the PostgreSQL test database")
    dsn = "postgresql" + url[url.index(":") : url.index("?")]
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS lms_queue_first_use CASCADE")
        connection.execute("CREATE SCHEMA lms_queue_first_use")
        try:
            storage_class, arguments = queue_storage(dsn + "?options=-csearch_path%3Dlms_queue_first_use", "")
            storage = storage_class("lms", **arguments)
            tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'lms_queue_first_use'"
            assert connection.execute(tables).fetchone() == (0,)
            storage.enqueue(b"job")
            assert connection.execute(tables).fetchone() == (4,)
            assert storage.queue_size() == 1
            assert storage.dequeue() == b"job"
            storage.close()
        finally:
            connection.execute("DROP SCHEMA lms_queue_first_use CASCADE")
