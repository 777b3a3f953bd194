"""Limits on texting codes: per number and per client address, whatever the code is for."""

from collections.abc import Callable

from flask import current_app, g, request

from lms.accounts import services
from lms.accounts.models import User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.core.extensions import db, limiter

# Every code texted to one number, or asked for from one address, counts together, whatever it is for: a new
# password, a sign-in, a sign-in code sent again, turning codes on.
TEXTS_SCOPE = "texted-codes"


def texts_per_number() -> str:
    return current_app.config["LMS_RESET_CODE_LIMIT_PER_NUMBER"]


def texts_per_address() -> str:
    return current_app.config["LMS_RESET_CODE_LIMIT_PER_ADDRESS"]


def number_key(phone: str | None) -> str:
    """The texts limits' key for a number, however it was typed."""
    return f"texts:{services.login_key(phone or '')}"


def attempted_account() -> User | None:
    """The account a limited request was aimed at: the one its key named, else the one its form names."""
    user = g.get("attempt_user")
    if user is None:
        user = services.find_user_by_login(request.form.get("login") or request.form.get("phone") or "")
    return user


def code_texted(_response) -> bool:
    return g.get("code_texted", False)


def record_texts_limited(_limit) -> None:
    """A number or address asking for too many codes goes into the security log, with the account it was aimed at."""
    kind = SecurityEventKind.RESET_CODE_LIMITED if request.endpoint == "auth.forgot_password" else None
    record_security_event(kind or SecurityEventKind.SIGN_IN_TEXT_LIMITED, user=attempted_account())
    db.session.commit()


def texted_code_limits(number: Callable[[], str], *, per_address: bool = True, only_when_texted: bool = False):
    """Codes texted to one number, and asked for from one address, are limited (``LMS_RESET_CODE_LIMIT_*``).

    ``only_when_texted``: the request counts only when it texted a code (``g.code_texted``).
    """
    options = {"methods": ["POST"], "on_breach": record_texts_limited}
    if only_when_texted:
        options["deduct_when"] = code_texted

    def decorate(view: Callable) -> Callable:
        view = limiter.shared_limit(texts_per_number, TEXTS_SCOPE, key_func=number, **options)(view)
        if per_address:
            view = limiter.shared_limit(texts_per_address, f"{TEXTS_SCOPE}-address", **options)(view)
        return view

    return decorate
