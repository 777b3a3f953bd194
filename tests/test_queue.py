"""The job queue: its storage from one setting, and jobs held until the transaction that asked for them commits."""

import pytest
from huey.storage import MemoryStorage, PostgresStorage, RedisStorage, SqliteStorage

from lms.core.extensions import db
from lms.core.queue import enqueue_after_commit, job, queue_storage


def test_the_queue_storage_follows_one_setting(tmp_path):
    assert queue_storage("", str(tmp_path)) == (SqliteStorage, {"filename": str(tmp_path / "queue.sqlite3")})
    storage_class, arguments = queue_storage("redis://127.0.0.1:6379/3", "")
    assert storage_class is RedisStorage
    connection = arguments["connection_pool"].connection_kwargs
    assert (connection["host"], connection["port"], connection["db"]) == ("127.0.0.1", 6379, 3)
    assert (connection["socket_connect_timeout"], connection["socket_timeout"]) == (2, 10)
    postgres = (PostgresStorage, {"dsn": "postgresql://lms@db/lms", "connect_timeout": 2})
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
