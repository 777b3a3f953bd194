"""Consent and the baseline at intake, and a learner's audit log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.models import User
from lms.core.extensions import db
from lms.core.money import fen_to_yuan_text
from lms.core.roles import Role
from lms.core.security import require, signed_in
from lms.media import storage
from lms.media.models import MediaKind
from lms.outcomes import bp
from lms.outcomes.intake import services as intake
from lms.outcomes.intake.forms import FOR_STAFF as BASELINE_FOR_STAFF
from lms.outcomes.intake.forms import BaselineForm, ConsentForm, PaperConsentForm
from lms.outcomes.policies import can_change_consent, can_edit_intake, can_manage_outcomes
from lms.outcomes.products.services import learner_program, product_list

AUDIT_PER_PAGE = 50


def load_learner(learner_id: int) -> User:
    learner = db.get_or_404(User, learner_id)
    require(learner.role == Role.LEARNER, 404)
    return learner


def load_learner_for_intake(learner_id: int) -> User:
    learner = load_learner(learner_id)
    # Someone else's learner is hidden, as if they did not exist.
    require(can_edit_intake(current_user, learner), 404)
    return learner


# The endpoint is named for the page; the function's own name keeps it apart from the services module.
@bp.route("/learners/<int:learner_id>/intake", methods=["GET", "POST"], endpoint="intake")
@signed_in
def intake_page(learner_id: int):
    learner = load_learner_for_intake(learner_id)
    consent = intake.consent_of(learner)
    on_behalf = current_user.id != learner.id
    if consent is None:
        # The consent comes first: without a decision there is no form to fill.
        if request.method == "POST":
            return redirect(url_for(".intake", learner_id=learner.id))
        form = PaperConsentForm() if on_behalf else ConsentForm()
        return render_template("outcomes/intake/consent.html", learner=learner, on_behalf=on_behalf, form=form)
    baseline = intake.baseline_of(learner)
    form = BaselineForm(obj=baseline)
    if on_behalf:
        form.reword(BASELINE_FOR_STAFF)
    products = product_list(learner_program(learner))
    if products.products:
        form.products.choices = [(product.id, product.name) for product in products.products]
        form.main_products.label.text = _("Other products")
    else:
        del form.products
    if request.method == "GET" and baseline is not None:
        form.monthly_income.data = fen_to_yuan_text(baseline.monthly_income_fen)
        if products.products:
            listed, others = products.split(baseline.main_products)
            form.products.data = [product.id for product in listed]
            form.main_products.data = ", ".join(others)
    if form.validate_on_submit():
        intake.save_baseline(learner, current_user, form.values())
        db.session.commit()
        flash(_("Thank you. The answers are saved."))
        return redirect(url_for(".intake", learner_id=learner.id))
    return render_template(
        "outcomes/intake/baseline.html",
        learner=learner,
        on_behalf=on_behalf,
        consent=consent,
        baseline=baseline,
        form=form,
        consent_form=ConsentForm(),
        can_change_consent=can_change_consent(current_user, learner, has_decision=True),
        can_read_audit=can_manage_outcomes(current_user),
    )


@bp.route("/learners/<int:learner_id>/consent", methods=["POST"])
@signed_in
def set_consent(learner_id: int):
    learner = load_learner_for_intake(learner_id)
    # Her decision is hers: staff who record one taken on paper may not overturn it afterwards.
    require(can_change_consent(current_user, learner, has_decision=intake.consent_of(learner) is not None))
    on_paper = current_user.id != learner.id
    form = PaperConsentForm() if on_paper else ConsentForm()
    if form.validate_on_submit():
        try:
            paper = storage.store_upload(form.paper_form.data, MediaKind.IMAGE, current_user) if on_paper else None
        except storage.UploadRefused as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for(".intake", learner_id=learner.id))
        intake.record_consent(learner, form.agreed, current_user, paper)
        db.session.commit()
        if form.agreed:
            flash(_("Thank you. Your figures may be used in reports, without your name."))
        else:
            flash(_("Understood. Your figures stay out of every report. Your learning is not affected."))
    else:
        flash(
            " ".join(str(error) for error in form.paper_form.errors)
            if on_paper and form.paper_form.errors
            else _("Please choose one of the two buttons."),
            "error",
        )
    return redirect(url_for(".intake", learner_id=learner.id))
