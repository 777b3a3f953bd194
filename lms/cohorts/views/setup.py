"""Joining a cohort, and setting programs and cohorts up."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy.orm import selectinload

from lms.auth.models import Role, User
from lms.cohorts import bp, policies, services
from lms.cohorts.forms import AssignMentorForm, CohortForm, JoinForm, ProgramForm
from lms.cohorts.models import Cohort, Program
from lms.extensions import db
from lms.forms import ActionForm
from lms.i18n import select_locale
from lms.security import MANAGER_ROLES, STAFF_ROLES, public, require, roles_required


@bp.route("/join", methods=["GET", "POST"])
@bp.route("/join/<code>", methods=["GET", "POST"])
@public
def join(code: str | None = None):
    if current_user.is_authenticated:
        flash(_("You are already signed in."))
        return redirect(url_for("progress.home"))
    form = JoinForm(invite_code=code)
    if form.validate_on_submit():
        learner = services.register_learner(form.cohort, {**form.data, "locale": select_locale()})
        db.session.commit()
        login_user(learner)
        flash(_("Welcome to %(cohort)s!", cohort=form.cohort.name))
        return redirect(url_for("progress.home"))
    return render_template("cohorts/join.html", form=form)


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
        program = services.create_program(form.data)
        db.session.commit()
        flash(_("Program %(name)s created. Now add its first cohort.", name=program.name))
        return redirect(url_for(".new_cohort", program_id=program.id))
    return render_template("cohorts/new_program.html", form=form)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def new_cohort():
    form = CohortForm(program_id=request.args.get("program_id", type=int))
    if not form.program_id.choices:
        flash(_("Create a program first."))
        return redirect(url_for(".new_program"))
    if form.validate_on_submit():
        program = db.get_or_404(Program, form.program_id.data)
        cohort = services.create_cohort(program, form.data)
        db.session.commit()
        flash(_("Cohort %(name)s created.", name=cohort.name))
        return redirect(url_for(".detail", cohort_id=cohort.id))
    return render_template("cohorts/new_cohort.html", form=form)


@bp.route("/cohorts/<int:cohort_id>")
@roles_required(*STAFF_ROLES)
def detail(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id, options=[selectinload(Cohort.mentors)])
    require(policies.can_view_cohort(current_user, cohort), 404)
    enrollments = db.session.scalars(services.cohort_learners(cohort)).all()
    return render_template(
        "cohorts/detail.html",
        cohort=cohort,
        enrollments=enrollments,
        can_manage=policies.can_manage_cohorts(current_user),
        mentor_form=AssignMentorForm(cohort),
        action_form=ActionForm(),
    )


@bp.route("/cohorts/<int:cohort_id>/invite-code", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def regenerate_invite(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    if ActionForm().validate_on_submit():
        services.regenerate_invite_code(cohort)
        db.session.commit()
        flash(_("New invite code: %(code)s. The old code no longer works.", code=cohort.invite_code))
    return redirect(url_for(".detail", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/mentors", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def assign_mentor(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
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
    mentor = db.get_or_404(User, mentor_id)
    require(mentor.role == Role.MENTOR, 404)
    if ActionForm().validate_on_submit():
        services.unassign_mentor(cohort, mentor)
        db.session.commit()
        flash(_("%(name)s no longer mentors this cohort.", name=mentor.name))
    return redirect(url_for(".detail", cohort_id=cohort.id))
