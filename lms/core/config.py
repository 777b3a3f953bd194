"""Settings, read from ``LMS_*`` environment variables.

Every setting has a safe default for development. With ``LMS_ENV=production`` the
secret key and the base URL must be given: every machine shares the key (so a
session opened on one is valid on all), and links in emails never come from a
request's Host header. A value that cannot be read stops the start with a message
naming the variable; an ``LMS_*`` variable the app does not read is warned about.
"""

import difflib
import ipaddress
import os
import re
import secrets
import shutil
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "LMS_"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
ENVIRONMENTS = ("development", "production")
DEVELOPMENT_BASE_URL = "http://localhost:5000"
# Development answers these besides the base URL's host: `make run` prints 127.0.0.1.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
MIN_SECRET_KEY_LENGTH = 32
# Read by the test suite, the browser tests, the benchmarks and gunicorn.conf.py, not by the app.
TOOL_VARIABLES = {"TEST_DATABASE_URL", "TEST_POSTGRES_URL", "CHROMIUM", "SCREENSHOTS", "WORKERS", "THREADS"}

# Every name env() was asked for: what is left in the environment is unknown.
KNOWN_NAMES: set[str] = set(TOOL_VARIABLES)


class SettingsError(ValueError):
    """A setting whose value cannot be used; the message names the variable."""


def env(name: str, default: str | None = None) -> str | None:
    KNOWN_NAMES.add(name)
    return os.environ.get(f"{PREFIX}{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(f"{PREFIX}{name}={value}: use true or false (also 1/0, yes/no, on/off)")


def env_int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}={value}: not a whole number") from None
    if minimum is not None and number < minimum:
        raise SettingsError(f"{PREFIX}{name}={value}: " + _bounds(minimum, maximum))
    if maximum is not None and number > maximum:
        raise SettingsError(f"{PREFIX}{name}={value}: " + _bounds(minimum, maximum))
    return number


def _bounds(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"give a number from {minimum} to {maximum}"
    return f"give a number of at least {minimum}" if minimum is not None else f"give a number of at most {maximum}"


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env(name) or default).strip().lower()
    if value not in choices:
        raise SettingsError(f"{PREFIX}{name}={value}: give one of {', '.join(choices)}")
    return value


def env_syslog(name: str) -> str:
    """A syslog address: empty, an absolute socket path, or host:port with a port number."""
    value = env(name, "")
    if not value or value.startswith("/"):
        return value
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"{PREFIX}{name}: expected host:port (e.g. 10.0.0.5:514) or a socket path, not {value!r}")
    return value


def env_list(name: str) -> list[str]:
    """A comma-separated list; blanks dropped."""
    return [item.strip() for item in (env(name) or "").split(",") if item.strip()]


def env_networks(name: str, default: str) -> list:
    """A comma-separated list of addresses or networks (``10.0.0.0/8``)."""
    networks = []
    for item in (env(name) or default).split(","):
        if not item.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise SettingsError(f"{PREFIX}{name}={env(name)}: {item.strip()} is not an address or network") from None
    return networks


def env_umask(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        mask = int(value.strip(), 8)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name}={value}: an octal file mode mask such as 077 or 027") from None
    if not 0 <= mask <= 0o777:
        raise SettingsError(f"{PREFIX}{name}={value}: an octal file mode mask such as 077 or 027")
    return mask


def file_mask() -> int:
    """LMS_UMASK: files 0600 and folders 0700 by default; 027 lets the web server's group read uploads."""
    return env_umask("UMASK", 0o077)


def unknown_settings(environ=None) -> list[str]:
    """``LMS_*`` variables in the environment that no setting reads, each with the nearest real name."""
    environ = os.environ if environ is None else environ
    unknown = sorted(key for key in environ if key.startswith(PREFIX) and key[len(PREFIX) :] not in KNOWN_NAMES)
    known = sorted(PREFIX + name for name in KNOWN_NAMES - TOOL_VARIABLES)
    lines = []
    for key in unknown:
        near = difflib.get_close_matches(key, known, n=1)
        lines.append(f"{key} is not a setting; ignored" + (f" (did you mean {near[0]}?)" if near else ""))
    return lines


