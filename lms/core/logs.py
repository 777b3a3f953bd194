"""Log lines: one JSON object a line in production, each carrying the id of the request it belongs to.

The id comes from the proxy in front (nginx's ``$request_id``) when proxies are trusted, else it is made
here; it goes back in the ``X-Request-ID`` header, so a person's report, the proxy's log and ours meet.
"""

import logging
import logging.handlers
import re
import socket
import sys
import time
import uuid

from flask import Flask, Response, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
NO_REQUEST = "-"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
JSON_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}

log = logging.getLogger("lms.requests")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record: the request's, or ``-`` outside one (commands, start-up)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", NO_REQUEST) if has_request_context() else NO_REQUEST
        return True


def formatter(kind: str) -> logging.Formatter:
    if kind == "json":
        return JsonFormatter(JSON_FIELDS, rename_fields=JSON_RENAMED, timestamp=False)
    return logging.Formatter(TEXT_FORMAT)


def syslog_handler(address: str) -> logging.Handler:
    """``host:port`` (UDP) or a socket path such as ``/dev/log``: the separate system the lines are sent to."""
    if address.startswith("/"):
        return logging.handlers.SysLogHandler(address=address)
    host, _, port = address.rpartition(":")
    return logging.handlers.SysLogHandler(address=(host, int(port)), socktype=socket.SOCK_DGRAM)


def configure_logging(app: Flask) -> None:
    """Handlers on the ``lms`` logger (the app's), in the configured format: standard error, and syslog when
    ``LMS_LOG_SYSLOG`` names one (another machine keeps what this one could lose or alter)."""
    logger = logging.getLogger("lms")
    for handler in [handler for handler in logger.handlers if getattr(handler, "lms_handler", False)]:
        logger.removeHandler(handler)
        handler.close()
    handlers = [logging.StreamHandler(sys.stderr)]
    if app.config.get("LMS_LOG_SYSLOG"):
        handlers.append(syslog_handler(app.config["LMS_LOG_SYSLOG"]))
    for handler in handlers:
        handler.lms_handler = True
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(formatter(app.config["LMS_LOG_FORMAT"]))
        logger.addHandler(handler)
    logger.setLevel(app.config["LMS_LOG_LEVEL"])
    app.logger.setLevel(app.config["LMS_LOG_LEVEL"])


def begin_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    trusted = current_app.config["LMS_TRUSTED_PROXIES"] > 0 and _REQUEST_ID.fullmatch(incoming)
    g.request_id = incoming if trusted else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def end_request(response: Response) -> Response:
    """The id goes back to the client; one line says what was asked and answered (the path, never the query)."""
    response.headers[REQUEST_ID_HEADER] = g.get("request_id", NO_REQUEST)
    started = g.get("request_started")
    milliseconds = round((time.perf_counter() - started) * 1000, 1) if started else None
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={"status": response.status_code, "duration_ms": milliseconds, "client": request.remote_addr},
    )
    return response


def register_request_logging(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, begin_request)
    app.after_request(end_request)
