"""Signing in and out, passwords, language, and staff accounts."""

from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.accounts import services
from lms.accounts.forms import ROLE_LABELS, ChangePasswordForm, LoginForm, NewAccountForm, SetupPasswordForm
from lms.accounts.models import User
from lms.core.extensions import db, limiter, login_manager
from lms.core.forms import ActionForm
from lms.core.i18n import LANGUAGE_COOKIE, LANGUAGES
from lms.core.security import MANAGER_ROLES, public, require, roles_required, safe_next_url, signed_in
from lms.core.web import page_arg

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.login_token == token, User.active.is_(True)))


def login_attempt_account() -> str:
    """Rate-limit key for the account being tried, whoever tries it."""
    _kind, value = services.normalize_login(request.form.get("login", ""))
    return f"login:{value or request.form.get('login', '').strip().lower()}"


def login_failed(_response) -> bool:
    return g.get("login_failed", False)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=login_attempt_account,
    methods=["POST"],
    deduct_when=login_failed,
)
@limiter.limit(lambda: current_app.config["LMS_LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("progress.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(request.args.get("next"), url_for("progress.home")))
        g.login_failed = True
        # The same words for an unknown account and a wrong password.
        flash(_("That mobile number or email and password do not match. Please try again."), "error")
    return render_template("auth/login.html", form=form)


def setup_attempt_account() -> str:
    """Rate-limit key for the phone whose code is being tried."""
    return f"setup:{services.normalize_phone(request.form.get('phone', '')) or request.form.get('phone', '').strip()}"


@bp.route("/setup-password", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=setup_attempt_account,
    methods=["POST"],
    deduct_when=login_failed,
)
@limiter.limit(lambda: current_app.config["LMS_LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=login_failed)
def setup_password():
    if current_user.is_authenticated:
        flash(_("You are already signed in."))
        return redirect(url_for("progress.home"))
    form = SetupPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.redeem_setup_code(form.phone.data, form.code.data, form.password.data)
        except services.SetupCodeRefusedError as refused:
            db.session.rollback()
            g.login_failed = True
            form.code.errors.append(refused.message)
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your password is set. Welcome!"))
            return redirect(url_for("progress.home"))
    return render_template("auth/setup_password.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        logout_user()
        flash(_("You are signed out."))
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not services.verify_password(current_user, form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            services.change_password(current_user, form.password.data)
            db.session.commit()
            login_user(current_user._get_current_object(), remember=bool(request.cookies.get("remember_token")))
            flash(_("Your password is changed. Other phones and computers are signed out."))
            return redirect(url_for("progress.home"))
    return render_template("auth/change_password.html", form=form)


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


@bp.route("/accounts")
@roles_required(*MANAGER_ROLES)
def accounts():
    role = request.args.get("role")
    role = role if role in ROLE_LABELS else None
    page = db.paginate(services.list_users(role), page=page_arg(), per_page=50, error_out=False)
    return render_template("auth/accounts.html", page=page, role=role, role_labels=ROLE_LABELS)


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def new_account():
    roles = services.creatable_roles(current_user)
    require(bool(roles))
    form = NewAccountForm(roles)
    if form.validate_on_submit():
        user = services.create_user(
            name=form.name.data,
            role=form.role.data,
            password=form.password.data,
            email=form.email.data,
            phone=form.phone.data,
        )
        db.session.commit()
        flash(_("Account created for %(name)s. Give them their password in person.", name=user.name))
        return redirect(url_for("auth.accounts"))
    return render_template("auth/new_account.html", form=form)
