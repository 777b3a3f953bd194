"""A cohort's courses, offered and withdrawn from the cohort's side (the course page does it from the other)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.cohorts import bp as cohorts_bp
from lms.cohorts.models import Cohort
from lms.cohorts.policies import can_manage_cohort
from lms.core.extensions import db
from lms.core.security import MANAGER_ROLES, require, roles_required
from lms.courses.forms import CohortOfferForm
from lms.courses.services import offers as offer_services
from lms.courses.views.common import perform


def offers_page(cohort: Cohort, form: CohortOfferForm, courses, status: int = 200):
    return render_template("courses/manage/cohort_courses.html", cohort=cohort, form=form, courses=courses), status


@cohorts_bp.route("/cohorts/<int:cohort_id>/courses", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def cohort_courses(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(can_manage_cohort(current_user, cohort), 404)
    courses = offer_services.program_courses(cohort)
    offers = offer_services.cohort_offers(cohort)
    form = CohortOfferForm(courses, offered=list(offers), required=[key for key, value in offers.items() if value])
    if not form.is_submitted():
        return offers_page(cohort, form, courses)
    if not form.validate():
        flash(_("Choose courses from the list."), "error")
        return offers_page(cohort, form, courses, 400)
    chosen = form.offers()
    message = ngettext(
        "Saved: %(num)d course is offered to this cohort.",
        "Saved: %(num)d courses are offered to this cohort.",
        len(chosen),
    )
    back = redirect(url_for("cohorts.detail", cohort_id=cohort.id, _anchor="courses"))
    return perform(lambda: offer_services.offer_to_cohort(cohort, chosen), back, message, form)
