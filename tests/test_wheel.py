"""A wheel built from the tracked files alone carries what an installed app needs: compiled catalogs,
templates, static files and migrations; installed, it serves a Chinese page."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from lms.app import PROJECT_ROOT

pytestmark = pytest.mark.one_database

SERVE_ONE_PAGE = """
from lms.app import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
print(app.template_folder)
print(app.test_client().get("/login", headers={"Accept-Language": "zh-CN"}).text)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built once: from a copy of the files git tracks, as a clean clone has them (no compiled catalogs)."""
    source = tmp_path_factory.mktemp("clone")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (PROJECT_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            (source / name).write_bytes((PROJECT_ROOT / name).read_bytes())
    assert not list(source.rglob("*.mo"))
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", dist, "."]
    subprocess.run(command, cwd=source, check=True, capture_output=True, timeout=300)
    [built] = dist.glob("lms-*.whl")
    return built


def test_the_wheel_carries_compiled_catalogs_templates_static_files_and_migrations(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        catalog = read_mo(archive.open("lms/translations/zh_Hans/LC_MESSAGES/messages.mo"))
    assert "lms/bundled/templates/base.html" in names
    assert "lms/bundled/static/style.css" in names
    assert "lms/bundled/migrations/env.py" in names
    assert any(name.startswith("lms/bundled/migrations/versions/") for name in names)
    assert catalog.get("Sign in").string == "登录"


def test_the_installed_wheel_serves_a_chinese_browser_in_chinese(wheel, tmp_path):
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path)
    variables = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    variables.update(PYTHONPATH=str(tmp_path), LMS_INSTANCE_PATH=str(tmp_path / "instance"))
    served = subprocess.run(
        [sys.executable, "-c", SERVE_ONE_PAGE], cwd=tmp_path, env=variables, capture_output=True, text=True, timeout=60
    )
    assert served.returncode == 0, served.stderr
    folder, page = served.stdout.split("\n", 1)
    assert folder == str(tmp_path / "lms" / "bundled" / "templates")
    assert "登录" in page
