"""Per-connection database settings and the headers every response carries."""

from flask import Flask, Response, request
from sqlalchemy import Engine, event
from werkzeug.routing import IntegerConverter

# The largest id an INTEGER column holds; larger numbers in a URL are simply not found.
MAX_ID = 2**31 - 1

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


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


def configure_database(engine: Engine) -> None:
    """Turn on SQLite's foreign keys, WAL journal and busy timeout for each connection."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def set_sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 5000")
        cursor.close()


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def register_url_converters(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter


def register_response_hooks(app: Flask) -> None:
    app.after_request(add_security_headers)
