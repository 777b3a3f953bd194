"""A course offered in several languages is one course: each learner takes one copy of it.

The copy she takes is the one she has finished most lessons of; before she starts, the one in her language;
else the original. Graduation, progress, due dates and the cohort grid count only that copy (``taken_copy``),
as the catalogue shows it (``lessons.in_her_language``).
"""

import functools

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.core.extensions import db
from lms.courses.cohort_lessons import join_cohort_lessons
from lms.courses.models import CohortCourse, Course, Lesson, Module
from lms.learning.models.completion import Completion


def course_family(course=Course):
    """The id all copies of a course share: the original's."""
    return func.coalesce(course.translation_of_id, course.id)


@functools.lru_cache(maxsize=512)
def taken_copy(cohort_column, learner_column):
    """True where ``Course`` (offered to the cohort in ``cohort_column``) is the copy the learner takes of it.

    No other copy offered to the cohort ranks before it: by lessons she finished, then her language, then the
    original, then the id. (SQLite cannot order a subquery by a column two queries out: hence a comparison.)
    Built once per pair of columns (or learner id): an expression can serve many statements, and building
    this one costs more than running it.
    """
    copy, offer = aliased(Course), aliased(CohortCourse)
    her_language = select(User.locale).where(User.id == learner_column).correlate_except(User).scalar_subquery()

    def score(course):
        lesson, module = aliased(Lesson), aliased(Module)
        finished = (
            select(func.count(Completion.id))
            .join(lesson, and_(lesson.id == Completion.lesson_id, lesson.published.is_(True)))
            .join(module, module.id == lesson.module_id)
            .where(module.course_id == course.id, Completion.learner_id == learner_column)
            .correlate_except(Completion, lesson, module)
            .scalar_subquery()
        )
        # Lessons finished outweigh the rest: her language (2) and being the original (1) only break ties.
        return (
            finished * 4
            + case((course.language == her_language, 2), else_=0)
            + case((course.translation_of_id.is_(None), 1), else_=0)
        )

    ours, theirs = score(Course), score(copy)
    better = (
        select(copy.id)
        .join(offer, and_(offer.course_id == copy.id, offer.cohort_id == cohort_column))
        .where(
            course_family(copy) == course_family(Course),
            copy.id != Course.id,
            copy.published.is_(True),
            or_(theirs > ours, and_(theirs == ours, copy.id < Course.id)),
        )
        .correlate_except(copy, offer)
    )
    return ~exists(better)


def join_taken_lessons(query: Select, cohort_column, learner_column, required_only: bool = False) -> Select:
    """``join_cohort_lessons``, keeping of each course only the copy the learner in ``learner_column`` takes."""
    return join_cohort_lessons(query, cohort_column, required_only).where(taken_copy(cohort_column, learner_column))


def other_copies(course: Course) -> list[Course]:
    """The published copies of ``course`` in other languages, in one query."""
    return list(
        db.session.scalars(
            select(Course)
            .where(course_family() == (course.translation_of_id or course.id), Course.id != course.id)
            .where(Course.published.is_(True))
            .order_by(Course.language)
        )
    )
