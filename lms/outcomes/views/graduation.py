"""Graduation: who meets the rules, confirming and undoing."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.cohorts.models import Cohort
from lms.cohorts.policies import can_manage_cohort, can_view_cohort, leads_cohort
from lms.core.extensions import db
from lms.core.i18n import enumeration
from lms.core.security import MANAGER_ROLES, STAFF_ROLES, require, roles_required
from lms.outcomes import bp
from lms.outcomes.graduation import services
from lms.outcomes.graduation.forms import ConfirmGraduationForm, UndoGraduationForm
from lms.outcomes.models import Graduation


def load_cohort(cohort_id: int) -> Cohort:
    """The cohort, or 404 for a missing one and for one this person does not work with."""
    cohort = db.get_or_404(Cohort, cohort_id)
    require(can_view_cohort(current_user, cohort), 404)
    return cohort


@bp.route("/cohorts/<int:cohort_id>/graduation")
@roles_required(*STAFF_ROLES)
def graduation(cohort_id: int):
    cohort = load_cohort(cohort_id)
    rows = services.graduation_status(cohort)
    return render_template(
        "outcomes/graduation/cohort.html",
        cohort=cohort,
        rows=rows,
        form=ConfirmGraduationForm(cohort=cohort),
        # Mentors of the cohort see the table but cannot confirm.
        can_confirm=can_manage_cohort(current_user, cohort),
        eligible=sum(1 for row in rows if row.meets_rules and not row.graduated),
    )


@bp.route("/cohorts/<int:cohort_id>/graduation/confirm", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def confirm_graduation(cohort_id: int):
    cohort = load_cohort(cohort_id)
    require(can_manage_cohort(current_user, cohort), 404)
    form = ConfirmGraduationForm(cohort=cohort)
    back = url_for(".graduation", cohort_id=cohort.id)
    if not form.validate_on_submit():
        # The page has only checkboxes and a date: saying what was wrong on it is enough.
        errors = [*form.learner_ids.errors, *form.graduated_on.errors]
        flash(
            " ".join(str(error) for error in errors) or _("The form had expired. Please fill it in and send it again."),
            "error",
        )
        return redirect(back)
    confirmed, refused = services.confirm_graduations(
        cohort, form.learner_ids.data, current_user, form.graduated_on.data
    )
    db.session.commit()
    if confirmed:
        flash(ngettext("%(num)d learner graduated.", "%(num)d learners graduated.", len(confirmed)))
    if refused:
        names = enumeration(learner.name for learner in refused)
        flash(_("Not graduated, the rules are not met yet: %(names)s", names=names), "error")
    if not confirmed and not refused:
        flash(_("Nobody new to graduate: the learners chosen have graduated already or left the cohort."))
    return redirect(back)


@bp.route("/graduations/<int:graduation_id>/undo", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def undo_graduation(graduation_id: int):
    graduation = db.get_or_404(Graduation, graduation_id)
    require(leads_cohort(current_user, graduation.cohort_id), 404)
    back = url_for(".graduation", cohort_id=graduation.cohort_id)
    if graduation.undone_at is not None:
        flash(_("This graduation has been undone already."))
        return redirect(back)
    form = UndoGraduationForm()
    if form.validate_on_submit():
        services.undo_graduation(graduation, current_user, form.reason.data)
        db.session.commit()
        flash(_("Graduation of %(name)s undone; the certificate is revoked.", name=graduation.learner.name))
        return redirect(back)
    return render_template("outcomes/graduation/undo.html", graduation=graduation, form=form)