def base_url(production: bool) -> str:
    """LMS_BASE_URL as ``scheme://host[:port]``: every absolute link is built from it."""
    value = env("BASE_URL")
    if not value:
        if production:
            raise SettingsError(
                f"{PREFIX}BASE_URL is required when {PREFIX}ENV=production: the address people open, "
                "such as https://lms.example.org (links in emails are built from it)"
            )
        return DEVELOPMENT_BASE_URL
    parts = urlsplit(value.strip())
    hostname_ok = bool(parts.hostname) and not parts.username and not parts.password
    if parts.scheme not in ("http", "https") or not hostname_ok or parts.path not in ("", "/") or parts.query:
        raise SettingsError(f"{PREFIX}BASE_URL={value}: give the scheme and host only, such as https://lms.example.org")
    try:
        parts.port  # noqa: B018 - a port out of range raises here
    except ValueError:
        raise SettingsError(f"{PREFIX}BASE_URL={value}: the port is not a number from 1 to 65535") from None
    return f"{parts.scheme}://{parts.netloc.lower()}"


def trusted_hosts(url: str, production: bool) -> list[str]:
    """The Host headers the app answers: the base URL's host, LMS_TRUSTED_HOSTS, and loopback in development."""
    hosts = [urlsplit(url).hostname, *env_list("TRUSTED_HOSTS")]
    if not production:
        hosts += LOOPBACK_HOSTS
    return list(dict.fromkeys(hosts))


