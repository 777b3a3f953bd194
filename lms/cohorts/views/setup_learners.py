"""A lead moves a learner to another cohort, withdraws them, pairs them with a mentor, or gives a new setup code."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.cohorts import bp, policies
from lms.cohorts.enrolment import services as enrolment_services
from lms.cohorts.enrolment.forms import MoveForm, PairForm
from lms.cohorts.models import Cohort, Enrollment
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.roles import Role
from lms.core.security import MANAGER_ROLES, require, roles_required


def load_enrollment(cohort_id: int, learner_id: int) -> Enrollment:
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    enrollment = enrolment_services.find_enrollment(cohort, learner_id)
    require(enrollment is not None, 404)
    return enrollment


def back_to(cohort_id: int):
    return redirect(url_for(".detail", cohort_id=cohort_id, _anchor="learners"))


def perform(change, cohort_id: int, done: str):
    """Run one change; on refusal roll back and say why."""
    try:
        change()
    except enrolment_services.EnrolmentRefusedError as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(done)
    return back_to(cohort_id)


@bp.route("/cohorts/<int:cohort_id>/learners/<int:learner_id>/move", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def move_learner(cohort_id: int, learner_id: int):
    enrollment = load_enrollment(cohort_id, learner_id)
    targets = db.session.scalars(enrolment_services.move_targets(enrollment.cohort)).all()
    form = MoveForm(targets)
    if form.validate_on_submit():
        target = db.get_or_404(Cohort, form.cohort_id.data)
        done = _("%(name)s moved to %(cohort)s.", name=enrollment.learner.name, cohort=target.name)
        return perform(lambda: enrolment_services.move_learner(enrollment, target), cohort_id, done)
    return render_template("cohorts/move_learner.html", enrollment=enrollment, form=form)


@bp.route("/cohorts/<int:cohort_id>/learners/<int:learner_id>/withdraw", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def withdraw_learner(cohort_id: int, learner_id: int):
    enrollment = load_enrollment(cohort_id, learner_id)
    if ActionForm().validate_on_submit():
        done = _("%(name)s is withdrawn from this cohort.", name=enrollment.learner.name)
        return perform(lambda: enrolment_services.withdraw_learner(enrollment), cohort_id, done)
    return render_template("cohorts/withdraw_learner.html", enrollment=enrollment)


@bp.route("/cohorts/<int:cohort_id>/learners/<int:learner_id>/mentor", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def pair_mentor(cohort_id: int, learner_id: int):
    enrollment = load_enrollment(cohort_id, learner_id)
    form = PairForm(enrollment.cohort.mentors)
    if not form.validate_on_submit():
        flash(_("Choose one of this cohort's mentors."), "error")
        return back_to(cohort_id)
    mentor = db.session.get(User, form.mentor_id.data) if form.mentor_id.data else None
    if mentor is None:
        done = _("%(name)s has no paired mentor now.", name=enrollment.learner.name)
    else:
        done = _("%(name)s is paired with %(mentor)s.", name=enrollment.learner.name, mentor=mentor.name)
    return perform(lambda: enrolment_services.pair_mentor(enrollment, mentor), cohort_id, done)


@bp.route("/cohorts/<int:cohort_id>/learners/<int:learner_id>/setup-code", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def new_setup_code(cohort_id: int, learner_id: int):
    enrollment = load_enrollment(cohort_id, learner_id)
    learner = enrollment.learner
    require(learner.role == Role.LEARNER and learner.phone is not None, 404)
    if ActionForm().validate_on_submit():
        code = accounts.issue_setup_code(learner, current_user._get_current_object())
        db.session.commit()
        return render_template("cohorts/setup_code.html", enrollment=enrollment, code=code)
    return back_to(cohort_id)
