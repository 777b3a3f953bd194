"""Upgrading a database that already holds people keeps them, and fills new columns sensibly."""

import os
import re

import flask_migrate
import pytest
from sqlalchemy import text

from lms.app import create_app
from lms.core.extensions import db

pytestmark = pytest.mark.commits  # migrates a database of its own


def separate_database_url(app, tmp_path) -> str:
    """A database of its own for this test: a new SQLite file, or a new PostgreSQL schema."""
    url = app.config["LMS_TEST_DATABASE_URL"]
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    return re.sub(r"search_path%3D(\w+)", rf"search_path%3D\1_upgrade_{os.getpid()}", url)


def test_people_enrolled_before_0004_stay_enrolled_and_active(app, tmp_path):
    url = separate_database_url(app, tmp_path)
    upgrading = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    schema = re.search(r"search_path%3D(\w+)", url)
    with upgrading.app_context():
        if schema:
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema.group(1)} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {schema.group(1)}"))
        try:
            flask_migrate.upgrade(revision="0003")
            with db.engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO programs (id, name, currency, created_at) VALUES (1, 'P', 'CNY', :now)"),
                    {"now": "2027-01-01 00:00:00+00:00"},
                )
                connection.execute(
                    text(
                        "INSERT INTO cohorts (id, program_id, name, province, city, county, invite_code, created_at)"
                        " VALUES (1, 1, 'C', '江西省', '上饶市', '横峰县', 'OLDCODE1', :now)"
                    ),
                    {"now": "2027-01-01 00:00:00+00:00"},
                )
                connection.execute(
                    text(
                        "INSERT INTO users (id, name, phone, password_hash, role, active, login_token, township,"
                        " village, created_at) VALUES (1, 'L', '+8613900000001', 'x', 'learner', :yes, 't1', '', '',"
                        " :now)"
                    ),
                    {"now": "2027-01-01 00:00:00+00:00", "yes": True},
                )
                connection.execute(
                    text("INSERT INTO enrollments (id, cohort_id, learner_id, enrolled_at) VALUES (1, 1, 1, :now)"),
                    {"now": "2027-01-01 00:00:00+00:00"},
                )
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                enrollment = connection.execute(text("SELECT status, mentor_id FROM enrollments")).one()
                cohort = connection.execute(
                    text("SELECT invite_code, invite_enabled, invite_uses, poverty_county, township FROM cohorts")
                ).one()
            assert tuple(enrollment) == ("active", None)
            assert cohort.invite_code == "OLDCODE1"
            assert bool(cohort.invite_enabled) is True
            assert cohort.invite_uses == 0
            assert bool(cohort.poverty_county) is False
            assert cohort.township == ""
        finally:
            if schema:
                with db.engine.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {schema.group(1)} CASCADE"))
            db.engine.dispose()
