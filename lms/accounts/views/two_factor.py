"""Sign-in codes: the second step of a staff sign-in, setting codes up, turning them off, staff removing them."""

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms.accounts import bp, policies, services
from lms.accounts.forms import ROLE_LABELS, NewKeyCodeForm, SignInCodeForm, TextedCodeForm
from lms.accounts.models import SignInSession, User
from lms.accounts.sessions.browser import AWAITING_CODE, open_browser_session
from lms.accounts.sessions.services import awaiting_session
from lms.accounts.texted_codes import EXPIRED, LOCKED
from lms.accounts.texted_limits import SIGN_IN_TEXTS, number_key, texted_code_limits
from lms.accounts.two_factor import services as two_factor
from lms.accounts.two_factor import texted
from lms.accounts.views.sign_in import SIGN_IN_SCOPE, secret_attempt_limits
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.security import MANAGER_ROLES, STAFF_ROLES, is_staff, public, require, roles_required, safe_next_url

# What a staff member who must set up codes first may still open.
OPEN_BEFORE_CODES = frozenset(
    {"auth.set_up_sign_in_codes", "auth.sign_in_codes", "auth.logout", "auth.set_language", "static"}
)


def waiting_sign_in() -> SignInSession | None:
    return awaiting_session(session.get(AWAITING_CODE))


def account_key(user) -> str:
    """The same rate-limit key as the password's: a wrong code counts toward the account's lockout."""
    g.attempt_user = user
    return f"login:{services.login_key(user.login_name)}" if user is not None else "login-code:nobody"


def code_attempt_account() -> str:
    waiting = waiting_sign_in()
    return account_key(db.session.get(User, waiting.user_id) if waiting is not None else None)


def own_code_attempt_account() -> str:
    return account_key(current_user._get_current_object() if current_user.is_authenticated else None)


def code_refused(form: SignInCodeForm, refused: two_factor.SignInCodeRefusedError) -> None:
    """A wrong code: it counts toward the sign-in limits, what it recorded is kept, and the form says why."""
    g.attempt_failed = True
    db.session.commit()
    form.code.errors.append(refused.message)


@bp.before_app_request
def codes_first():
    """Where codes are required, a staff member without them sets them up before opening anything else."""
    if not two_factor.codes_required() or request.endpoint in OPEN_BEFORE_CODES or request.endpoint is None:
        return None
    if request.blueprint == "operations":
        return None
    if current_user.is_authenticated and two_factor.must_set_up_codes(current_user):
        return redirect(url_for("auth.set_up_sign_in_codes"))
    return None


@bp.route("/login/code", methods=["GET", "POST"])
@public
@secret_attempt_limits(code_attempt_account, SIGN_IN_SCOPE)
def sign_in_code():
    if current_user.is_authenticated:
        return redirect(url_for("progress.home"))
    waiting = waiting_sign_in()
    if waiting is None:
        session.pop(AWAITING_CODE, None)
        flash(_("Please sign in with your password first."), "error")
        return redirect(url_for("auth.login"))
    remember = waiting.remember
    person = db.session.get(User, waiting.user_id)
    by_text = not is_staff(person)
    form = TextedCodeForm() if by_text else SignInCodeForm()
    if form.validate_on_submit():
        try:
            user = two_factor.finish_sign_in(waiting, form.code.data)
        except two_factor.SignInCodeRefusedError as refused:
            if by_text and refused.reason in (LOCKED, EXPIRED):
                # The code and the sign-in it belonged to are over: she starts again with her password.
                g.attempt_failed = True
                db.session.commit()
                session.pop(AWAITING_CODE, None)
                flash(_("That code no longer works. Sign in again with your password to get a new one."), "error")
                return redirect(url_for("auth.login"))
            code_refused(form, refused)
        else:
            db.session.commit()
            open_browser_session(user, remember=remember)
            return redirect(safe_next_url(request.args.get("next"), url_for("progress.home")))
    return render_template(
        "auth/sign_in_code.html",
        form=form,
        by_text=by_text,
        phone_end=(person.phone or "")[-4:],
        recovery=request.args.get("use") == "recovery",
    )


def waiting_number() -> str:
    """The texts limits' key: the number of the person whose sign-in waits for a code."""
    waiting = waiting_sign_in()
    person = db.session.get(User, waiting.user_id) if waiting is not None else None
    g.attempt_user = person
    return number_key(person.phone if person is not None else "")


