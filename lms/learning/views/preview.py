"""Preview as a learner: a lead or mentor opens a course and its lessons as a new learner of a chosen cohort sees
them, drawn by the learner pages' own views and rules; nothing is recorded."""

from flask import render_template
from flask_login import current_user

from lms.core.extensions import db
from lms.core.security import STAFF_ROLES, require, roles_required
from lms.core.web import id_arg
from lms.courses import bp, policies
from lms.courses.models import Course, Lesson
from lms.courses.models.content import lesson_with_files
from lms.courses.services import offers
from lms.learning.services import lessons as learning
from lms.learning.services.preview import preview_learner
from lms.learning.views.lessons import locked_response, render_lesson


def chosen_cohort(course: Course):
    """The cohorts this person may preview the course as, and the one the query string chose (or None)."""
    # She previews as a learner of a cohort she sees (chosen in SQL: one query however many cohorts).
    cohorts = [cohort for cohort, _learners in offers.cohorts_taking(course, seen_by=current_user)]
    wanted = id_arg("cohort")
    return cohorts, next((cohort for cohort in cohorts if cohort.id == wanted), None)


def choose_page(course: Course, cohorts, status: int = 200):
    page = render_template("courses/preview_choose.html", course=course, cohorts=cohorts)
    return page, status


@bp.route("/courses/<int:course_id>/preview")
@roles_required(*STAFF_ROLES)
def preview_course(course_id: int):
    course = db.get_or_404(Course, course_id)
    require(policies.can_view_course(current_user, course), 404)
    cohorts, cohort = chosen_cohort(course)
    if cohort is None:
        return choose_page(course, cohorts, 404 if id_arg("cohort") else 200)
    with preview_learner(cohort, current_user) as learner:
        if not policies.can_view_course(learner, course):
            return choose_page(course, cohorts, 409)
        outline = learning.course_outline(course, learner)
        return render_template("courses/course.html", course=course, outline=outline, current_user=learner)


@bp.route("/lessons/<int:lesson_id>/preview")
@roles_required(*STAFF_ROLES)
def preview_lesson(lesson_id: int):
    lesson = db.get_or_404(Lesson, lesson_id, options=lesson_with_files())
    course = lesson.module.course
    require(policies.can_view_course(current_user, course), 404)
    _cohorts, cohort = chosen_cohort(course)
    require(cohort is not None, 404)
    with preview_learner(cohort, current_user) as learner:
        # A draft lesson or course is hidden from learners: from their preview too.
        require(policies.can_view_lesson(learner, lesson), 404)
        page = learning.lesson_page(lesson, learner)
        locked = locked_response(lesson, page, current_user=learner)
        if locked:
            return locked
        page, status = render_lesson(lesson, page, current_user=learner)
        return page, status