def load_secret_key(instance_path: str, production: bool) -> str:
    """Return LMS_SECRET_KEY; in development, else the key kept in the instance folder (made on first run)."""
    configured = env("SECRET_KEY")
    if production:
        if not configured:
            raise SettingsError(
                f"{PREFIX}SECRET_KEY is required when {PREFIX}ENV=production, the same on every machine "
                "(make one with: python3 -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if len(configured) < MIN_SECRET_KEY_LENGTH:
            raise SettingsError(f"{PREFIX}SECRET_KEY: use at least {MIN_SECRET_KEY_LENGTH} random characters")
        return configured
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


def storage_settings() -> dict:
    """Where stored files live: ``local`` (the upload folder) or ``s3`` (any S3-compatible bucket)."""
    backend = env_choice("STORAGE", "local", ("local", "s3"))
    bucket = env("S3_BUCKET", "")
    if backend == "s3" and not bucket:
        raise SettingsError(f"{PREFIX}S3_BUCKET is required when {PREFIX}STORAGE=s3: name the bucket files go in")
    return {
        "LMS_STORAGE": backend,
        # nginx's internal location for the upload folder: it then sends local files, not Python.
        "LMS_ACCEL_REDIRECT_PREFIX": env("ACCEL_REDIRECT_PREFIX", ""),
        "LMS_S3_BUCKET": bucket,
        "LMS_S3_ENDPOINT_URL": env("S3_ENDPOINT_URL", ""),
        # The address browsers reach the bucket at, when the app uses another (an internal endpoint).
        "LMS_S3_PUBLIC_ENDPOINT_URL": env("S3_PUBLIC_ENDPOINT_URL", ""),
        "LMS_S3_REGION": env("S3_REGION", ""),
        "LMS_S3_ACCESS_KEY_ID": env("S3_ACCESS_KEY_ID", ""),
        "LMS_S3_SECRET_ACCESS_KEY": env("S3_SECRET_ACCESS_KEY", ""),
        # Aliyun OSS and Tencent COS want "virtual"; MinIO usually "path"; AWS "auto".
        "LMS_S3_ADDRESSING_STYLE": env_choice("S3_ADDRESSING_STYLE", "auto", ("auto", "path", "virtual")),
        "LMS_S3_PREFIX": env("S3_PREFIX", ""),
        # How long a presigned download address works: long enough to watch a lesson video to its end
        # (a week at most, as S3's signatures allow).
        "LMS_S3_URL_SECONDS": env_int("S3_URL_SECONDS", 3 * 60 * 60, minimum=60, maximum=7 * 24 * 60 * 60),
    }


SMS_PROVIDERS = ("dev", "http", "aliyun", "tencent")
# The kinds of text message (``SmsKind.SIGN_IN_CODE`` and every ``NotificationKind``; a test keeps them equal):
# Aliyun and Tencent send each through a template registered for it.
SMS_TEMPLATE_KINDS = (
    "sign_in_code",
    "feedback_received",
    "revision_requested",
    "submission_to_review",
    "invite_accepted",
    "follow_up_due",
    "follow_up_overdue",
    "announcement",
    "sms_cap_warning",
)
SMS_LANGUAGES = ("zh_Hans", "en")  # ``core/i18n.py`` LANGUAGES
# What a registered template's code looks like at each provider, and an example for the message.
SMS_TEMPLATE_SHAPES = {
    "aliyun": (re.compile(r"SMS_\d{1,20}"), "SMS_123456789"),
    "tencent": (re.compile(r"\d{1,20}"), "1234567"),
}
SMS_HTTP_METHODS = ("post", "put", "get")
DEFAULT_SMS_HTTP_BODY = '{"to": "{to}", "text": "{text}"}'


def sms_template_variable(provider: str, kind: str, language: str) -> str:
    return f"SMS_{provider.upper()}_TEMPLATE_{kind.upper()}_{language.upper()}"


def sms_templates(provider: str, chosen: bool) -> dict[str, dict[str, str]]:
    """A cloud provider's registered template per kind of message and language, ``LMS_SMS_<PROVIDER>_TEMPLATE_
    <KIND>_<LANGUAGE>``: one in the installation's language is required for every kind when the provider is chosen;
    a language without its own uses that one (under "" too, for any other language)."""
    default_language = env("DEFAULT_LOCALE", "zh_Hans")
    default_language = default_language if default_language in SMS_LANGUAGES else "zh_Hans"
    pattern, example = SMS_TEMPLATE_SHAPES[provider]
    templates = {}
    for kind in SMS_TEMPLATE_KINDS:
        given = {}
        for language in SMS_LANGUAGES:
            name = sms_template_variable(provider, kind, language)
            value = (env(name) or "").strip()
            if value and chosen and not pattern.fullmatch(value):
                raise SettingsError(
                    f"{PREFIX}{name}={value[:40]}: give the code {provider} shows for the approved template, "
                    f"such as {example}"
                )
            if value:
                given[language] = value
        if chosen and default_language not in given:
            name = sms_template_variable(provider, kind, default_language)
            raise SettingsError(
                f"{PREFIX}{name} is required when {PREFIX}SMS_PROVIDER={provider}: the code of the template "
                f"{provider} approved for {kind.replace('_', ' ')} messages (docs/DEPLOY.md lists each one's "
                "parameters)"
            )
        fallback = given.get(default_language, "")
        templates[kind] = {language: given.get(language, fallback) for language in SMS_LANGUAGES} | {"": fallback}
    return templates


def sms_settings() -> dict:
    """How text messages leave: ``dev`` only records them; ``http`` a gateway; ``aliyun`` or ``tencent`` cloud SMS."""
    provider = env_choice("SMS_PROVIDER", "dev", SMS_PROVIDERS)
    settings = {
        "LMS_SMS_PROVIDER": provider,
        # At most this many messages a day to one person (sign-in codes aside); the rest wait a day.
        "LMS_SMS_PER_DAY": env_int("SMS_PER_DAY", 3, minimum=1),
        # A graduate whose follow-up is still missing this many days after she was told hears once more (0: never).
        "LMS_FOLLOW_UP_SECOND_REMINDER_DAYS": env_int("FOLLOW_UP_SECOND_REMINDER_DAYS", 14, minimum=0, maximum=365),
        # What one message costs, in fen, as the provider bills it: kept on every outbox row.
        "LMS_SMS_PRICE_FEN": env_int("SMS_PRICE_FEN", 0, minimum=0),
        "LMS_SMS_HTTP_URL": env("SMS_HTTP_URL", ""),
        "LMS_SMS_HTTP_METHOD": env_choice("SMS_HTTP_METHOD", "post", SMS_HTTP_METHODS).upper(),
        "LMS_SMS_HTTP_BODY": env("SMS_HTTP_BODY", DEFAULT_SMS_HTTP_BODY),
        "LMS_SMS_HTTP_AUTH_HEADER": env("SMS_HTTP_AUTH_HEADER", ""),
        "LMS_SMS_ALIYUN_ACCESS_KEY_ID": env("SMS_ALIYUN_ACCESS_KEY_ID", ""),
        "LMS_SMS_ALIYUN_ACCESS_KEY_SECRET": env("SMS_ALIYUN_ACCESS_KEY_SECRET", ""),
        "LMS_SMS_ALIYUN_SIGN_NAME": env("SMS_ALIYUN_SIGN_NAME", ""),
        "LMS_SMS_ALIYUN_ENDPOINT": env("SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com"),
        "LMS_SMS_TENCENT_SECRET_ID": env("SMS_TENCENT_SECRET_ID", ""),
        "LMS_SMS_TENCENT_SECRET_KEY": env("SMS_TENCENT_SECRET_KEY", ""),
        "LMS_SMS_TENCENT_SDK_APP_ID": env("SMS_TENCENT_SDK_APP_ID", ""),
        "LMS_SMS_TENCENT_SIGN_NAME": env("SMS_TENCENT_SIGN_NAME", ""),
        "LMS_SMS_TENCENT_REGION": env("SMS_TENCENT_REGION", "ap-guangzhou"),
        "LMS_SMS_TENCENT_ENDPOINT": env("SMS_TENCENT_ENDPOINT", "sms.tencentcloudapi.com"),
        # The providers' callbacks (replies, delivery receipts) carry it as ?token=...; empty refuses them all.
        "LMS_SMS_CALLBACK_SECRET": env("SMS_CALLBACK_SECRET", ""),
        # The fields of a generic gateway's reply callback (JSON or a form) that hold the number and the text.
        "LMS_SMS_HTTP_REPLY_FROM_FIELD": env("SMS_HTTP_REPLY_FROM_FIELD", "from"),
        "LMS_SMS_HTTP_REPLY_TEXT_FIELD": env("SMS_HTTP_REPLY_TEXT_FIELD", "text"),
        # The fields of its delivery receipts: the id it answered the send with, and the status.
        "LMS_SMS_HTTP_RECEIPT_ID_FIELD": env("SMS_HTTP_RECEIPT_ID_FIELD", "id"),
        "LMS_SMS_HTTP_RECEIPT_STATUS_FIELD": env("SMS_HTTP_RECEIPT_STATUS_FIELD", "status"),
    }
    secret = settings["LMS_SMS_CALLBACK_SECRET"]
    if secret and len(secret) < 16:
        raise SettingsError(f"{PREFIX}SMS_CALLBACK_SECRET: give at least 16 characters (a long random string)")
    if provider == "http":
        url = urlsplit(settings["LMS_SMS_HTTP_URL"].strip())
        if url.scheme not in ("http", "https") or not url.hostname:
            raise SettingsError(
                f"{PREFIX}SMS_HTTP_URL is required when {PREFIX}SMS_PROVIDER=http: the gateway's address, "
                "such as https://sms.example.org/send"
            )
        body = settings["LMS_SMS_HTTP_BODY"]
        if "{to}" not in body or "{text}" not in body:
            raise SettingsError(f"{PREFIX}SMS_HTTP_BODY={body}: the body must hold {{to}} and {{text}}")
        header = settings["LMS_SMS_HTTP_AUTH_HEADER"]
        if header and not header.partition(":")[2].strip():
            raise SettingsError(
                f"{PREFIX}SMS_HTTP_AUTH_HEADER: give a header and its value, such as 'Authorization: Bearer abc'"
            )
    required = {
        "aliyun": ("ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "SIGN_NAME"),
        "tencent": ("SECRET_ID", "SECRET_KEY", "SDK_APP_ID", "SIGN_NAME"),
    }
    for name in required.get(provider, ()):
        if not settings[f"LMS_SMS_{provider.upper()}_{name}"]:
            raise SettingsError(
                f"{PREFIX}SMS_{provider.upper()}_{name} is required when {PREFIX}SMS_PROVIDER={provider} "
                "(the sign name and template are those the provider approved)"
            )
    for cloud in SMS_TEMPLATE_SHAPES:
        settings[f"LMS_SMS_{cloud.upper()}_TEMPLATES"] = sms_templates(cloud, provider == cloud)
    return settings


def cookie_settings(secure: bool) -> dict:
    """Session and remember-me cookies; over HTTPS the ``__Host-`` prefix pins them to this host and path."""
    prefix = "__Host-" if secure else ""
    return {
        "SESSION_COOKIE_NAME": f"{prefix}session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "SESSION_COOKIE_PATH": "/",
        "REMEMBER_COOKIE_NAME": f"{prefix}remember_token",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_PATH": "/",
    }


def settings_from_environment(instance_path: str) -> dict:
    """Build the Flask config mapping for this process; raises SettingsError naming a bad variable."""
    production = env_choice("ENV", "development", ENVIRONMENTS) == "production"
    url = base_url(production)
    secure_cookies = env_bool("SECURE_COOKIES", url.startswith("https://"))
    database_url = env("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'lms.sqlite3'}"
    storage_url = env("RATELIMIT_STORAGE_URL", "memory://")
    return {
        "LMS_ENV": "production" if production else "development",
        "SECRET_KEY": load_secret_key(instance_path, production),
        # Keys replaced lately: sessions they signed stay valid while the new key takes over.
        "SECRET_KEY_FALLBACKS": env_list("SECRET_KEY_FALLBACKS"),
        "LMS_BASE_URL": url,
        "TRUSTED_HOSTS": trusted_hosts(url, production),
        # How many proxies in front set X-Forwarded-For/-Proto (nginx alone: 1); 0 trusts no such header.
        "LMS_TRUSTED_PROXIES": env_int("TRUSTED_PROXIES", 0, minimum=0, maximum=5),
        "LMS_UMASK": file_mask(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # PostgreSQL: a connection the server dropped is replaced before it is used. SQLite is a file this process
        # reads: nothing to ping, and the ping cost every request a statement.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        # PostgreSQL: how long to try to connect before giving up (readiness must answer before a balancer's timeout).
        "LMS_DATABASE_CONNECT_SECONDS": env_int("DATABASE_CONNECT_SECONDS", 3, minimum=1, maximum=60),
        "MAX_CONTENT_LENGTH": env_int("MAX_UPLOAD_MB", 200, minimum=1) * 1024 * 1024,
        # Sign-in, join, verify and anything else a visitor who is not signed in sends.
        "LMS_ANONYMOUS_MAX_KB": env_int("ANONYMOUS_MAX_KB", 64, minimum=4),
        **cookie_settings(secure_cookies),
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * env_int("REMEMBER_DAYS", 30, minimum=1),
        "PREFERRED_URL_SCHEME": urlsplit(url).scheme,
        "BABEL_DEFAULT_LOCALE": env("DEFAULT_LOCALE", "zh_Hans"),
        "BABEL_DEFAULT_TIMEZONE": env("TIMEZONE", "Asia/Shanghai"),
        # One store shared by every process that serves (redis://... in production): with memory://
        # each process would count on its own. gunicorn.conf.py refuses several workers on memory://.
        "RATELIMIT_STORAGE_URI": storage_url,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}
        if storage_url.startswith("redis")
        else {},
        # Several sites counting in one Redis keep apart by their prefix.
        "RATELIMIT_KEY_PREFIX": env("RATELIMIT_KEY_PREFIX", "lms"),
        "RATELIMIT_ENABLED": env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STRATEGY": "moving-window",
        # A store that is down leaves each process counting on its own (with a logged warning), never a 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Several windows: each further run of failures locks the account for longer.
        "LMS_LOGIN_LIMIT_PER_ACCOUNT": env("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes;10 per hour;20 per day"),
        "LMS_LOGIN_LIMIT_PER_ADDRESS": env("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes;100 per day"),
        # Joining: every try from one address, and the refused ones (a taken number among them).
        "LMS_JOIN_LIMIT_PER_ADDRESS": env("JOIN_LIMIT_PER_ADDRESS", "30 per hour"),
        "LMS_JOIN_FAILURE_LIMIT_PER_ADDRESS": env("JOIN_FAILURE_LIMIT_PER_ADDRESS", "10 per 15 minutes;40 per day"),
        # Sign-in sessions: staff are signed out after a short pause; a learner who chose "keep me
        # signed in" stays as long as REMEMBER_DAYS, else LEARNER_IDLE_MINUTES; none lasts longer than
        # STAFF_SESSION_HOURS (staff) or SESSION_MAX_DAYS (learners).
        "LMS_STAFF_IDLE_MINUTES": env_int("STAFF_IDLE_MINUTES", 30, minimum=1),
        "LMS_STAFF_SESSION_HOURS": env_int("STAFF_SESSION_HOURS", 12, minimum=1),
        "LMS_LEARNER_IDLE_MINUTES": env_int("LEARNER_IDLE_MINUTES", 120, minimum=1),
        "LMS_SESSION_MAX_DAYS": env_int("SESSION_MAX_DAYS", 30, minimum=1),
        # Sign-in codes (an authenticator app) for mentors, leads and admins: "required" in production sends
        # a staff member without them to set them up right after her password.
        "LMS_STAFF_TWO_FACTOR": env_choice("STAFF_TWO_FACTOR", "optional", ("optional", "required")),
        # Security events older than this are deleted by `lms purge-security-events`.
        "LMS_SECURITY_LOG_DAYS": env_int("SECURITY_LOG_DAYS", 365, minimum=1),
        # OWASP's Argon2id setting for servers short of memory (19 MiB, 2 passes, 1 lane): a class signing in
        # at once on a small county server must not need 64 MiB a sign-in. Older hashes are redone at sign-in.
        "LMS_PASSWORD_TIME_COST": env_int("PASSWORD_TIME_COST", 2, minimum=1),
        "LMS_PASSWORD_MEMORY_KIB": env_int("PASSWORD_MEMORY_KIB", 19456, minimum=8),
        "LMS_PHONE_REGION": env("PHONE_REGION", "CN"),
        "LMS_LOG_LEVEL": env_choice("LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
        "LMS_LOG_FORMAT": env_choice("LOG_FORMAT", "json" if production else "text", ("json", "text")),
        # Where log lines (requests, security events) are also sent: "host:port" over UDP, or "/dev/log".
        "LMS_LOG_SYSLOG": env_syslog("LOG_SYSLOG"),
        # Who may read /metrics: a scraper sending this token, or one from these addresses.
        "LMS_METRICS_TOKEN": env("METRICS_TOKEN", ""),
        "LMS_METRICS_ALLOW": env_networks("METRICS_ALLOW", "127.0.0.1,::1"),
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
        **storage_settings(),
        "LMS_FFMPEG": env("FFMPEG") or shutil.which("ffmpeg"),
        "LMS_VIDEO_MAX_MB": env_int("VIDEO_MAX_MB", 200, minimum=1),
        # A conversion renews its claim while ffmpeg runs; a worker that stopped loses it after this long.
        "LMS_VIDEO_CLAIM_SECONDS": env_int("VIDEO_CLAIM_SECONDS", 60, minimum=1),
        "LMS_IMAGE_MAX_MB": env_int("IMAGE_MAX_MB", 10, minimum=1),
        "LMS_RESOURCE_MAX_MB": env_int("RESOURCE_MAX_MB", 20, minimum=1),
        # A learner with no activity (lesson, quiz, sign-in) for this many days is listed as at risk.
        "LMS_AT_RISK_DAYS": env_int("AT_RISK_DAYS", 7, minimum=1),
        # A submission waiting longer than this for a mentor is marked in the review queue.
        "LMS_REVIEW_WAIT_DAYS": env_int("REVIEW_WAIT_DAYS", 3, minimum=1),
        # An action a phone kept offline counts as made at most this long before it arrived (due dates).
        "LMS_OFFLINE_WINDOW_HOURS": env_int("OFFLINE_WINDOW_HOURS", 72, minimum=1, maximum=24 * 60),
        # Email goes out through the outbox (`lms send-mail`); without a host, messages wait in it.
        "LMS_SMTP_HOST": env("SMTP_HOST", ""),
        "LMS_SMTP_PORT": env_int("SMTP_PORT", 587, minimum=1, maximum=65535),
        "LMS_SMTP_USERNAME": env("SMTP_USERNAME", ""),
        "LMS_SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "LMS_SMTP_STARTTLS": env_bool("SMTP_STARTTLS", True),
        "LMS_SMTP_SSL": env_bool("SMTP_SSL", False),
        "LMS_MAIL_FROM": env("MAIL_FROM", ""),
        **sms_settings(),
        # A code to choose a new password, texted: how often one number, and one address, may ask.
        "LMS_RESET_CODE_LIMIT_PER_NUMBER": env("RESET_CODE_LIMIT_PER_NUMBER", "3 per hour;6 per day"),
        "LMS_RESET_CODE_LIMIT_PER_ADDRESS": env("RESET_CODE_LIMIT_PER_ADDRESS", "10 per hour;30 per day"),
        # The job queue's storage: empty for a SQLite file in the instance folder, else redis:// or postgresql://.
        "LMS_QUEUE_URL": env("QUEUE_URL", ""),
        # An export of more rows than this is written by a queue job, and downloaded from its page once ready.
        "LMS_QUEUED_EXPORT_ROWS": env_int("QUEUED_EXPORT_ROWS", 2000, minimum=0),
        # Run each job as it is enqueued, in the enqueuing process (tests; never with a worker).
        "LMS_QUEUE_IMMEDIATE": env_bool("QUEUE_IMMEDIATE"),
    }
