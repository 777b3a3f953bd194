"""A learner's sign-in codes by text message: turning them on (a code to her number first) and off."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import bp, services
from lms.accounts.forms import TextedCodeForm, TurnOffSignInTextsForm
from lms.accounts.models import CodePurpose
from lms.accounts.texted_codes import TextedCodeRefusedError, has_texted_code
from lms.accounts.texted_limits import SIGN_IN_TEXTS, number_key, texted_code_limits
from lms.accounts.two_factor import texted
from lms.accounts.views.sign_in import SIGN_IN_SCOPE, secret_attempt_limits
from lms.accounts.views.two_factor import own_code_attempt_account
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.roles import Role
from lms.core.security import roles_required


def texts_page(code_form: TextedCodeForm | None = None, off_form: TurnOffSignInTextsForm | None = None, status=200):
    user = current_user._get_current_object()
    return render_template(
        "auth/sign_in_texts.html",
        on=user.sign_in_texts_since is not None,
        required=texted.required_by_program(user),
        code_sent=has_texted_code(user, CodePurpose.TURN_ON),
        phone_end=(user.phone or "")[-4:],
        code_form=code_form or TextedCodeForm(),
        off_form=off_form or TurnOffSignInTextsForm(),
    ), status


def own_number() -> str:
    if not current_user.is_authenticated:
        return number_key("")
    g.attempt_user = current_user._get_current_object()
    return number_key(current_user.phone)


@bp.route("/account/sign-in-texts")
@roles_required(Role.LEARNER)
def sign_in_texts():
    return texts_page()


@bp.route("/account/sign-in-texts/send", methods=["POST"])
@roles_required(Role.LEARNER)
@texted_code_limits(own_number, SIGN_IN_TEXTS)
def send_turn_on_code():
    if ActionForm().validate_on_submit():
        try:
            texted.send_turn_on_code(current_user._get_current_object())
        except UserFacingError as refused:
            flash(refused.message, "error")
        else:
            db.session.commit()
            flash(_("We texted you a code. Type it below to turn sign-in codes on."))
    return redirect(url_for("auth.sign_in_texts"))


@bp.route("/account/sign-in-texts/on", methods=["POST"])
@roles_required(Role.LEARNER)
@secret_attempt_limits(own_code_attempt_account, SIGN_IN_SCOPE)
def turn_on_sign_in_texts():
    form = TextedCodeForm()
    if not form.validate_on_submit():
        return texts_page(code_form=form, status=400)
    try:
        texted.turn_on_sign_in_texts(current_user._get_current_object(), form.code.data)
    except TextedCodeRefusedError as refused:
        g.attempt_failed = True
        db.session.commit()  # the wrong try counts, and is logged
        form.code.errors.append(refused.message)
        return texts_page(code_form=form, status=400)
    db.session.commit()
    flash(_("Sign-in codes by text are on: from your next sign-in, you type the code we text you."))
    return redirect(url_for("auth.sign_in_texts"))


@bp.route("/account/sign-in-texts/off", methods=["POST"])
@roles_required(Role.LEARNER)
@secret_attempt_limits(own_code_attempt_account, SIGN_IN_SCOPE)
def turn_off_sign_in_texts():
    user = current_user._get_current_object()
    form = TurnOffSignInTextsForm()
    if not form.validate_on_submit():
        return texts_page(off_form=form, status=400)
    if not services.verify_password(user, form.password.data):
        g.attempt_failed = True
        form.password.errors.append(_("This is not your current password."))
        return texts_page(off_form=form, status=400)
    try:
        texted.turn_off_sign_in_texts(user)
    except UserFacingError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return redirect(url_for("auth.sign_in_texts"))
    db.session.commit()
    flash(_("Sign-in codes by text are off: your password alone signs you in."))
    return redirect(url_for("auth.sign_in_texts"))
