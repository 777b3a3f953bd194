"""Completions: which lessons each learner has finished, recorded once and counted in SQL."""

from collections.abc import Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite

from lms.auth.models import User
from lms.courses.models import Course, Lesson, Module
from lms.extensions import db
from lms.progress.models import Completion
from lms.progress.signals import lesson_completed
from lms.timeutil import utcnow

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def record_completion(learner: User, lesson: Lesson) -> bool:
    """Mark a lesson finished for a learner; True when this call recorded it, False if it already was."""
    # One INSERT ... ON CONFLICT DO NOTHING: a double click or two open tabs can neither
    # make a second row nor fail on the unique constraint, however they interleave.
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = (
        insert(Completion)
        .values(learner_id=learner.id, lesson_id=lesson.id, completed_at=utcnow())
        .on_conflict_do_nothing(index_elements=["learner_id", "lesson_id"])
        .returning(Completion.id)  # a row back only when this statement inserted it (rowcount is unreliable)
    )
    recorded = db.session.execute(statement).first() is not None
    if recorded:
        lesson_completed.send(learner, lesson=lesson)
    return recorded


def completed_lesson_ids(learner: User, course: Course) -> set[int]:
    """The ids of the lessons of ``course`` this learner has finished (drafts included)."""
    query = (
        select(Completion.lesson_id)
        .join(Lesson, Lesson.id == Completion.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Completion.learner_id == learner.id, Module.course_id == course.id)
    )
    return set(db.session.scalars(query))


def course_progress(learner: User, course_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """course id → (published lessons finished, published lessons) for one learner, in one query."""
    ids = list(course_ids)
    if not ids:
        return {}
    query = (
        select(Module.course_id, func.count(Completion.id), func.count(Lesson.id))
        .join(Lesson, Lesson.module_id == Module.id)
        .outerjoin(Completion, and_(Completion.lesson_id == Lesson.id, Completion.learner_id == learner.id))
        .where(Module.course_id.in_(ids), Lesson.published.is_(True))
        .group_by(Module.course_id)
    )
    progress = dict.fromkeys(ids, (0, 0))
    progress.update({course_id: (done, total) for course_id, done, total in db.session.execute(query)})
    return progress
