"""The browser's side of a sign-in after a right password: its session opens, or it waits for a code."""

from flask import flash, g, redirect, session, url_for

from lms.accounts.models import User
from lms.accounts.sessions.browser import AWAITING_CODE, open_browser_session
from lms.accounts.two_factor import services as two_factor
from lms.accounts.two_factor.texted import NoNumberForCodesError
from lms.core.extensions import db
from lms.core.roles import Role


def continue_sign_in(user: User, *, remember: bool, target: str, phone_proven: bool = False, done: str = ""):
    """Sign her in and go on to ``target``, or send her to the sign-in code page first; commits.

    ``done`` is flashed either way (what the page before achieved: a new password, say).
    """
    try:
        token, awaiting_code = two_factor.start_sign_in(user, remember=remember, phone_proven=phone_proven)
    except NoNumberForCodesError as refused:
        db.session.commit()  # the refusal is logged
        flash(refused.message, "error")
        return redirect(url_for("auth.login"))
    db.session.commit()
    g.code_texted = awaiting_code and user.role == Role.LEARNER
    # Nothing of the browser's session before sign-in stays (what it flashed comes after).
    if awaiting_code:
        session.clear()
        session[AWAITING_CODE] = token
    else:
        open_browser_session(user, remember=remember)
    if done:
        flash(done)
    if awaiting_code:
        return redirect(url_for("auth.sign_in_code", next=target))
    if two_factor.must_set_up_codes(user):
        return redirect(url_for("auth.set_up_sign_in_codes"))
    return redirect(target)
