"""The browser's side of a sign-in session: the cookies that carry its token."""

from flask import session
from flask_login import login_user

from lms.accounts.models import User

# The Flask session's key for the token of a sign-in that waits for its code (its hash is kept on the server).
AWAITING_CODE = "awaiting_code"


def open_browser_session(user: User, *, remember: bool) -> None:
    """Put ``user``'s new session token in this browser's cookies; nothing of the session before sign-in stays."""
    session.clear()
    login_user(user, remember=remember)
