"""The graduate's follow-ups: their waves, the form to fill one in or change it, one follow-up with its history,
verifying and deleting."""

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.models import User
from lms.cohorts.enrolment.current import learner_currency
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.money import format_fen
from lms.core.roles import Role
from lms.core.security import MANAGER_ROLES, STAFF_ROLES, require, roles_required, signed_in
from lms.outcomes import bp
from lms.outcomes.follow_ups import services
from lms.outcomes.follow_ups import waves as wave_services
from lms.outcomes.follow_ups.forms import FOR_STAFF, UNIT_LABELS, FollowUpForm
from lms.outcomes.follow_ups.rules import wave_due_on
from lms.outcomes.follow_ups.waves import WaveState
from lms.outcomes.intake.forms import CHANNEL_LABELS
from lms.outcomes.models import FollowUp, FollowUpSource
from lms.outcomes.policies import (
    can_delete_follow_up,
    can_edit_follow_up,
    can_enter_follow_up,
    can_manage_outcomes,
    can_verify_follow_up,
    can_view_follow_ups,
)
from lms.outcomes.products.services import product_list
from lms.outcomes.views.audit_text import ACTION_LABELS, audit_value, field_label, in_form_order, person_names
from lms.outcomes.views.follow_up_common import STATE_LABELS, wave_label


def load_learner(learner_id: int) -> User:
    """A learner whose follow-ups this person may see; anyone else's are hidden (404)."""
    learner = db.get_or_404(User, learner_id)
    require(learner.role == Role.LEARNER and can_view_follow_ups(current_user, learner), 404)
    return learner


def load_follow_up(follow_up_id: int) -> FollowUp:
    follow_up = services.load_follow_up(follow_up_id)
    require(follow_up is not None and can_view_follow_ups(current_user, follow_up.learner), 404)
    return follow_up


def money_of(learner: User):
    currency = learner_currency(learner)
    return lambda fen: "—" if fen is None else format_fen(fen, currency)


# ---- The graduate's follow-ups ----


@bp.route("/learners/<int:learner_id>/follow-ups")
@signed_in
def learner_follow_ups(learner_id: int):
    learner = load_learner(learner_id)
    graduations = wave_services.active_graduations(learner)
    waves = wave_services.waves_of(graduations)
    return render_template(
        "outcomes/follow_ups/learner.html",
        learner=learner,
        own=current_user.id == learner.id,
        graduations=graduations,
        waves=waves,
        baseline_fen=wave_services.baseline_income(learner),
        money=money_of(learner),
        state_labels=STATE_LABELS,
        can_enter=can_enter_follow_up(current_user, learner),
    )


def wave_choices(graduation, today, chosen: int | None) -> tuple[list[tuple[int, str]], int | None]:
    """The waves that can be filled in now (due and not collected), and the one to preselect."""
    open_waves = [wave for wave in wave_services.waves_of([graduation], today) if wave.is_open and wave.scheduled]
    choices = [(wave.months, wave_label(wave.months)) for wave in open_waves]
    if chosen is not None and chosen in {months for months, _label in choices}:
        return choices, chosen
    return choices, choices[0][0] if choices else None


def render_form(learner, graduation, form, *, unusual=False, refusal=None, existing=None, status=200):
    return (
        render_template(
            "outcomes/follow_ups/form.html",
            learner=learner,
            graduation=graduation,
            follow_up=None,
            form=form,
            products=product_list(graduation.cohort.program).products,
            own=current_user.id == learner.id,
            unusual=unusual,
            refusal=refusal,
            existing=existing,
        ),
        status,
    )


def prepare_form(form: FollowUpForm, staff: bool, follow_up: FollowUp | None = None) -> FollowUpForm:
    """Drop the fields this person or this moment does not use; staff are asked about the graduate."""
    if staff:
        form.reword(FOR_STAFF)
    else:
        del form.verified
    if follow_up is None or not follow_up.evidence:
        del form.remove_evidence
    else:
        form.remove_evidence.choices = [(item.id, item.media.original_name) for item in follow_up.evidence]
    return form


@bp.route("/learners/<int:learner_id>/follow-ups/new", methods=["GET", "POST"])
@signed_in
def new_follow_up(learner_id: int):
    learner = load_learner(learner_id)
    require(can_enter_follow_up(current_user, learner), 404)
    graduation = wave_services.latest_graduation(learner)
    if graduation is None:
        page = render_template("outcomes/follow_ups/not_graduated.html", learner=learner)
        return page, 409 if request.method == "POST" else 200
    today = program_today()
    choices, chosen = wave_choices(graduation, today, request.args.get("wave", type=int))
    staff = current_user.id != learner.id
    form = prepare_form(FollowUpForm(), staff)
    form.wave.choices = choices
    if request.method == "GET":
        if chosen is None:
            return render_template(
                "outcomes/follow_ups/nothing_due.html",
                learner=learner,
                own=not staff,
                upcoming=[w for w in wave_services.waves_of([graduation], today) if w.state == WaveState.UPCOMING],
            )
        form.wave.data = chosen
        form.period_start.data, form.period_end.data = wave_services.default_period(
            wave_due_on(graduation.graduated_on, chosen), today
        )
        return render_form(learner, graduation, form)
    if not form.validate_on_submit():
        return render_form(learner, graduation, form)
    try:
        follow_up = services.record_follow_up(
            learner,
            current_user,
            form.wave.data,
            form.values(),
            form.uploads(),
            verify=staff and form.verified.data,
            today=today,
        )
    except services.UnusualIncome:
        db.session.rollback()
        return render_form(learner, graduation, form, unusual=True)
    except services.FollowUpRefused as refused:
        db.session.rollback()
        if refused.field and refused.field in form and refused.field != "wave":
            form[refused.field].errors.append(refused.message)
            return render_form(learner, graduation, form)
        return render_form(learner, graduation, form, refusal=refused.message, existing=refused.existing, status=409)
    db.session.commit()
    flash(_("Thank you. The follow-up is saved.") if not staff else _("Follow-up saved."))
    return redirect(url_for(".follow_up", follow_up_id=follow_up.id))


