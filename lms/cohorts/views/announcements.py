"""Announcements: staff post to their cohorts and see what was posted; learners open one (a POST marks it read)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.cohorts import bp
from lms.cohorts.announcements import services
from lms.cohorts.announcements.forms import AnnouncementForm
from lms.cohorts.models import Announcement
from lms.cohorts.policies import can_read_announcement
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.roles import Role
from lms.core.security import STAFF_ROLES, is_learner, require, roles_required, signed_in
from lms.core.web import id_arg

RECENT = 20


@bp.route("/announcements")
@roles_required(*STAFF_ROLES)
def announcements():
    posted = db.session.scalars(services.staff_announcements(current_user).limit(RECENT)).all()
    return render_template("cohorts/announcements/list.html", announcements=posted)


@bp.route("/announcements/new", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def new_announcement():
    cohorts = services.announceable_cohorts(current_user)
    form = AnnouncementForm()
    form.cohorts.choices = [(cohort.id, cohort.name) for cohort in cohorts]
    if request.method == "GET":
        chosen = id_arg("cohort")
        form.cohorts.data = [chosen] if chosen in {cohort.id for cohort in cohorts} else []
    if form.validate_on_submit():
        try:
            services.post_announcement(current_user, form.cohorts.data, form.title.data, form.body.data)
        except services.AnnouncementRefused as refused:
            db.session.rollback()
            form.cohorts.errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("Announcement posted: the learners are told."))
            return redirect(url_for(".announcements"))
    page = render_template("cohorts/announcements/new.html", form=form, has_cohorts=bool(cohorts))
    return page, 400 if form.errors else 200


def load_announcement(announcement_id: int) -> Announcement:
    """The announcement with its cohorts and author; 404 if missing or another cohort's (as if it did not exist)."""
    found = db.session.scalar(
        select(Announcement)
        .options(selectinload(Announcement.cohorts), selectinload(Announcement.author))
        .where(Announcement.id == announcement_id)
    )
    if found is None:
        abort(404)
    require(can_read_announcement(current_user, found), 404)
    return found


@bp.route("/announcements/<int:announcement_id>")
@signed_in
def announcement(announcement_id: int):
    found = load_announcement(announcement_id)
    not_read = is_learner(current_user) and not services.announcement_read(found, current_user)
    return render_template("cohorts/announcements/announcement.html", announcement=found, not_read=not_read)


@bp.route("/announcements/<int:announcement_id>/read", methods=["POST"])
@roles_required(Role.LEARNER)
def read_announcement(announcement_id: int):
    """Opening it from the home, or "Mark as read" on its page, records the reading (a GET changes nothing)."""
    found = load_announcement(announcement_id)
    if ActionForm().validate_on_submit():
        services.mark_announcement_read(found, current_user)
        db.session.commit()
    return redirect(url_for(".announcement", announcement_id=found.id))
