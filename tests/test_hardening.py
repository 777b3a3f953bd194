"""What the app creates is private; a visitor who is not signed in sends small bodies; HTTPS is kept to."""

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import request

from lms.app import PROJECT_ROOT, create_app
from lms.media import storage
from tests.courses.test_media_samples import WEBVTT


def modes_under(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): stat.S_IMODE(path.stat().st_mode) for path in [root, *root.rglob("*")]}


@pytest.mark.one_database  # a process of its own, on a SQLite file of its own
def test_a_new_instance_folder_and_sqlite_database_are_private(tmp_path):
    """In a process of its own: the umask the app sets is the process's."""
    instance = tmp_path / "instance"
    script = (
        "from lms.app import create_app\n"
        "from lms.core.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db.session.execute(db.text('CREATE TABLE t (x INTEGER)'))\n"
        "    db.session.commit()\n"
    )
    variables = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    variables["LMS_INSTANCE_PATH"] = str(instance)
    subprocess.run([sys.executable, "-c", script], check=True, cwd=PROJECT_ROOT, env=variables, timeout=60)
    modes = modes_under(instance)
    assert modes["."] == 0o700
    assert modes["secret_key"] == 0o600
    assert modes["lms.sqlite3"] == 0o600
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes


def test_uploaded_files_and_their_folders_are_private(client, auth, world):
    auth.login(world.lead)
    url = f"/manage/lessons/{world.courses_a.video.id}/captions"
    data = {"captions": (io.BytesIO(WEBVTT), "zh.vtt")}
    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 302
    modes = modes_under(storage.upload_root())
    files = {name: mode for name, mode in modes.items() if name.endswith(".vtt")}
    assert files
    assert set(files.values()) == {0o600}
    folders = {mode for name, mode in modes.items() if (storage.upload_root() / name).is_dir()}
    assert folders == {0o700}


@pytest.mark.parametrize("path", ["/login", "/join", "/verify", "/setup-password", "/language"])
def test_a_visitor_who_is_not_signed_in_cannot_send_a_large_body(client, path):
    response = client.post(path, data={"login": "x" * 100 * 1024})
    assert response.status_code == 413


def test_a_signed_in_person_may_send_more(client, auth, world):
    auth.login(world.learner_a)
    response = client.post("/language", data={"lang": "en", "padding": "x" * 100 * 1024})
    assert response.status_code == 302


def test_hsts_and_host_prefixed_cookies_when_cookies_are_secure(app, client, world, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    for name, value in {
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "__Host-session",
        "REMEMBER_COOKIE_NAME": "__Host-remember_token",
    }.items():
        monkeypatch.setitem(app.config, name, value)
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    signed_in = client.post(
        "/login",
        base_url="https://localhost",
        data={"login": world.learner_a.login_name, "password": "correct horse battery", "remember": "y"},
    )
    assert signed_in.status_code == 302
    cookies = signed_in.headers.getlist("Set-Cookie")
    for prefix in ("__Host-session=", "__Host-remember_token="):
        [cookie] = [cookie for cookie in cookies if cookie.startswith(prefix)]
        assert "Secure" in cookie
        assert "Path=/" in cookie
        assert "Domain" not in cookie


def test_behind_the_configured_proxies_the_client_address_and_scheme_come_from_them(app):
    seen = []
    for proxies in (0, 1):
        proxied = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "LMS_TRUSTED_PROXIES": proxies})
        proxied.after_request(
            lambda response: seen.append((request.remote_addr, request.scheme, request.host)) or response
        )
        headers = {
            "X-Forwarded-For": "203.0.113.9, 198.51.100.7",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "lms-login.evil.example",
        }
        proxied.test_client().get("/static/style.css", headers=headers).close()
    assert seen == [("127.0.0.1", "http", "localhost"), ("198.51.100.7", "https", "localhost")]


def test_pages_for_a_signed_in_person_are_kept_by_no_cache_and_static_files_are(client, auth, world):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    auth.login(world.mentor_a)
    for url in ("/", f"/learners/{world.learner_a.id}", f"/cohorts/{world.cohort_a.id}/progress.csv"):
        assert client.get(url).headers["Cache-Control"] == "private, no-store", url
    static = client.get("/static/style.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")
