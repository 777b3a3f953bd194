"""Upgrading a database that already holds people keeps them, and fills new columns sensibly."""

import json
import os
import re
from contextlib import contextmanager

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


@contextmanager
def database_of_its_own(app, tmp_path):
    """An app on an empty database of its own, dropped afterwards."""
    url = separate_database_url(app, tmp_path)
    upgrading = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    schema = re.search(r"search_path%3D(\w+)", url)
    with upgrading.app_context():
        if schema:
            with db.engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {schema.group(1)} CASCADE"))
                connection.execute(text(f"CREATE SCHEMA {schema.group(1)}"))
        try:
            yield
        finally:
            if schema:
                with db.engine.begin() as connection:
                    connection.execute(text(f"DROP SCHEMA IF EXISTS {schema.group(1)} CASCADE"))
            db.engine.dispose()


def test_people_enrolled_before_0004_stay_enrolled_and_active(app, tmp_path):
    with database_of_its_own(app, tmp_path):
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


def test_products_typed_before_0007_become_the_program_list_and_their_rows_map_to_it(app, tmp_path):
    now = {"now": "2027-01-01 00:00:00+00:00", "yes": True}
    with database_of_its_own(app, tmp_path):
        flask_migrate.upgrade(revision="0006")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO programs (id, name, currency, created_at, follow_up_months) VALUES (1, 'P', 'CNY', :now,"
                " '0,3')",
                "INSERT INTO cohorts (id, program_id, name, province, city, county, township, poverty_county,"
                " invite_code, invite_enabled, invite_uses, created_at) VALUES (1, 1, 'C', '', '', '', '', :yes,"
                " 'OLDCODE1', :yes, 0, :now)",
                "INSERT INTO users (id, name, phone, password_hash, role, active, login_token, township, village,"
                " created_at) VALUES (1, 'L', '+8613900000001', 'x', 'learner', :yes, 't1', '', '', :now)",
                "INSERT INTO graduations (id, learner_id, cohort_id, graduated_on, confirmed_at, undo_reason)"
                " VALUES (1, 1, 1, '2026-01-01', :now, '')",
            ):
                connection.execute(text(statement), now)
            for follow_up_id, wave in ((1, 0), (2, 3)):
                connection.execute(
                    text(
                        "INSERT INTO follow_ups (id, graduation_id, learner_id, wave_months, period_start, period_end,"
                        " monthly_income_fen, revenue_fen, channels, households_benefiting, people_employed,"
                        " livestreams, shop_link, notes, source, unusual_confirmed, created_at, updated_at)"
                        " VALUES (:id, 1, 1, :wave, '2026-01-01', '2026-01-31', 0, 0, '', 0, 0, 0, '', '',"
                        " 'self', false, :now, :now)"
                    ),
                    {**now, "id": follow_up_id, "wave": wave},
                )
            for row_id, follow_up_id, product, unit in (
                (1, 1, "Tea ", "kg"),
                (2, 2, "tea", "kg"),
                (3, 2, "ＴＥＡ", "jin"),
                (4, 1, "蜂蜜", "bottle"),
                (5, 1, "tea", "kg"),
            ):
                connection.execute(
                    text(
                        "INSERT INTO follow_up_quantities (id, follow_up_id, product, quantity, unit)"
                        " VALUES (:id, :follow_up_id, :product, 1, :unit)"
                    ),
                    {"id": row_id, "follow_up_id": follow_up_id, "product": product, "unit": unit},
                )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            products = connection.execute(
                text("SELECT id, name, aliases, default_unit FROM products WHERE program_id = 1 ORDER BY name")
            ).all()
            mapped = dict(connection.execute(text("SELECT id, product_id FROM follow_up_quantities")).all())
    (tea_id, *tea), (honey_id, *honey) = sorted(products, key=lambda row: row.name != "tea")
    assert tea == ["tea", "Tea\nＴＥＡ", "kg"]  # the most used spelling and unit; the others as aliases
    assert honey == ["蜂蜜", "", "bottle"]
    assert mapped == {1: tea_id, 2: tea_id, 3: tea_id, 4: honey_id, 5: tea_id}


def test_setup_codes_kept_before_0022_are_shown_after_it_and_after_going_back(app, tmp_path):
    codes = '[{"name": "江金春", "phone": "+8613700000001", "code": "ABCD-EFGH"}]'
    with database_of_its_own(app, tmp_path):
        flask_migrate.upgrade(revision="0021")
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO kept_imports (token, kind, content, created_at) VALUES ('t', 'codes', :c, :now)"),
                {"c": codes.encode(), "now": "2027-01-01 00:00:00+00:00"},
            )
        flask_migrate.upgrade(revision="0022")
        with db.engine.connect() as connection:
            kind, content = connection.execute(text("SELECT kind, content FROM kept_imports")).one()
        assert (kind, json.loads(content)) == ("done", {"count": 1, "codes": json.loads(codes)})
        flask_migrate.downgrade(revision="0021")
        with db.engine.connect() as connection:
            kind, content = connection.execute(text("SELECT kind, content FROM kept_imports")).one()
        assert (kind, json.loads(content)) == ("codes", json.loads(codes))


