"""The files under deploy/ that docs/DEPLOY.md installs: what they run exists, what they set is valid."""

import configparser
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from lms.app import PROJECT_ROOT
from lms.app.commands import lms_cli
from lms.core.config import settings_from_environment, unknown_settings

pytestmark = pytest.mark.one_database

DEPLOY = PROJECT_ROOT / "deploy"
CHECKOUT = "/srv/lms/app/"
UNITS = sorted(DEPLOY.glob("*.service"))
READ_GUNICORN_CONFIG = """
import runpy
config = runpy.run_path("gunicorn.conf.py")
print(config["worker_class"], config["workers"], config["threads"], config["timeout"], config["graceful_timeout"])
"""


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return parser


def environment_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "lms.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            pairs[key] = value.strip('"')
    return pairs


@pytest.mark.parametrize("path", UNITS, ids=lambda path: path.name)
def test_each_unit_runs_a_command_that_exists_with_the_documented_settings(path):
    service = unit(path)["Service"]
    assert service["EnvironmentFile"] == "/etc/lms/lms.env"
    assert service["User"] == "lms"
    command = shlex.split(service["ExecStart"])
    assert command[0].startswith("/srv/lms/venv/bin/")
    if command[0].endswith("/flask"):
        assert command[1:4] == ["--app", "wsgi", "lms"]
        assert command[4] in lms_cli.commands, f"{path.name} runs `lms {command[4]}`, which does not exist"
    else:
        assert command[0].endswith("/gunicorn")
        config = command[command.index("--config") + 1]
        assert (PROJECT_ROOT / config.removeprefix(CHECKOUT)).is_file()
        assert command[-1] == "wsgi:app"


def test_every_deploy_file_the_guide_names_exists():
    guide = (PROJECT_ROOT / "docs" / "DEPLOY.md").read_text()
    named = set(re.findall(r"`deploy/([\w.-]+)`", guide))
    assert named >= {path.name for path in DEPLOY.iterdir()}
    assert all((DEPLOY / name).is_file() for name in named)


def test_the_environment_file_is_a_valid_production_configuration_naming_only_real_settings(monkeypatch, tmp_path):
    for key in [key for key in os.environ if key.startswith("LMS_")]:
        monkeypatch.delenv(key)
    for key, value in environment_example().items():
        monkeypatch.setenv(key, value)
    settings = settings_from_environment(str(tmp_path))
    assert settings["LMS_ENV"] == "production"
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session"
    assert settings["LMS_TRUSTED_PROXIES"] == 1
    assert not (tmp_path / "secret_key").exists()
    assert unknown_settings() == []


def test_gunicorn_loads_its_configuration_and_the_app(tmp_path):
    variables = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    variables["LMS_INSTANCE_PATH"] = str(tmp_path / "instance")
    command = [sys.executable, "-m", "gunicorn", "--check-config", "--config", "gunicorn.conf.py", "wsgi:app"]
    checked = subprocess.run(command, cwd=PROJECT_ROOT, env=variables, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    # With the production environment's shared rate-limit store, one worker per core.
    variables["LMS_RATELIMIT_STORAGE_URL"] = environment_example()["LMS_RATELIMIT_STORAGE_URL"]
    read = subprocess.run(
        [sys.executable, "-c", READ_GUNICORN_CONFIG], cwd=PROJECT_ROOT, env=variables, capture_output=True, text=True
    )
    worker_class, workers, threads, timeout, graceful = read.stdout.split()
    assert worker_class == "gthread"
    assert int(workers) >= 2
    assert int(threads) > 1
    assert int(timeout) >= 30
    assert int(graceful) >= 10
