"""Limits on texting codes, per number and per client address: the same rule (``LMS_RESET_CODE_LIMIT_*``) for codes
to choose a new password and for sign-in codes, each counted on its own.

Apart, because anyone may ask for a new password's code for any number: one who floods a learner's number (or a
village's shared address) with those must not stop her sign-in codes, which only her password asks for.
"""

from collections.abc import Callable

from flask import current_app, g, request

from lms.accounts import services
from lms.accounts.models import User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.core.extensions import db, limiter

RESET_TEXTS = "reset-texts"
# A sign-in, a sign-in code sent again, a code to turn sign-in codes on: they count together.
SIGN_IN_TEXTS = "sign-in-texts"
LIMITED_EVENTS = {
    RESET_TEXTS: SecurityEventKind.RESET_CODE_LIMITED,
    SIGN_IN_TEXTS: SecurityEventKind.SIGN_IN_TEXT_LIMITED,
}


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


def texts_limited(scope: str) -> Callable:
    """What a breach of the scope's limits does: it goes into the security log, with the account it was aimed at."""

    def record(_limit) -> None:
        record_security_event(LIMITED_EVENTS[scope], user=attempted_account())
        db.session.commit()

    return record


def texted_code_limits(
    number: Callable[[], str],
    scope: str,
    *,
    per_address: bool = True,
    exempt_when: Callable[[], bool] | None = None,
) -> Callable[[Callable], Callable]:
    """Codes of the scope texted to one number, and asked for from one address, are limited.

    With ``exempt_when``, a request it says texts nothing is neither limited nor counted, and one that may text counts
    only when it did (``g.code_texted``).
    """
    options = {"methods": ["POST"], "on_breach": texts_limited(scope)}
    if exempt_when is not None:
        options["exempt_when"] = exempt_when
        options["deduct_when"] = code_texted

    def decorate(view: Callable) -> Callable:
        view = limiter.shared_limit(texts_per_number, scope, key_func=number, **options)(view)
        if per_address:
            view = limiter.shared_limit(texts_per_address, f"{scope}-address", **options)(view)
        return view

    return decorate
