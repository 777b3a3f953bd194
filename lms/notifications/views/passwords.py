"""The short link a text message carries; forgot password: a code texted to her phone, then a new password.

The password routes belong to the auth blueprint (their URLs sit beside sign-in); they live here
because texting the code is this area's work.
"""

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import bp
from lms.accounts import services as accounts
from lms.accounts.forms import ForgotPasswordForm, ResetPasswordForm
from lms.accounts.models import User
from lms.accounts.passwords.reset import ResetCodeRefusedError, redeem_reset_code
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.texted_limits import RESET_TEXTS, number_key, texted_code_limits, texts_limited, texts_per_address
from lms.accounts.two_factor.browser import continue_sign_in
from lms.core.errors import UserFacingError
from lms.core.extensions import db, limiter
from lms.core.security import public, safe_next_url, signed_in
from lms.notifications import bp as notifications_bp
from lms.notifications import services
from lms.notifications.models import Notification

RESET_PHONE = "reset_phone"


@notifications_bp.route("/n/<int:notification_id>")
@signed_in
def short_link(notification_id: int):
    """A text message's link: marks the notification read and opens its page (after sign-in)."""
    notification = db.get_or_404(Notification, notification_id)
    if notification.user_id != current_user.id:
        abort(404)
    services.open_notification(notification)
    db.session.commit()
    return redirect(safe_next_url(notification.link, url_for("progress.home")))


def reset_number() -> str:
    """Rate-limit key for the number a code is asked for or tried on, however it was typed."""
    return number_key(request.form.get("phone", ""))


def code_refused(_response) -> bool:
    return g.get("attempt_failed", False)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@texted_code_limits(reset_number, RESET_TEXTS)
def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.text_reset_code(form.phone.data)
        db.session.commit()
        session[RESET_PHONE] = form.phone.data
        # The same words whether or not the number has an account.
        flash(_("If this number has an account, we texted it a code. It works for 10 minutes."))
        return redirect(url_for("auth.reset_password"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password", methods=["GET", "POST"])
@public
@limiter.limit(texts_per_address, methods=["POST"], deduct_when=code_refused, on_breach=texts_limited(RESET_TEXTS))
@limiter.limit(
    lambda: current_app.config["LMS_LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=reset_number,
    methods=["POST"],
    deduct_when=code_refused,
    on_breach=texts_limited(RESET_TEXTS),
)
def reset_password():
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    form = ResetPasswordForm(data={"phone": session.get(RESET_PHONE, "")} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            user = redeem_reset_code(form.phone.data, form.code.data, form.password.data)
        except UserFacingError as refused:
            if isinstance(refused, ResetCodeRefusedError):
                g.attempt_failed = True
                record_security_event(
                    SecurityEventKind.RESET_CODE_FAILED, user=accounts.find_user_by_login(form.phone.data)
                )
                db.session.commit()  # the wrong try counts
                form.code.errors.append(refused.message)
            else:
                db.session.rollback()
                form.password.errors.append(refused.message)
        else:
            return signed_in_after_reset(user)
    return render_template("auth/reset_password.html", form=form)


def signed_in_after_reset(user: User):
    """Sign her in as the sign-in page would: staff with sign-in codes still type one (a phone is not enough); a
    learner asked for texted codes has just typed one."""
    return continue_sign_in(
        user,
        remember=False,
        target=url_for("progress.home"),
        phone_proven=True,
        done=_("Your new password is set. Other phones and computers are signed out."),
    )
