"""Signing in and out, choosing and changing a password, and the language."""

from collections.abc import Callable

from flask import current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.accounts import bp, services
from lms.accounts.forms import ChangePasswordForm, LoginForm, SetupPasswordForm
from lms.accounts.models import User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.sessions.services import (
    current_session_remembers,
    end_session,
    is_this_session,
    load_session_user,
    open_sessions,
)
from lms.accounts.texted_limits import SIGN_IN_TEXTS, attempted_account, number_key, texted_code_limits
from lms.accounts.two_factor import texted
from lms.accounts.two_factor.browser import continue_sign_in
from lms.core.errors import UserFacingError
from lms.core.extensions import db, limiter, login_manager
from lms.core.forms import ActionForm
from lms.core.i18n import LANGUAGE_COOKIE, LANGUAGES
from lms.core.security import public, safe_next_url, signed_in

login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    user = load_session_user(token)
    if db.session.dirty:
        # The session's last-seen time, or its end when it ran out: kept whatever the page does next.
        db.session.commit()
    return user


def login_attempt_account() -> str:
    """Rate-limit key for the account being tried, however its name was typed, whoever tries it."""
    return f"login:{services.login_key(request.form.get('login', ''))}"


def setup_attempt_account() -> str:
    """Rate-limit key for the phone whose code is being tried."""
    return f"setup:{services.login_key(request.form.get('phone', ''))}"


def attempt_failed(_response) -> bool:
    return g.get("attempt_failed", False)


def record_lockout(_limit) -> None:
    """A locked-out attempt goes into the security log, with the account it was aimed at."""
    record_security_event(SecurityEventKind.SIGN_IN_LOCKED, user=attempted_account())
    db.session.commit()


def per_account_limit() -> str:
    return current_app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"]


def per_address_limit() -> str:
    return current_app.config["LMS_LOGIN_LIMIT_PER_ADDRESS"]


# The password and the sign-in code pages count failures together: a wrong code locks the account as a wrong
# password does.
SIGN_IN_SCOPE = "sign-in"


def secret_attempt_limits(account_key: Callable[[], str], scope: str | None = None) -> Callable[[Callable], Callable]:
    """Failed tries of a password or code are limited per account, however typed, and per client address.

    Views given the same ``scope`` share their counts; without one, each view counts on its own.
    """

    def decorate(view: Callable) -> Callable:
        for limit, key in ((per_address_limit, None), (per_account_limit, account_key)):
            options = {"key_func": key, "methods": ["POST"], "deduct_when": attempt_failed, "on_breach": record_lockout}
            if scope is None:
                view = limiter.limit(limit, **options)(view)
            else:
                view = limiter.shared_limit(limit, scope, **options)(view)
        return view

    return decorate


def login_account() -> User | None:
    """The account the sign-in form names (looked up once a request)."""
    if "login_account" not in g:
        g.login_account = services.find_user_by_login(request.form.get("login", ""))
    return g.login_account


def login_number() -> str:
    """The texts key of the number of the account being signed in to (a code goes there after the password)."""
    user = login_account()
    g.attempt_user = user
    return number_key(user.phone if user is not None and user.phone else request.form.get("login", ""))


def login_texts_nothing() -> bool:
    """A sign-in that would text no code is never slowed down by the texts limit (her account asks for none)."""
    user = login_account()
    return user is None or not user.phone or not texted.texts_asked(user)


@bp.route("/login", methods=["GET", "POST"])
@public
@secret_attempt_limits(login_attempt_account, SIGN_IN_SCOPE)
@texted_code_limits(login_number, SIGN_IN_TEXTS, per_address=False, exempt_when=login_texts_nothing)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("progress.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.login.data, form.password.data)
        except services.AccountSwitchedOffError as refused:
            g.attempt_failed = True
            db.session.commit()
            flash(refused.message, "error")
            return render_template("auth/login.html", form=form)
        if user is not None:
            target = safe_next_url(request.args.get("next"), url_for("progress.home"))
            return continue_sign_in(user, remember=form.remember.data, target=target)
        g.attempt_failed = True
        db.session.commit()
        # The same words for an unknown account and a wrong password.
        flash(_("That mobile number or email and password do not match. Please try again."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/setup-password", methods=["GET", "POST"])
@public
@secret_attempt_limits(setup_attempt_account)
def setup_password():
    if current_user.is_authenticated:
        flash(_("You are already signed in."))
        return redirect(url_for("progress.home"))
    form = SetupPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.redeem_setup_code(form.phone.data, form.code.data, form.password.data)
        except UserFacingError as refused:
            db.session.rollback()
            if isinstance(refused, services.SetupCodeRefusedError):
                g.attempt_failed = True
                record_security_event(SecurityEventKind.SETUP_CODE_FAILED)
                db.session.commit()
                form.code.errors.append(refused.message)
            else:
                form.password.errors.append(refused.message)
        else:
            return continue_sign_in(
                user, remember=False, target=url_for("progress.home"), done=_("Your password is set. Welcome!")
            )
    return render_template("auth/setup_password.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            record_security_event(SecurityEventKind.SIGN_OUT, user=current_user)
            end_session(current_user)
            db.session.commit()
        logout_user()
        session.clear()
        flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not services.verify_password(user, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            try:
                services.change_password(user, form.password.data)
            except UserFacingError as refused:
                db.session.rollback()
                form.password.errors.append(refused.message)
            else:
                db.session.commit()
                login_user(user, remember=current_session_remembers(user))
                flash(_("Your password is changed. Other phones and computers are signed out."))
                return redirect(url_for("progress.home"))
    return password_page(form)


def password_page(form: ChangePasswordForm):
    user = current_user._get_current_object()
    open_now = open_sessions(user)
    return render_template(
        "auth/change_password.html",
        form=form,
        sessions=open_now,
        this_session=next((sign_in.id for sign_in in open_now if is_this_session(user, sign_in)), None),
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@signed_in
def end_other_session(session_id: int):
    if ActionForm().validate_on_submit():
        if services.end_other_session(current_user._get_current_object(), session_id):
            db.session.commit()
            flash(_("That phone or computer is signed out."))
        else:
            flash(_("That session had ended already."))
    return redirect(url_for("auth.change_password"))


@bp.route("/account/sign-out-elsewhere", methods=["POST"])
@signed_in
def sign_out_elsewhere():
    if ActionForm().validate_on_submit():
        user = current_user._get_current_object()
        services.sign_out_elsewhere(user)
        db.session.commit()
        login_user(user, remember=current_session_remembers(user))
        flash(_("You are signed out on every other phone and computer."))
    return redirect(url_for("auth.change_password"))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = ActionForm()
    target = safe_next_url(request.form.get("next"), url_for("progress.home"))
    lang = request.form.get("lang")
    if not form.validate_on_submit() or lang not in LANGUAGES:
        return redirect(target)
    if current_user.is_authenticated:
        services.set_locale(current_user, lang)
        db.session.commit()
    response = make_response(redirect(target))
    response.set_cookie(
        LANGUAGE_COOKIE,
        lang,
        max_age=60 * 60 * 24 * 365,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