@bp.route("/login/code/again", methods=["POST"])
@public
@texted_code_limits(waiting_number, SIGN_IN_TEXTS)
def text_sign_in_code_again():
    target = safe_next_url(request.args.get("next"), url_for("progress.home"))
    if current_user.is_authenticated:
        return redirect(target)
    waiting = waiting_sign_in()
    if waiting is None:
        flash(_("Please sign in with your password first."), "error")
        return redirect(url_for("auth.login"))
    person = db.session.get(User, waiting.user_id)
    if ActionForm().validate_on_submit() and not is_staff(person):
        texted.send_sign_in_code(person, waiting, again=True)
        db.session.commit()
        flash(_("We texted you a new code. The one before it no longer works."))
    return redirect(url_for("auth.sign_in_code", next=target))


def codes_page(new_form: SignInCodeForm | None = None, off_form: SignInCodeForm | None = None):
    user = current_user._get_current_object()
    return render_template(
        "auth/sign_in_codes.html",
        has_codes=two_factor.has_sign_in_codes(user),
        recovery_left=two_factor.recovery_codes_left(user),
        required=two_factor.codes_required(),
        new_form=new_form or SignInCodeForm(prefix="new"),
        off_form=off_form or SignInCodeForm(prefix="off"),
    )


@bp.route("/account/sign-in-codes")
@roles_required(*STAFF_ROLES)
def sign_in_codes():
    return codes_page()


@bp.route("/account/sign-in-codes/setup", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
@secret_attempt_limits(own_code_attempt_account, SIGN_IN_SCOPE)
def set_up_sign_in_codes():
    user = current_user._get_current_object()
    if two_factor.has_sign_in_codes(user):
        flash(_("Your sign-in codes are set up already."))
        return redirect(url_for("auth.sign_in_codes"))
    key = two_factor.key_to_set_up(user)
    form = NewKeyCodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm_sign_in_codes(user, form.code.data)
        except two_factor.SignInCodeRefusedError as refused:
            g.attempt_failed = True
            form.code.errors.append(refused.message)
        else:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, first=True)
    # The key shown now is the one her app must confirm, whichever page answers next.
    db.session.commit()
    return render_template(
        "auth/set_up_sign_in_codes.html",
        form=form,
        qr=Markup(two_factor.key_qr_svg(user, key)),  # noqa: S704 - segno's own SVG, no user text
        key_text=two_factor.key_for_typing(key),
        required=two_factor.must_set_up_codes(user),
    )


@bp.route("/account/sign-in-codes/recovery-codes", methods=["POST"])
@roles_required(*STAFF_ROLES)
@secret_attempt_limits(own_code_attempt_account, SIGN_IN_SCOPE)
def new_recovery_codes():
    user = current_user._get_current_object()
    form = SignInCodeForm(prefix="new")
    if form.validate_on_submit():
        try:
            codes = two_factor.make_new_recovery_codes(user, form.code.data)
        except two_factor.SignInCodeRefusedError as refused:
            code_refused(form, refused)
        else:
            db.session.commit()
            return render_template("auth/recovery_codes.html", codes=codes, first=False)
    return codes_page(new_form=form)


@bp.route("/account/sign-in-codes/off", methods=["POST"])
@roles_required(*STAFF_ROLES)
@secret_attempt_limits(own_code_attempt_account, SIGN_IN_SCOPE)
def turn_off_sign_in_codes():
    user = current_user._get_current_object()
    form = SignInCodeForm(prefix="off")
    if form.validate_on_submit():
        try:
            two_factor.turn_off_sign_in_codes(user, form.code.data)
        except two_factor.SignInCodeRefusedError as refused:
            code_refused(form, refused)
        else:
            db.session.commit()
            flash(_("Your sign-in codes are off. Remove this account from your authenticator app."))
            return redirect(url_for("auth.sign_in_codes"))
    return codes_page(off_form=form)


@bp.route("/accounts/<int:user_id>/sign-in-codes/remove", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def remove_sign_in_codes(user_id: int):
    person = db.get_or_404(User, user_id)
    require(policies.can_switch_off(current_user, person))
    form = ActionForm()
    if form.validate_on_submit() and request.form.get("confirm") == "yes":
        two_factor.remove_sign_in_codes(person, current_user._get_current_object())
        db.session.commit()
        flash(_("%(name)s's sign-in codes are removed and they are signed out everywhere.", name=person.name))
        return redirect(url_for("auth.accounts"))
    return render_template(
        "auth/remove_sign_in_codes.html",
        person=person,
        role_labels=ROLE_LABELS,
        has_codes=two_factor.has_sign_in_codes(person),
    )
