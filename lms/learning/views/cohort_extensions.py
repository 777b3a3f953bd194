"""Extensions for a whole cohort, or the learners of it a mentor ticks, for one assignment at a time."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_login import current_user

from lms.cohorts import bp
from lms.cohorts.models import Cohort
from lms.core.extensions import db
from lms.core.security import STAFF_ROLES, require, roles_required
from lms.learning import policies
from lms.learning.forms.submissions import CohortExtensionForm
from lms.learning.services import extensions as services


@bp.route("/cohorts/<int:cohort_id>/extensions", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def cohort_extensions(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_grant_cohort_extensions(current_user, cohort), 404)
    assignments = services.cohort_assignments(cohort)
    learners = services.active_learners(cohort)
    form = CohortExtensionForm(cohort, assignments, learners)
    if form.validate_on_submit():
        lesson = next(lesson for lesson, _title in assignments if lesson.id == form.lesson_id.data)
        count = services.grant_extensions(lesson, form.chosen_ids(), form.due_on.data, current_user)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d learner now has until %(date)s for “%(title)s”.",
                "%(num)d learners now have until %(date)s for “%(title)s”.",
                count,
                date=format_date(form.due_on.data, "long"),
                title=lesson.title,
            )
        )
        return redirect(url_for(".cohort_extensions", cohort_id=cohort.id))
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "cohorts/submissions/cohort_extensions.html", cohort=cohort, form=form, assignments=assignments
    )
    return page, status
