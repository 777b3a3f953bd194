"""Due dates of assignments, in Python and in SQL side by side, so that every page counts them alike.

A learner's date is a mentor's extension when she has one, else her cohort's start plus the lesson's days; it
ends at midnight after it, in the program's time zone. ``assignment_due_on`` says it for one assignment,
``open_assignments`` and ``due_before`` for many at once in the database.
"""

import functools
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, literal, or_, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Enrollment
from lms.core.calendar import end_of_day
from lms.core.extensions import db
from lms.courses.models import CohortCourse, Course, Lesson, LessonKind, Module
from lms.learning.models import Completion, Extension, Submission
from lms.learning.services.completions import HANDED_IN, locked_for
from lms.learning.services.copies import join_taken_lessons


def due_cutoff(due_on: date) -> datetime:
    """The UTC moment a due date ends: midnight after it, in the program's time zone."""
    return end_of_day(due_on)


def assignment_due_on(lesson: Lesson, cohort: Cohort, extension: Extension | None = None) -> date | None:
    """The learner's due date: the extension's, else the cohort's start plus the lesson's days, else none."""
    if extension is not None:
        return extension.due_on
    if cohort.starts_on is None or lesson.due_days is None:
        return None
    return cohort.starts_on + timedelta(days=lesson.due_days)


def find_extension(lesson: Lesson, learner: User) -> Extension | None:
    """The extension a mentor granted this learner for this lesson, if any."""
    return db.session.scalar(
        select(Extension).where(Extension.lesson_id == lesson.id, Extension.learner_id == learner.id)
    )


def learner_due_on(lesson: Lesson, learner: User, cohort: Cohort) -> date | None:
    """When this learner's work for this lesson is due (extensions included)."""
    return assignment_due_on(lesson, cohort, find_extension(lesson, learner))


def is_late(submitted_at: datetime, due_on: date | None) -> bool:
    return due_on is not None and submitted_at >= due_cutoff(due_on)


def days_since_start(cohorts, today: date) -> dict[int, int]:
    """cohort id → days since it started (cohorts without a start date have no due dates)."""
    return {cohort.id: (today - cohort.starts_on).days for cohort in cohorts if cohort.starts_on}


def elapsed_days_sql(cohort_column, elapsed: dict[int, int]):
    # Due dates are start + due_days; comparing due_days with a per-cohort number keeps the
    # date arithmetic out of SQL, where SQLite and PostgreSQL spell it differently.
    if not elapsed:
        return literal(-(10**6))
    return case(elapsed, value=cohort_column, else_=-(10**6))


@functools.lru_cache(maxsize=512)
def started_course(learner_column, course_column):
    """True where the learner has finished any lesson of the course (built once per pair of columns)."""
    # Aliases: the outer queries join Completion, Lesson and Module for the assignment itself.
    done, lesson, module = aliased(Completion), aliased(Lesson), aliased(Module)
    return (
        select(done.id)
        .join(lesson, lesson.id == done.lesson_id)
        .join(module, module.id == lesson.module_id)
        .where(done.learner_id == learner_column, module.course_id == course_column)
        .exists()
    )


def open_assignments(cohorts: list[Cohort], enrolments, include_optional: bool = True):
    """A select of (cohort_id, learner_id, lesson, extension) for the dated assignments active learners still owe.

    Dated: by the cohort's start plus the lesson's days, or by an extension a mentor granted the learner (None
    when there is none; ``assignment_due_on`` gives the date in force).
    Still to do: not complete and not handed in (waiting for review or accepted); a revision asked for is to do.
    Never in a module still locked for the learner (``locked_for``): what she cannot open is not owed yet.
    Required courses' assignments always count; an optional course's only once the learner has started that
    course, and only with ``include_optional`` (the learner's own list, never the staff's "overdue").
    ``enrolments`` says whose (a condition on Enrollment): the read side counts active, not graduated learners.
    """
    learner = Enrollment.learner_id
    wanted = CohortCourse.required.is_(True)
    if include_optional:
        wanted = or_(wanted, started_course(learner, Course.id))
    dated_cohorts = [cohort.id for cohort in cohorts if cohort.starts_on] or [0]
    return (
        join_taken_lessons(
            select(Enrollment.cohort_id, Enrollment.learner_id, Lesson, Extension), Enrollment.cohort_id, learner
        )
        .outerjoin(Completion, and_(Completion.lesson_id == Lesson.id, Completion.learner_id == learner))
        # At most one submission and one extension per learner and lesson (unique constraints): no duplicate rows.
        .outerjoin(Submission, and_(Submission.lesson_id == Lesson.id, Submission.learner_id == learner))
        .outerjoin(Extension, and_(Extension.lesson_id == Lesson.id, Extension.learner_id == learner))
        .where(
            Enrollment.cohort_id.in_([cohort.id for cohort in cohorts]),
            enrolments,
            Lesson.kind == LessonKind.ASSIGNMENT,
            Completion.id.is_(None),
            or_(Submission.id.is_(None), Submission.state.not_in(HANDED_IN)),
            or_(
                Extension.id.is_not(None),
                and_(Lesson.due_days.is_not(None), Enrollment.cohort_id.in_(dated_cohorts)),
            ),
            wanted,
            ~locked_for(learner),
        )
    )


def due_before(cohorts: list[Cohort], day: date):
    """True where an ``open_assignments`` row is due before ``day``: by its extension, else by the cohort's dates."""
    return or_(
        Extension.due_on < day,
        and_(
            Extension.id.is_(None),
            Lesson.due_days < elapsed_days_sql(Enrollment.cohort_id, days_since_start(cohorts, day)),
        ),
    )
