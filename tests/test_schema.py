"""The migrations build exactly the models' schema, on this run's database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from lms.core.extensions import db

pytestmark = pytest.mark.commits  # reads the migrated schema on connections of its own


def test_upgrading_an_empty_database_gives_the_models_schema(app):
    # The session's app fixture built this database from empty with `flask db upgrade`.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_the_migration_chain_is_at_its_single_head(app):
    with db.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert len(versions) == 1
    assert set(inspect(db.engine).get_table_names()) == set(db.metadata.tables) | {"alembic_version"}


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(app):
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
