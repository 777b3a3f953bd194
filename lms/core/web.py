"""Per-connection database settings, the headers every response carries, and absolute links."""

import functools
import hashlib
from pathlib import Path
from urllib.parse import urljoin

from flask import Flask, Response, current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Engine, event
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds; larger numbers in a URL are simply not found.
MAX_ID = 2**31 - 1

CONTENT_SECURITY_POLICY_PARTS = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
CONTENT_SECURITY_POLICY = "; ".join(CONTENT_SECURITY_POLICY_PARTS)


@functools.cache
def content_security_policy(media_origin: str | None = None) -> str:
    """The policy, with the bucket that media downloads redirect to allowed for pictures and video, and for the
    fetches that save them for offline use."""
    if not media_origin:
        return CONTENT_SECURITY_POLICY
    parts = [
        f"{part} {media_origin}" if part.startswith(("img-src", "media-src", "connect-src")) else part
        for part in CONTENT_SECURITY_POLICY_PARTS
    ]
    return "; ".join(parts)


def id_arg(name: str) -> int | None:
    """A positive id from the query string or the form, or None: numbers no id column holds never reach a query."""
    value = request.values.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def page_arg(name: str = "page") -> int:
    """The page number asked for, 1 when it is missing or nonsense (and never beyond a million)."""
    return min(max(request.args.get(name, 1, type=int), 1), 10**6)


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: a whole number a database id column can hold."""

    def __init__(self, url_map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def configure_database(engine: Engine, connect_seconds: int) -> None:
    """PostgreSQL: give up connecting after ``connect_seconds`` (readiness answers soon with the database
    unreachable). SQLite: turn on foreign keys, the WAL journal and a busy timeout for each connection."""
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "do_connect")
        def limit_connecting(_dialect, _record, _arguments, parameters):
            parameters.setdefault("connect_timeout", connect_seconds)
            # A connection whose server vanished (no reset, packets dropped) fails instead of waiting minutes.
            parameters.setdefault("tcp_user_timeout", connect_seconds * 1000)

        return
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def set_sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()


# Browsers keep to HTTPS for a year, subdomains too, once they have seen this over HTTPS.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def path_for(endpoint: str, **values) -> str:
    """The path of a page, in a request or not (commands and queued jobs build links too)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(link: str) -> str:
    """A path as a full address on LMS_BASE_URL, never on the Host a request came with."""
    return urljoin(current_app.config["LMS_BASE_URL"] + "/", link)


def external_url(endpoint: str, **values) -> str:
    """The full address of a page, for an email, a text message, an export, a QR code or a link to copy."""
    return absolute_url(path_for(endpoint, **values))


def refuse_untrusted_host():
    """A Host outside TRUSTED_HOSTS gets a bare 400 before anything reads the request (no page links to it)."""
    if isinstance(request.routing_exception, SecurityError):
        return Response(_("This site does not answer to that address."), 400, mimetype="text/plain")
    return None


def limit_anonymous_body():
    """A visitor who is not signed in may send a form, never a large upload."""
    if request.method in BODY_METHODS and not current_user.is_authenticated:
        anonymous_limit = current_app.config["LMS_ANONYMOUS_MAX_KB"] * 1024
        request.max_content_length = min(anonymous_limit, current_app.config["MAX_CONTENT_LENGTH"] or anonymous_limit)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    headers.setdefault("Content-Security-Policy", content_security_policy(current_app.config.get("LMS_MEDIA_ORIGIN")))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    keep_personal_answers_out_of_caches(response)
    return response


def keep_personal_answers_out_of_caches(response: Response) -> None:
    """Whatever a signed-in person is sent (pages with names, phones, figures; exports) is kept by no cache: a shared
    phone or office computer must not show it to the next person. Answers that say how to cache themselves (static
    files, course media) keep what they say."""
    if "Cache-Control" in response.headers or not current_user.is_authenticated:
        return
    response.headers["Cache-Control"] = "private, no-store"


@functools.lru_cache(maxsize=256)
def _content_version(path: Path, _modified: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def version_static_urls(endpoint: str, values: dict) -> None:
    """``/static/style.css?v=<hash of its content>``: a changed file gets a new address, so the proxy
    may tell browsers to keep static files for a year."""
    if endpoint != "static" or "filename" not in values or "v" in values:
        return
    path = Path(current_app.static_folder, values["filename"])
    try:
        status = path.stat()
    except OSError:
        return
    values["v"] = _content_version(path, status.st_mtime_ns, status.st_size)


def register_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter


def register_response_hooks(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.url_defaults(version_static_urls)


def register_request_limits(app: Flask) -> None:
    """Before every other hook: the CSRF check reads the form, and with it the body, and pages link by host."""
    app.before_request_funcs.setdefault(None, [])[0:0] = [refuse_untrusted_host, limit_anonymous_body]


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the configured number of proxies in front, no more."""
    proxies = app.config["LMS_TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
