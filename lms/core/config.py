"""Settings, read from ``LMS_*`` environment variables.

Every setting has a safe default except the secret key, which is generated on
first run and kept in the instance folder rather than written in the code.
"""

import os
import secrets
import shutil
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"LMS_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    return default if value is None else value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value is None else int(value)


def load_secret_key(instance_path: str) -> str:
    """Return LMS_SECRET_KEY, or the key kept in the instance folder (made on first run)."""
    configured = env("SECRET_KEY")
    if configured:
        return configured
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    # O_EXCL: two workers starting at once must not write two different keys.
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


def settings_from_environment(instance_path: str) -> dict:
    """Build the Flask config mapping for this process."""
    secure_cookies = env_bool("SECURE_COOKIES")
    database_url = env("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'lms.sqlite3'}"
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": env_int("MAX_UPLOAD_MB", 200) * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * env_int("REMEMBER_DAYS", 30),
        "PREFERRED_URL_SCHEME": "https" if secure_cookies else "http",
        "BABEL_DEFAULT_LOCALE": env("DEFAULT_LOCALE", "zh_Hans"),
        "BABEL_DEFAULT_TIMEZONE": env("TIMEZONE", "Asia/Shanghai"),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URL", "memory://"),
        "RATELIMIT_ENABLED": env_bool("RATELIMIT_ENABLED", True),
        "LMS_LOGIN_LIMIT_PER_ACCOUNT": env("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LMS_LOGIN_LIMIT_PER_ADDRESS": env("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        "LMS_PASSWORD_TIME_COST": env_int("PASSWORD_TIME_COST", 3),
        "LMS_PASSWORD_MEMORY_KIB": env_int("PASSWORD_MEMORY_KIB", 65536),
        "LMS_PHONE_REGION": env("PHONE_REGION", "CN"),
        "LMS_LOG_LEVEL": env("LOG_LEVEL", "INFO"),
        # Learners pay for every byte: pages, styles, scripts and captions go out compressed.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "text/vtt",
            "text/csv",
            "image/svg+xml",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIN_SIZE": 500,
        "LMS_UPLOAD_PATH": env("UPLOAD_PATH") or str(Path(instance_path) / "uploads"),
        "LMS_FFMPEG": env("FFMPEG") or shutil.which("ffmpeg"),
        "LMS_VIDEO_MAX_MB": env_int("VIDEO_MAX_MB", 200),
        "LMS_IMAGE_MAX_MB": env_int("IMAGE_MAX_MB", 10),
        "LMS_RESOURCE_MAX_MB": env_int("RESOURCE_MAX_MB", 20),
        # A learner with no activity (lesson, quiz, sign-in) for this many days is listed as at risk.
        "LMS_AT_RISK_DAYS": env_int("AT_RISK_DAYS", 7),
        # A submission waiting longer than this for a mentor is marked in the review queue.
        "LMS_REVIEW_WAIT_DAYS": env_int("REVIEW_WAIT_DAYS", 3),
        # Email goes out through the outbox (`lms send-mail`); without a host, messages wait in it.
        "LMS_SMTP_HOST": env("SMTP_HOST", ""),
        "LMS_SMTP_PORT": env_int("SMTP_PORT", 587),
        "LMS_SMTP_USERNAME": env("SMTP_USERNAME", ""),
        "LMS_SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "LMS_SMTP_STARTTLS": env_bool("SMTP_STARTTLS", True),
        "LMS_SMTP_SSL": env_bool("SMTP_SSL", False),
        "LMS_MAIL_FROM": env("MAIL_FROM", ""),
    }
