"""Friendly error pages, in the person's language; and the one base of refusals a person reads."""

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from lms.core.extensions import db


class UserFacingError(Exception):
    """A refusal the person reads: ``message`` (often lazily translated) says why, in her language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        # Translated when read, in the language of the request.
        return str(self.message)


MESSAGES = {
    400: (_l("Something in that request was not right"), _l("Please go back and try again.")),
    403: (_l("Not allowed"), _l("Your account cannot open this page.")),
    404: (_l("Page not found"), _l("The page may have moved, or the link may be mistyped.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (
        _l("This could not be done"),
        _l("Something changed since this page was opened. Please open it again."),
    ),
    413: (
        _l("File too large"),
        _l("The file you sent is larger than this site accepts. Please send a smaller file."),
    ),
    429: (
        _l("Too many attempts"),
        _l("For your safety, please wait a few minutes before trying again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you did caused this. Please try again in a moment."),
    ),
}


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title, message=detail or message), status


def handle_http_error(error: HTTPException):
    if error.code not in MESSAGES:
        return error
    return render_error(error.code)


def handle_csrf_error(_error: CSRFError):
    return render_error(400, str(_l("The form had expired. Please fill it in and send it again.")))


def handle_server_error(_error):
    db.session.rollback()
    return render_error(500)


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
