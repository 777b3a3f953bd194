"""Cohort progress for mentors and leads: the grid, learners at risk, one learner's page."""

from flask import current_app, render_template, request
from flask_login import current_user

from lms.accounts.models import User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.cohorts.checkins.services import learner_check_ins
from lms.cohorts.models import Cohort
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.security import STAFF_ROLES, require, roles_required, signed_in
from lms.core.spreadsheets import send_csv
from lms.progress import bp, cohort_services, home_services, policies


def load_cohort(cohort_id: int) -> Cohort:
    """The cohort, or 404 for a missing one and for one this person does not work with."""
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_view_cohort_progress(current_user, cohort), 404)
    return cohort


def grid_for(cohort: Cohort) -> cohort_services.CohortGrid:
    return cohort_services.cohort_grid(cohort, request.args.get("sort", ""), request.args.get("order", ""))


@bp.route("/cohorts/<int:cohort_id>/progress")
@roles_required(*STAFF_ROLES)
def cohort_grid(cohort_id: int):
    cohort = load_cohort(cohort_id)
    return render_template("progress/cohort/grid.html", cohort=cohort, grid=grid_for(cohort))


@bp.route("/cohorts/<int:cohort_id>/progress.csv")
@roles_required(*STAFF_ROLES)
def cohort_grid_csv(cohort_id: int):
    cohort = load_cohort(cohort_id)
    text = cohort_services.grid_csv(grid_for(cohort))
    filename = f"cohort-{cohort.id}-progress-{program_today().isoformat()}.csv"
    record_security_event(SecurityEventKind.EXPORT_DOWNLOADED, detail="progress-grid")
    db.session.commit()
    return send_csv(text, filename)


@bp.route("/cohorts/<int:cohort_id>/at-risk")
@roles_required(*STAFF_ROLES)
def at_risk(cohort_id: int):
    cohort = load_cohort(cohort_id)
    days = current_app.config["LMS_AT_RISK_DAYS"]
    learners = cohort_services.learners_at_risk(cohort, days)
    return render_template("progress/cohort/at_risk.html", cohort=cohort, learners=learners, days=days)


@bp.route("/learners/<int:learner_id>")
@signed_in
def learner_page(learner_id: int):
    learner = db.get_or_404(User, learner_id)
    require(policies.can_view_learner_progress(current_user, learner), 404)
    can_contact = policies.can_contact_learner(current_user)
    # Check-in notes are the staff's working notes: shown to mentors and leads, not to the learner.
    check_ins = db.session.scalars(learner_check_ins(learner, current_user)).all() if can_contact else []
    return render_template(
        "progress/cohort/learner.html",
        record=home_services.learner_record(learner),
        can_contact=can_contact,
        check_ins=check_ins,
    )
