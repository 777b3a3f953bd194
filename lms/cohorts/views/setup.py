"""Joining a cohort, and setting programs, cohorts and invite codes up."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.sessions.browser import open_browser_session
from lms.cohorts import bp, policies, services
from lms.cohorts.enrolment.forms import InviteSettingsForm, PairForm
from lms.cohorts.forms import AssignMentorForm, CohortForm, JoinAnotherCohortForm, JoinForm, ProgramForm
from lms.cohorts.invites import services as invite_services
from lms.cohorts.models import Cohort, EnrollmentStatus, Program
from lms.core.extensions import db, limiter
from lms.core.forms import ActionForm
from lms.core.i18n import select_locale
from lms.core.roles import Role
from lms.core.security import MANAGER_ROLES, STAFF_ROLES, public, require, roles_required
from lms.core.web import id_arg


def join_refused(response) -> bool:
    # A join that worked sends her home; every other answer shows the form again.
    return response.status_code != 302


def record_join_limited(_limit) -> None:
    record_security_event(SecurityEventKind.JOIN_LIMITED)
    db.session.commit()


@bp.route("/join", methods=["GET", "POST"])
@bp.route("/join/<code>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["LMS_JOIN_FAILURE_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=join_refused,
    on_breach=record_join_limited,
)
@limiter.limit(
    lambda: current_app.config["LMS_JOIN_LIMIT_PER_ADDRESS"], methods=["POST"], on_breach=record_join_limited
)
def join(code: str | None = None):
    if current_user.is_authenticated and current_user.role != Role.LEARNER:
        flash(_("You are already signed in."))
        return redirect(url_for("progress.home"))
    signed_in_learner = current_user.is_authenticated
    form = (JoinAnotherCohortForm if signed_in_learner else JoinForm)(invite_code=code)
    if form.validate_on_submit():
        try:
            if signed_in_learner:
                invite_services.join_cohort(form.cohort, current_user)
                learner = current_user
            else:
                learner = invite_services.register_learner(form.cohort, {**form.data, "locale": select_locale()})
                accounts.sign_in(learner, remember=False)
        except invite_services.InviteRefusedError as refused:
            db.session.rollback()
            form.invite_code.errors.append(refused.message)
        else:
            db.session.commit()
            if not signed_in_learner:
                open_browser_session(learner, remember=False)
            flash(_("Welcome to %(cohort)s!", cohort=form.cohort.name))
            return redirect(url_for("progress.home"))
    template = "cohorts/join_another.html" if signed_in_learner else "cohorts/join.html"
    return render_template(template, form=form)


@bp.route("/cohorts")
@roles_required(*STAFF_ROLES)
def index():
    rows = db.session.execute(services.cohorts_for(current_user)).all()
    return render_template("cohorts/index.html", rows=rows)


@bp.route("/programs/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def new_program():
    form = ProgramForm()
    if form.validate_on_submit():
        program = services.create_program(form.data, current_user)
        db.session.commit()
        flash(_("Program %(name)s created. Now add its first cohort.", name=program.name))
        return redirect(url_for(".new_cohort", program_id=program.id))
    return render_template("cohorts/new_program.html", form=form)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def new_cohort():
    form = CohortForm(program_id=id_arg("program_id"), user=current_user)
    if not form.program_id.choices:
        flash(_("Create a program first."))
        return redirect(url_for(".new_program"))
    if form.validate_on_submit():
        program = db.get_or_404(Program, form.program_id.data)
        cohort = services.create_cohort(program, form.data)
        db.session.commit()
        flash(_("Cohort %(name)s created.", name=cohort.name))
        return redirect(url_for(".detail", cohort_id=cohort.id))
    return render_template("cohorts/cohort_form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def edit_cohort(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    form = CohortForm(cohort=cohort)
    if form.validate_on_submit():
        services.update_cohort(cohort, form.data)
        db.session.commit()
        flash(_("Cohort %(name)s saved.", name=cohort.name))
        return redirect(url_for(".detail", cohort_id=cohort.id))
    return render_template("cohorts/cohort_form.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>")
@roles_required(*STAFF_ROLES)
def detail(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id, options=[selectinload(Cohort.mentors)])
    require(policies.can_view_cohort(current_user, cohort), 404)
    enrollments = db.session.scalars(services.cohort_learners(cohort)).unique().all()
    active = [enrollment for enrollment in enrollments if enrollment.status == EnrollmentStatus.ACTIVE]
    can_manage = policies.can_manage_cohorts(current_user)
    return render_template(
        "cohorts/detail.html",
        cohort=cohort,
        active=active,
        left=[enrollment for enrollment in enrollments if enrollment.status != EnrollmentStatus.ACTIVE],
        offered=services.offered_courses(cohort),
        business_plan=cohort.rule_business_plan_lesson,
        invite_problem=invite_services.invite_problem(cohort) if can_manage else None,
        can_manage=can_manage,
        mentor_form=AssignMentorForm(cohort),
        pair_forms={e.id: PairForm(cohort.mentors, mentor_id=e.mentor_id or 0) for e in active} if can_manage else {},
    )


@bp.route("/cohorts/<int:cohort_id>/invite", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def invite_settings(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    form = InviteSettingsForm(cohort)
    if form.validate_on_submit():
        invite_services.update_invite_settings(cohort, form.settings())
        db.session.commit()
        flash(_("Invite code settings saved."))
        return redirect(url_for(".detail", cohort_id=cohort.id))
    return render_template("cohorts/invite_settings.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/invite/<any(enable, disable):action>", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def switch_invite(cohort_id: int, action: str):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    if ActionForm().validate_on_submit():
        invite_services.set_invite_enabled(cohort, action == "enable")
        db.session.commit()
        if cohort.invite_enabled:
            flash(_("The invite code works again."))
        else:
            flash(_("The invite code is switched off: nobody can join with it."))
    return redirect(url_for(".detail", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/invite-code", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def regenerate_invite(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    if ActionForm().validate_on_submit():
        invite_services.regenerate_invite_code(cohort)
        db.session.commit()
        flash(_("New invite code: %(code)s. The old code no longer works.", code=cohort.invite_code))
    return redirect(url_for(".detail", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/mentors", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def assign_mentor(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    form = AssignMentorForm(cohort)
    if form.validate_on_submit():
        mentor = db.get_or_404(User, form.mentor_id.data)
        services.assign_mentor(cohort, mentor)
        db.session.commit()
        flash(_("%(name)s now mentors this cohort.", name=mentor.name))
    else:
        flash(_("Choose a mentor from the list."), "error")
    return redirect(url_for(".detail", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/mentors/<int:mentor_id>/remove", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def unassign_mentor(cohort_id: int, mentor_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    mentor = db.get_or_404(User, mentor_id)
    require(mentor.role == Role.MENTOR, 404)
    if ActionForm().validate_on_submit():
        services.unassign_mentor(cohort, mentor)
        db.session.commit()
        flash(_("%(name)s no longer mentors this cohort.", name=mentor.name))
    return redirect(url_for(".detail", cohort_id=cohort.id))
