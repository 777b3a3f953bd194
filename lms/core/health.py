"""Readiness: does every service this process needs answer? Each owner registers its own check.

A check is a function that returns when its service answers (with a word such as ``not configured``
when there is nothing to ask) and raises when it does not answer. The answer
names the check and the kind of failure only: never an address, a password or a message that may hold one.
"""

from collections.abc import Callable

import redis
from flask import current_app
from sqlalchemy import text

from lms.core.extensions import db

READINESS_CHECKS: dict[str, Callable[[], str | None]] = {}
NOT_CONFIGURED = "not configured"
SERVICE_TIMEOUT_SECONDS = 2


def register_readiness_check(name: str, check: Callable[[], str | None]) -> None:
    """Ask ``check`` whenever readiness is asked; it raises when its service does not answer."""
    READINESS_CHECKS[name] = check


def readiness() -> dict[str, str]:
    """Each registered check's answer: ``ok`` (or what the check said), or ``failed`` with the kind of error."""
    answers = {}
    for name, check in READINESS_CHECKS.items():
        try:
            said = check()
        except Exception as error:  # any failure means not ready; its kind is reported
            answers[name] = f"failed: {type(error).__name__}"
        else:
            answers[name] = said or "ok"
    return answers


def is_ready(answers: dict[str, str]) -> bool:
    return not any(answer.startswith("failed") for answer in answers.values())


def check_database() -> str | None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return None


def check_redis(url: str) -> None:
    client = redis.Redis.from_url(
        url, socket_connect_timeout=SERVICE_TIMEOUT_SECONDS, socket_timeout=SERVICE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def check_rate_limit_store() -> str | None:
    """Redis, when the rate limits are kept there (memory:// has nothing to ask)."""
    url = current_app.config["RATELIMIT_STORAGE_URI"]
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return NOT_CONFIGURED
    check_redis(url)
    return None


register_readiness_check("database", check_database)
register_readiness_check("redis", check_rate_limit_store)
