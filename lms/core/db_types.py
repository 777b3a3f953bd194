"""Column types shared by every blueprint's models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from lms.core.extensions import db


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime, stored as UTC on every database.

    SQLite keeps no offset, so values come back naive; this puts UTC back on them
    and refuses naive values on the way in, where a local time could slip through.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; store times in UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def dialect_insert(table):
    """An INSERT of the session's database dialect, which can skip rows a unique constraint already holds
    (``.on_conflict_do_nothing()``) on SQLite and PostgreSQL alike."""
    dialect = db.session.get_bind().dialect.name
    return {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect](table)
