"""Notifications, the email outbox page, the mentor's home, check-ins."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.models import User
from lms.cohorts import bp
from lms.cohorts.checkins import services as checkin_services
from lms.cohorts.checkins.forms import CHANNEL_LABELS, CheckInForm
from lms.cohorts.models import Cohort, EnrollmentStatus
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.roles import Role
from lms.core.security import STAFF_ROLES, require, roles_required, safe_next_url, signed_in
from lms.core.web import page_arg
from lms.notifications import mail
from lms.notifications import services as notifications
from lms.notifications.models import Notification

NOTIFICATIONS_PER_PAGE = 20


# ---- Notifications ----


def load_own_notification(notification_id: int) -> Notification:
    notification = db.get_or_404(Notification, notification_id)
    require(notification.user_id == current_user.id, 404)  # someone else's: as if it did not exist
    return notification


@bp.route("/notifications")
@signed_in
def notifications_page():
    page = db.paginate(
        notifications.user_notifications(current_user),
        page=page_arg(),
        per_page=NOTIFICATIONS_PER_PAGE,
        error_out=False,
    )
    return render_template("cohorts/contact/notifications.html", page=page)


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@signed_in
def open_notification(notification_id: int):
    notification = load_own_notification(notification_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".notifications_page"))
    notifications.open_notification(notification)
    db.session.commit()
    return redirect(safe_next_url(notification.link, url_for(".notifications_page")))


@bp.route("/notifications/read-all", methods=["POST"])
@signed_in
def read_all_notifications():
    if ActionForm().validate_on_submit():
        notifications.mark_all_read(current_user)
        db.session.commit()
        flash(_("All notifications marked as read."))
    return redirect(url_for(".notifications_page"))


# ---- The outbox (admins) ----


@bp.route("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    return render_template(
        "cohorts/contact/outbox.html",
        configured=mail.smtp_settings(current_app.config) is not None,
        pending_total=mail.pending_count(),
        pending=db.session.scalars(mail.pending_emails().limit(100)).all(),
        sent=db.session.scalars(mail.recently_sent()).all(),
    )


# ---- Check-ins ----


@bp.route("/cohorts/<int:cohort_id>/learners/<int:learner_id>/check-ins", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def check_ins(cohort_id: int, learner_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    learner = db.get_or_404(User, learner_id)
    enrollment = checkin_services.enrollment_of(cohort, learner)
    require(enrollment is not None and checkin_services.can_view_check_ins(current_user, enrollment), 404)
    can_log = checkin_services.can_log_check_in(current_user, cohort) and enrollment.status == EnrollmentStatus.ACTIVE
    form = CheckInForm(happened_on=program_today())
    if request.method == "POST":
        require(can_log)
        if form.validate_on_submit():
            checkin_services.log_check_in(cohort, learner, current_user, form.data)
            db.session.commit()
            flash(_("Check-in saved."))
            return redirect(url_for(".check_ins", cohort_id=cohort.id, learner_id=learner.id))
    return render_template(
        "cohorts/contact/check_ins.html",
        cohort=cohort,
        learner=learner,
        enrollment=enrollment,
        form=form,
        can_log=can_log,
        check_ins=db.session.scalars(checkin_services.learner_check_ins(learner, current_user)).unique().all(),
        channel_labels=CHANNEL_LABELS,
    )
