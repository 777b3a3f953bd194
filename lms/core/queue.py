"""The job queue: one Huey instance, its storage chosen by ``LMS_QUEUE_URL`` when the app is built.

Areas declare their jobs with ``job`` and ``periodic_job`` beside the work they do; each job
runs in an app context (so with a database session) of its own. A request never enqueues
directly: ``enqueue_after_commit`` holds the job until its transaction commits, so a worker
never looks for rows that are not there yet, and a rolled-back request starts nothing.
"""

import contextlib
import functools
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.signals import SIGNAL_ENQUEUED
from huey.storage import MemoryStorage, PostgresStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.core.config import SettingsError
from lms.core.health import NOT_CONFIGURED, SERVICE_TIMEOUT_SECONDS, register_readiness_check

__all__ = [
    "crontab",
    "enqueue_after_commit",
    "huey",
    "in_app_context",
    "init_queue",
    "job",
    "oldest_waiting_seconds",
    "periodic_job",
    "queue_storage",
    "waiting_jobs",
]

QUEUE_NAME = "lms"
AFTER_COMMIT = "lms_queue_after_commit"

# Until the app is built the queue keeps jobs in memory; ``init_queue`` puts the real storage in.
huey = Huey(QUEUE_NAME, storage_class=MemoryStorage, utc=True, results=False)
bound_app: dict[str, Flask] = {}
# A job's id starts with the time it was first enqueued (milliseconds, hex): the queue keeps no such time itself.
ENQUEUED_STAMP = re.compile(r"^([0-9a-f]{12})-")
# Huey waits up to a second for a job on Redis; a read must be allowed longer than that.
REDIS_READ_SECONDS = 10


class PostgresQueueStorage(PostgresStorage):
    """Huey's PostgreSQL storage, creating its tables when first used rather than when the app is built:
    a web process starts (and says it is not ready) while the database is down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, create_tables=False, **kwargs)
        self.schema_lock = threading.Lock()
        self.schema_ready = False

    @contextlib.contextmanager
    def db(self, commit=False, close=False):
        if not self.schema_ready:
            with self.schema_lock:
                if not self.schema_ready:
                    self.schema_ready = True  # first: making the tables uses this very method
                    try:
                        self.initialize_schema()
                    except Exception:
                        self.schema_ready = False
                        raise
        with super().db(commit=commit, close=close) as cursor:
            yield cursor


def queue_storage(url: str, instance_path: str) -> tuple[type, dict]:
    """The Huey storage class and its arguments for a queue URL: SQLite by default, Redis or PostgreSQL."""
    if not url:
        return SqliteStorage, {"filename": str(Path(instance_path) / "queue.sqlite3")}
    scheme = urlsplit(url).scheme.split("+", 1)[0]
    if scheme in {"redis", "rediss", "unix"}:
        # Timeouts, so that a Redis that vanished fails readiness and the worker instead of hanging them.
        pool = ConnectionPool.from_url(
            url, socket_connect_timeout=SERVICE_TIMEOUT_SECONDS, socket_timeout=REDIS_READ_SECONDS
        )
        return RedisStorage, {"connection_pool": pool}
    if scheme in {"postgresql", "postgres"}:
        # SQLAlchemy's driver suffix (postgresql+psycopg://) means nothing to psycopg itself.
        dsn = "postgresql" + url[url.index(":") :]
        return PostgresQueueStorage, {"dsn": dsn, "connect_timeout": SERVICE_TIMEOUT_SECONDS}
    if scheme == "sqlite":
        return SqliteStorage, {"filename": url.removeprefix("sqlite:///")}
    if scheme == "memory":
        return MemoryStorage, {}
    raise SettingsError(f"LMS_QUEUE_URL: unknown queue storage {scheme!r} (use redis://, postgresql:// or sqlite:///)")


def init_queue(app: Flask) -> None:
    """Give the queue its storage from the app's settings; in immediate mode jobs run as they are enqueued."""
    storage_class, arguments = queue_storage(app.config["LMS_QUEUE_URL"], app.instance_path)
    huey.storage.close()
    huey.storage_class, huey.storage_kwargs = storage_class, arguments
    huey._immediate = bool(app.config["LMS_QUEUE_IMMEDIATE"])
    huey.storage = huey.create_storage()
    bound_app["app"] = app


@huey.signal(SIGNAL_ENQUEUED)
def stamp_enqueued_time(_signal, task) -> None:
    # Only the first time: a retry taken back into the queue keeps its id (and its eta says when it was due).
    if not ENQUEUED_STAMP.match(task.id):
        task.id = f"{time.time_ns() // 1_000_000:012x}-{task.id}"


def waiting_jobs() -> int:
    """How many jobs wait in the queue for a worker (not those scheduled for later)."""
    return huey.pending_count()


def oldest_waiting_seconds() -> float:
    """How long the next job to run has been waiting: since it was enqueued, or since it fell due."""
    pending = huey.pending(limit=1)
    if not pending:
        return 0.0
    stamp = ENQUEUED_STAMP.match(pending[0].id)
    waiting_since = int(stamp.group(1), 16) / 1000 if stamp else time.time()
    if pending[0].eta is not None:  # huey keeps etas in naive UTC
        waiting_since = max(waiting_since, pending[0].eta.replace(tzinfo=UTC).timestamp())
    return max(0.0, time.time() - waiting_since)


def check_queue_storage() -> str | None:
    """The queue's storage answers (in immediate mode there is none to ask)."""
    if huey.immediate or isinstance(huey.storage, MemoryStorage):
        return NOT_CONFIGURED
    huey.storage.queue_size()
    return None


register_readiness_check("queue", check_queue_storage)


def job_app() -> Flask:
    """The app a job runs in: the one enqueuing it (immediate mode), else the one the worker built."""
    return current_app._get_current_object() if has_app_context() else bound_app["app"]


def in_app_context(function: Callable) -> Callable:
    @functools.wraps(function)
    def run(*args, **kwargs):
        # A context of its own: the job's session commits its own work, never the enqueuing request's.
        with job_app().app_context():
            return function(*args, **kwargs)

    return run


def job(**settings) -> Callable:
    """Declare a queued job (Huey's task options: retries, retry_delay, context ...), named after its function."""

    def declare(function: Callable):
        return huey.task(**settings)(in_app_context(function))

    return declare


def periodic_job(schedule, **settings) -> Callable:
    """Declare a job every scheduler enqueues on ``schedule`` (a crontab in UTC); it must be safe to run twice."""

    def declare(function: Callable):
        return huey.periodic_task(schedule, **settings)(in_app_context(function))

    return declare


def enqueue_after_commit(session: Session, task, *args) -> None:
    """Enqueue ``task(*args)`` once ``session`` commits; nothing when it rolls back."""
    session.connection()  # a transaction to wait for, so its rollback is seen too
    pending = session.info.setdefault(AFTER_COMMIT, [])
    if (task, args) not in pending:
        pending.append((task, args))


@event.listens_for(Session, "after_commit")
def enqueue_committed_jobs(session: Session) -> None:
    for task, args in session.info.pop(AFTER_COMMIT, []):
        task(*args)


@event.listens_for(Session, "after_transaction_end")
def drop_rolled_back_jobs(session: Session, transaction) -> None:
    # After a commit the list is already gone; whatever is left belonged to a rollback.
    if transaction.parent is None:
        session.info.pop(AFTER_COMMIT, None)
