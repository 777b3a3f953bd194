"""Offering a course to cohorts: which cohorts of its program take it, and whether it is required."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from lms.accounts.models import User
from lms.cohorts import signals as cohort_signals
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.policies import viewable_cohort_ids
from lms.core.extensions import db
from lms.courses.models import CohortCourse, Course, Lesson, LessonKind, Module
from lms.courses.services.authoring import AuthoringError


def program_cohorts(course: Course) -> list[Cohort]:
    """The cohorts a course may be offered to: those of its program, by name."""
    return list(db.session.scalars(select(Cohort).where(Cohort.program_id == course.program_id).order_by(Cohort.name)))


def course_offers(course: Course) -> dict[int, bool]:
    """Cohort id → required?, for the cohorts this course is offered to."""
    rows = db.session.execute(
        select(CohortCourse.cohort_id, CohortCourse.required).where(CohortCourse.course_id == course.id)
    )
    return dict(rows.all())


def set_offers(allowed: set[int], offers: dict[int, bool], rows: list[CohortCourse], key, new_row) -> None:
    """The one offer rule, from either side: only cohorts and courses of one program; rows added, changed, removed.

    ``offers`` maps the other side's id (``key(row)`` of a row) to required?; ``new_row(id, required)`` makes one.
    """
    if set(offers) - allowed:
        raise AuthoringError(_l("A course can only be offered to cohorts of its own program."))
    existing = {key(row): row for row in rows}
    for other_id, row in existing.items():
        if other_id not in offers:
            db.session.delete(row)
    for other_id, required in offers.items():
        if other_id in existing:
            existing[other_id].required = bool(required)
        else:
            db.session.add(new_row(other_id, bool(required)))
    db.session.flush()


def offer_course(course: Course, offers: dict[int, bool]) -> dict[int, bool]:
    """Offer a course to exactly these cohorts of its program (cohort id → required?)."""
    set_offers(
        {cohort.id for cohort in program_cohorts(course)},
        offers,
        list(db.session.scalars(select(CohortCourse).where(CohortCourse.course_id == course.id))),
        lambda row: row.cohort_id,
        lambda cohort_id, required: CohortCourse(cohort_id=cohort_id, course_id=course.id, required=required),
    )
    return course_offers(course)


def program_courses(cohort: Cohort) -> list[Course]:
    """The courses a cohort may be offered: those of its program, by title."""
    return list(
        db.session.scalars(
            select(Course).where(Course.program_id == cohort.program_id).order_by(Course.title, Course.id)
        )
    )


def cohort_offers(cohort: Cohort) -> dict[int, bool]:
    """Course id → required?, for the courses offered to this cohort."""
    rows = db.session.execute(
        select(CohortCourse.course_id, CohortCourse.required).where(CohortCourse.cohort_id == cohort.id)
    )
    return dict(rows.all())


def offer_to_cohort(cohort: Cohort, offers: dict[int, bool]) -> dict[int, bool]:
    """Offer this cohort exactly these courses of its program (course id → required?); the others are withdrawn."""
    set_offers(
        {course.id for course in program_courses(cohort)},
        offers,
        list(db.session.scalars(select(CohortCourse).where(CohortCourse.cohort_id == cohort.id))),
        lambda row: row.course_id,
        lambda course_id, required: CohortCourse(cohort_id=cohort.id, course_id=course_id, required=required),
    )
    return cohort_offers(cohort)


def cohorts_taking(course: Course, seen_by: User | None = None) -> list[tuple[Cohort, int]]:
    """The cohorts offered this course (those ``seen_by`` sees, when given), each with its active learners, by name
    (one query)."""
    learners = (
        select(Enrollment.cohort_id, func.count(Enrollment.id).label("learners"))
        .where(Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.cohort_id)
        .subquery()
    )
    query = (
        select(Cohort, func.coalesce(learners.c.learners, 0))
        .join(CohortCourse, CohortCourse.cohort_id == Cohort.id)
        .outerjoin(learners, learners.c.cohort_id == Cohort.id)
        .where(CohortCourse.course_id == course.id)
        .order_by(Cohort.name, Cohort.id)
    )
    seen = viewable_cohort_ids(seen_by) if seen_by is not None else None
    if seen is not None:
        query = query.where(Cohort.id.in_(seen))
    return [tuple(row) for row in db.session.execute(query)]


def offered_assignments(cohort: Cohort) -> list[Lesson]:
    """The assignment lessons of the courses offered to this cohort, in course order."""
    return list(
        db.session.scalars(
            select(Lesson)
            .join(Lesson.module)
            .join(Module.course)
            .join(CohortCourse, CohortCourse.course_id == Course.id)
            .where(CohortCourse.cohort_id == cohort.id, Lesson.kind == LessonKind.ASSIGNMENT)
            .options(contains_eager(Lesson.module).contains_eager(Module.course))
            .order_by(Course.title, Module.position, Module.id, Lesson.position, Lesson.id)
        )
    )


def offered_courses(cohort: Cohort) -> list[CohortCourse]:
    """The courses offered to this cohort, with whether each is required, by title."""
    return list(
        db.session.scalars(
            select(CohortCourse)
            .join(CohortCourse.course)
            .options(contains_eager(CohortCourse.course))
            .where(CohortCourse.cohort_id == cohort.id)
            .order_by(Course.title)
        )
    )


# The cohorts area asks for these through its signals: the cohort page and its graduation rules.
cohort_signals.business_plan_choices.connect(offered_assignments)
cohort_signals.offered_courses.connect(offered_courses)
