"""Settings are read strictly: a bad value stops the start naming the variable; production needs its shared ones."""

import logging
import os

import pytest

from lms.app import create_app
from lms.core.config import SettingsError, settings_from_environment, unknown_settings

pytestmark = pytest.mark.one_database

PRODUCTION = {
    "LMS_ENV": "production",
    "LMS_SECRET_KEY": "k" * 64,
    "LMS_BASE_URL": "https://lms.example.org",
}


@pytest.fixture
def environment(monkeypatch):
    """Set LMS_* variables for one test; every other LMS_* variable but the instance folder is cleared."""
    for key in list(os.environ):
        if key.startswith("LMS_") and key != "LMS_INSTANCE_PATH":
            monkeypatch.delenv(key)

    def set_variables(**variables):
        for key, value in variables.items():
            monkeypatch.setenv(key, value)

    return set_variables


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LMS_SMTP_PORT", "58x", "LMS_SMTP_PORT=58x: not a whole number"),
        ("LMS_SMTP_PORT", "70000", "LMS_SMTP_PORT=70000: give a number from 1 to 65535"),
        ("LMS_SMTP_STARTTLS", "ture", "LMS_SMTP_STARTTLS=ture: use true or false"),
        ("LMS_SECURE_COOKIES", "maybe", "LMS_SECURE_COOKIES=maybe: use true or false"),
        ("LMS_MAX_UPLOAD_MB", "0", "LMS_MAX_UPLOAD_MB=0: give a number of at least 1"),
        ("LMS_ENV", "prod", "LMS_ENV=prod: give one of development, production"),
        ("LMS_STAFF_TWO_FACTOR", "always", "LMS_STAFF_TWO_FACTOR=always: give one of optional, required"),
        ("LMS_UMASK", "9", "LMS_UMASK=9: an octal file mode mask"),
        ("LMS_TRUSTED_PROXIES", "-1", "LMS_TRUSTED_PROXIES=-1: give a number from 0 to 5"),
        ("LMS_BASE_URL", "lms.example.org", "LMS_BASE_URL=lms.example.org: give the scheme and host only"),
        ("LMS_BASE_URL", "https://lms.example.org/school", "give the scheme and host only"),
        ("LMS_BASE_URL", "https://lms.example.org:99999", "the port is not a number"),
        ("LMS_LOG_SYSLOG", "logs.example.org", "LMS_LOG_SYSLOG: expected host:port"),
        ("LMS_LOG_SYSLOG", "10.0.0.5:syslog", "LMS_LOG_SYSLOG: expected host:port"),
    ],
)
def test_a_bad_value_stops_the_start_with_a_message_naming_the_variable(environment, tmp_path, name, value, message):
    environment(**{name: value})
    with pytest.raises(SettingsError) as refused:
        settings_from_environment(str(tmp_path))
    assert message in str(refused.value)


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("On", True), ("1", True), ("no", False)])
def test_booleans_read_the_usual_words(environment, tmp_path, value, expected):
    environment(LMS_SMTP_SSL=value)
    assert settings_from_environment(str(tmp_path))["LMS_SMTP_SSL"] is expected


def test_an_unknown_lms_variable_is_warned_about_with_the_name_meant(environment, tmp_path, caplog):
    environment(LMS_SECURE_COOKIE="true", LMS_SMTP_PORT="25")
    settings_from_environment(str(tmp_path))
    assert unknown_settings() == ["LMS_SECURE_COOKIE is not a setting; ignored (did you mean LMS_SECURE_COOKIES?)"]
    with caplog.at_level(logging.WARNING, logger="lms"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "LMS_SECURE_COOKIE is not a setting" in caplog.text


@pytest.mark.parametrize("missing", ["LMS_SECRET_KEY", "LMS_BASE_URL"])
def test_production_refuses_to_start_without_a_shared_secret_key_or_base_url(environment, tmp_path, missing):
    environment(**{key: value for key, value in PRODUCTION.items() if key != missing})
    with pytest.raises(SettingsError, match=f"{missing} is required when LMS_ENV=production"):
        settings_from_environment(str(tmp_path))


def test_production_never_makes_a_key_of_its_own(environment, tmp_path):
    environment(**{**PRODUCTION, "LMS_SECRET_KEY": "short"})
    with pytest.raises(SettingsError, match="at least 32"):
        settings_from_environment(str(tmp_path))
    environment(**PRODUCTION)
    settings = settings_from_environment(str(tmp_path))
    assert settings["SECRET_KEY"] == "k" * 64
    assert not (tmp_path / "secret_key").exists()


def test_two_machines_with_the_shared_key_accept_each_others_sessions(environment, tmp_path):
    environment(**PRODUCTION, LMS_INSTANCE_PATH=str(tmp_path / "a"))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    environment(LMS_INSTANCE_PATH=str(tmp_path / "b"))
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not list(tmp_path.glob("*/secret_key"))
    serializer = first.session_interface.get_signing_serializer(first)
    signed = serializer.dumps({"_user_id": "token-1"})
    assert second.session_interface.get_signing_serializer(second).loads(signed) == {"_user_id": "token-1"}


def test_development_keeps_a_generated_key_in_the_instance_folder(environment, tmp_path):
    first = settings_from_environment(str(tmp_path))["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert settings_from_environment(str(tmp_path))["SECRET_KEY"] == first


def test_https_base_url_turns_secure_cookies_on_with_the_host_prefix(environment, tmp_path):
    environment(**PRODUCTION)
    settings = settings_from_environment(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"]
    assert settings["REMEMBER_COOKIE_SECURE"]
    assert settings["SESSION_COOKIE_NAME"] == "__Host-session"
    assert settings["REMEMBER_COOKIE_NAME"] == "__Host-remember_token"
    assert settings["TRUSTED_HOSTS"] == ["lms.example.org"]
    environment(LMS_TRUSTED_HOSTS="lms.example.cn, .lms.example.org")
    assert settings_from_environment(str(tmp_path))["TRUSTED_HOSTS"] == [
        "lms.example.org",
        "lms.example.cn",
        ".lms.example.org",
    ]


def test_staff_sign_in_codes_are_optional_unless_required(environment, tmp_path):
    assert settings_from_environment(str(tmp_path))["LMS_STAFF_TWO_FACTOR"] == "optional"
    environment(LMS_STAFF_TWO_FACTOR=" Required ")
    assert settings_from_environment(str(tmp_path))["LMS_STAFF_TWO_FACTOR"] == "required"