# ---- One follow-up ----


@bp.route("/follow-ups/<int:follow_up_id>")
@signed_in
def follow_up(follow_up_id: int):
    follow_up = load_follow_up(follow_up_id)
    learner = follow_up.learner
    show_history = can_manage_outcomes(current_user)
    history = db.session.scalars(services.follow_up_history(follow_up)).all() if show_history else []
    currency = learner_currency(learner)
    names = person_names(history)
    return render_template(
        "outcomes/follow_ups/detail.html",
        follow_up=follow_up,
        learner=learner,
        own=current_user.id == learner.id,
        money=lambda fen: format_fen(fen, currency),
        baseline_fen=wave_services.baseline_income(learner),
        channel_labels=CHANNEL_LABELS,
        unit_labels=UNIT_LABELS,
        can_edit=can_edit_follow_up(current_user, follow_up),
        can_verify=can_verify_follow_up(current_user, learner),
        can_delete=can_delete_follow_up(current_user),
        history=history,
        field_label=field_label,
        action_labels=ACTION_LABELS,
        history_value=lambda field, value: audit_value(field, value, currency, names),
        in_form_order=in_form_order,
        self_source=FollowUpSource.SELF,
    )


def fill_from(form: FollowUpForm, follow_up: FollowUp) -> None:
    form.period_start.data = follow_up.period_start
    form.period_end.data = follow_up.period_end
    form.monthly_income.data = Decimal(follow_up.monthly_income_fen) / 100
    form.revenue.data = Decimal(follow_up.revenue_fen) / 100
    for row, quantity in zip(form.products, follow_up.quantities, strict=False):
        row.form.product.data = quantity.product
        row.form.quantity.data = quantity.quantity
        row.form.unit.data = quantity.unit
    form.channels.data = [code for code in follow_up.channels.split(",") if code]
    form.households_benefiting.data = follow_up.households_benefiting
    form.people_employed.data = follow_up.people_employed
    form.livestreams.data = follow_up.livestreams
    form.shop_link.data = follow_up.shop_link
    form.notes.data = follow_up.notes
    if "verified" in form:
        form.verified.data = follow_up.verified


@bp.route("/follow-ups/<int:follow_up_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_follow_up(follow_up_id: int):
    follow_up = load_follow_up(follow_up_id)
    learner = follow_up.learner
    if not can_edit_follow_up(current_user, follow_up):
        flash(_("This follow-up is verified by a mentor: ask them to change it."), "error")
        return redirect(url_for(".follow_up", follow_up_id=follow_up.id))
    staff = current_user.id != learner.id
    form = prepare_form(FollowUpForm(), staff, follow_up)
    del form.wave

    def page(unusual=False):
        return render_template(
            "outcomes/follow_ups/form.html",
            learner=learner,
            graduation=follow_up.graduation,
            follow_up=follow_up,
            form=form,
            products=product_list(follow_up.graduation.cohort.program).products,
            own=not staff,
            unusual=unusual,
            refusal=None,
            existing=None,
        )

    if request.method == "GET":
        fill_from(form, follow_up)
        return page()
    if not form.validate_on_submit():
        return page()
    remove = form.remove_evidence.data if "remove_evidence" in form else []
    try:
        services.update_follow_up(
            follow_up, current_user, form.values(), form.uploads(), remove, verify=staff and form.verified.data
        )
    except services.UnusualIncome:
        db.session.rollback()
        return page(unusual=True)
    except services.FollowUpRefused as refused:
        db.session.rollback()
        target = refused.field if refused.field in form else "notes"
        form[target].errors.append(refused.message)
        return page()
    db.session.commit()
    flash(_("Follow-up saved."))
    return redirect(url_for(".follow_up", follow_up_id=follow_up.id))


@bp.route("/follow-ups/<int:follow_up_id>/verify", methods=["POST"])
@roles_required(*STAFF_ROLES)
def verify_follow_up(follow_up_id: int):
    follow_up = load_follow_up(follow_up_id)
    require(can_verify_follow_up(current_user, follow_up.learner))
    if ActionForm().validate_on_submit():
        services.verify_follow_up(follow_up, current_user)
        db.session.commit()
        flash(_("Marked as verified: the figures were checked against evidence."))
    else:
        flash(_("The form had expired. Please try again."), "error")
    return redirect(url_for(".follow_up", follow_up_id=follow_up.id))


@bp.route("/follow-ups/<int:follow_up_id>/delete", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def delete_follow_up(follow_up_id: int):
    follow_up = load_follow_up(follow_up_id)
    require(can_delete_follow_up(current_user))
    if ActionForm().validate_on_submit():
        learner_id = follow_up.learner_id
        services.delete_follow_up(follow_up, current_user)
        db.session.commit()
        flash(_("Follow-up deleted."))
        return redirect(url_for(".learner_follow_ups", learner_id=learner_id))
    return render_template("outcomes/follow_ups/delete.html", follow_up=follow_up, money=money_of(follow_up.learner))
