"""Support given to graduates' businesses: a learner's records, adding and deleting them, the program's totals."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.models import User
from lms.cohorts.enrolment.current import learner_currency
from lms.cohorts.policies import can_view_learner
from lms.cohorts.services import viewable_cohorts
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.money import DEFAULT_CURRENCY, format_fen
from lms.core.roles import Role
from lms.core.security import MANAGER_ROLES, require, roles_required, signed_in
from lms.core.web import id_arg, page_arg
from lms.outcomes import bp
from lms.outcomes.models import SupportRecord
from lms.outcomes.policies import can_manage_outcomes
from lms.outcomes.support import services
from lms.outcomes.support.forms import KIND_LABELS, SupportForm

RECENT_PER_PAGE = 25


def load_learner(learner_id: int) -> User:
    """The learner whose support is asked for; hidden (404) from anyone who may not see them."""
    learner = db.get_or_404(User, learner_id)
    require(learner.role == Role.LEARNER and can_view_learner(current_user, learner), 404)
    return learner


def support_page(learner: User, form: SupportForm | None):
    return render_template(
        "outcomes/support/learner.html",
        learner=learner,
        records=db.session.scalars(services.learner_support(learner)).all(),
        total_fen=services.learner_support_total(learner),
        currency=learner_currency(learner),
        form=form,
        kind_labels=KIND_LABELS,
        money=format_fen,
    )


@bp.route("/learners/<int:learner_id>/support")
@signed_in
def support(learner_id: int):
    learner = load_learner(learner_id)
    form = SupportForm(given_on=program_today()) if can_manage_outcomes(current_user) else None
    return support_page(learner, form)


@bp.route("/learners/<int:learner_id>/support", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def add_support(learner_id: int):
    learner = load_learner(learner_id)
    form = SupportForm()
    if not form.validate_on_submit():
        return support_page(learner, form)
    services.add_support(learner, current_user, form.data)
    db.session.commit()
    flash(_("Support recorded."))
    return redirect(url_for(".support", learner_id=learner.id))


@bp.route("/support/<int:record_id>/delete", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def delete_support(record_id: int):
    record = db.get_or_404(SupportRecord, record_id)
    load_learner(record.learner_id)
    if ActionForm().validate_on_submit():
        learner_id = record.learner_id
        services.delete_support(record, current_user)
        db.session.commit()
        flash(_("Support record deleted."))
        return redirect(url_for(".support", learner_id=learner_id))
    return render_template(
        "outcomes/support/delete.html",
        record=record,
        kind_labels=KIND_LABELS,
        money=format_fen,
        currency=learner_currency(record.learner),
    )


@bp.route("/support")
@roles_required(*MANAGER_ROLES)
def support_overview():
    cohorts = viewable_cohorts(current_user)
    cohort_id = id_arg("cohort")
    if cohort_id not in {cohort.id for cohort in cohorts}:
        cohort_id = None  # an unknown or garbled filter shows the whole program
    page = db.paginate(
        services.recent_support(current_user, cohort_id), page=page_arg(), per_page=RECENT_PER_PAGE, error_out=False
    )
    return render_template(
        "outcomes/support/overview.html",
        cohort_id=cohort_id,
        cohorts=cohorts,
        by_kind=services.totals_by_kind(current_user, cohort_id),
        by_cohort=services.totals_by_cohort(current_user, cohort_id),
        page=page,
        learner_cohorts=services.cohorts_of_learners({record.learner_id for record in page.items}),
        kind_labels=KIND_LABELS,
        money=format_fen,
        default_currency=DEFAULT_CURRENCY,
    )