def test_who_switched_text_messages_off_before_0024_keeps_them_off_as_her_numbers_stop(app, tmp_path):
    with database_of_its_own(app, tmp_path):
        flask_migrate.upgrade(revision="0023")
        with db.engine.begin() as connection:
            for number, wanted in ((1, False), (2, True)):
                connection.execute(
                    text(
                        "INSERT INTO users (id, name, phone, password_hash, role, active, text_messages, township,"
                        " village, created_at) VALUES (:id, 'L', :phone, 'x', 'learner', :yes, :wanted, '', '', :now)"
                    ),
                    {
                        "id": number,
                        "phone": f"+861390000000{number}",
                        "yes": True,
                        "wanted": wanted,
                        "now": "2027-01-01",
                    },
                )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            stops = connection.execute(text("SELECT phone, source, word FROM sms_stops")).all()
        assert [tuple(stop) for stop in stops] == [("+8613900000001", "settings", "")]


def test_downloads_of_her_data_before_0027_become_exports_she_alone_sees_and_go_back(app, tmp_path):
    with database_of_its_own(app, tmp_path):
        flask_migrate.upgrade(revision="0026")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, name, phone, password_hash, role, active, township, village, locale,"
                    " created_at) VALUES (1, 'L', '+8613900000001', 'x', 'learner', :yes, '', '', 'zh_Hans',"
                    " '2027-01-01')"
                ),
                {"yes": True},
            )
            connection.execute(
                text(
                    "INSERT INTO media_files (id, kind, path, original_name, content_type, size_bytes, created_at)"
                    " VALUES (5, 'resource', 'resource/2027/a.zip', 'my-data-20270102.zip', 'application/zip', 10,"
                    " '2027-01-02')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO data_exports (learner_id, state, media_id, requested_at, ready_at)"
                    " VALUES (1, 'ready', 5, '2027-01-02 08:00:00+00:00', '2027-01-02 08:01:00+00:00')"
                )
            )
        flask_migrate.upgrade(revision="0027")
        with db.engine.connect() as connection:
            export = connection.execute(
                text("SELECT kind, status, requested_by_id, file_id, filename, locale, parameters FROM export_jobs")
            ).one()
            file = connection.execute(text("SELECT kind, uploaded_by_id FROM media_files")).one()
        assert tuple(export[:6]) == ("personal_data", "ready", 1, 5, "my-data-20270102.zip", "zh_Hans")
        assert (json.loads(export[6]) if isinstance(export[6], str) else export[6]) == {}
        assert tuple(file) == ("export", 1)
        flask_migrate.downgrade(revision="0026")
        with db.engine.connect() as connection:
            kept = connection.execute(text("SELECT learner_id, state, media_id FROM data_exports")).one()
            file = connection.execute(text("SELECT kind FROM media_files")).scalar_one()
            left = connection.execute(text("SELECT count(*) FROM export_jobs")).scalar_one()
        assert (tuple(kept), file, left) == ((1, "ready", 5), "resource", 0)


def test_a_code_to_choose_a_new_password_sent_before_0029_still_works_after_it(app, tmp_path):
    with database_of_its_own(app, tmp_path):
        flask_migrate.upgrade(revision="0028")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, name, phone, password_hash, role, active, township, village, created_at)"
                    " VALUES (1, 'L', '+8613900000001', 'x', 'learner', :yes, '', '', :now)"
                ),
                {"yes": True, "now": "2027-01-01 00:00:00+00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO password_reset_codes (id, user_id, code_hash, expires_at, wrong_tries, created_at)"
                    " VALUES (7, 1, 'hmac-sha256$abc', :later, 2, :now)"
                ),
                {"later": "2027-01-01 00:10:00+00:00", "now": "2027-01-01 00:00:00+00:00"},
            )
        flask_migrate.upgrade()
        with db.engine.begin() as connection:
            kept = connection.execute(
                text("SELECT user_id, purpose, code_hash, wrong_tries, sign_in_session_id FROM texted_codes")
            ).one()
            # New rows get ids past the copied ones on PostgreSQL too.
            connection.execute(
                text(
                    "INSERT INTO texted_codes (user_id, purpose, code_hash, expires_at, wrong_tries, created_at)"
                    " VALUES (1, 'sign_in', 'h', :now, 0, :now)"
                ),
                {"now": "2027-01-01 00:00:00+00:00"},
            )
        assert tuple(kept) == (1, "new_password", "hmac-sha256$abc", 2, None)
        flask_migrate.downgrade(revision="0028")
        with db.engine.connect() as connection:
            back = connection.execute(text("SELECT user_id, code_hash, wrong_tries FROM password_reset_codes")).all()
        assert [tuple(row) for row in back] == [(1, "hmac-sha256$abc", 2)]
