"""Completions: which lessons each learner has finished, recorded once and counted in SQL; where to continue."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from lms.accounts.models import User
from lms.core.db_types import dialect_insert
from lms.core.extensions import db
from lms.courses.models import Course, Lesson, Module, UnlockRule
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Submission, SubmissionState
from lms.learning.services.offline import OfflineAction, action_time
from lms.learning.signals import lesson_completed

# Handed in: the learner has nothing to do on it unless a mentor asks for a revision.
WAITING_FOR_REVIEW = (SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW)
# Handed in, or accepted: nothing is owed on it.
HANDED_IN = (*WAITING_FOR_REVIEW, SubmissionState.ACCEPTED)


def record_completion(learner: User, lesson: Lesson, offline: OfflineAction | None = None) -> bool:
    """Mark a lesson finished for a learner; True when this call recorded it, False if it already was.

    ``offline``: the phone's id and time for a "Mark as done" made offline; the time is kept as when it was done.
    """
    # One INSERT ... ON CONFLICT DO NOTHING: a double click, two open tabs or a phone sending its
    # queue again can neither make a second row nor fail on a unique constraint, however they interleave.
    statement = (
        dialect_insert(Completion)
        .values(
            learner_id=learner.id,
            lesson_id=lesson.id,
            completed_at=action_time(learner, lesson, offline),
            client_id=offline.client_id if offline else None,
        )
        .on_conflict_do_nothing()
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


@dataclass
class LessonStates:
    """One learner's state on a course's lessons: finished, work waiting for review, work ever handed in."""

    done: set[int] = field(default_factory=set)
    waiting: set[int] = field(default_factory=set)
    handed_in: set[int] = field(default_factory=set)
    next_id: int | None = None  # where she continues (``next_lesson_choice``), when asked for


def lesson_states(learner: User, lesson_ids: list[int], continue_in: int | None = None) -> LessonStates:
    """Her completions and hand-ins among ``lesson_ids``, and with ``continue_in`` (a course id) where she
    continues in it: one query."""
    states = LessonStates()
    if not lesson_ids:
        return states
    parts = [
        select(Completion.lesson_id, literal("done")).where(
            Completion.learner_id == learner.id, Completion.lesson_id.in_(lesson_ids)
        ),
        select(Submission.lesson_id, Submission.state).where(
            Submission.learner_id == learner.id, Submission.lesson_id.in_(lesson_ids)
        ),
    ]
    if continue_in is not None:
        parts.append(select(next_lesson_choice(learner, [continue_in]).c.lesson_id, literal("next")))
    for lesson_id, state in db.session.execute(union_all(*parts)):
        if state == "done":
            states.done.add(lesson_id)
        elif state == "next":
            states.next_id = lesson_id
        else:
            states.handed_in.add(lesson_id)
            if state in WAITING_FOR_REVIEW:
                states.waiting.add(lesson_id)
    return states


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


def waiting_for_review(learner_id, lesson_id):
    """True where the learner's work for the lesson is handed in and waits for a mentor."""
    return exists().where(
        Submission.lesson_id == lesson_id,
        Submission.learner_id == learner_id,
        Submission.state.in_(WAITING_FOR_REVIEW),
    )


def handed_in_ever(learner_id, lesson_id):
    """True where the learner has handed in work for the lesson at least once (whatever its state now)."""
    return exists().where(Submission.lesson_id == lesson_id, Submission.learner_id == learner_id)


@functools.lru_cache(maxsize=512)
def locked_for(learner_column):
    """True where the lesson (``Lesson``, its ``Module`` and ``Course`` joined) is locked for the learner.

    The lock rule of ``lessons.apply_sequential_locks`` in SQL: in a sequential course, a module opens once
    every module before it is complete (all its published lessons finished); where the course unlocks on
    submission, an assignment handed in counts as finished for this. Built once per learner column (or id).
    """
    earlier, unfinished, done = aliased(Module), aliased(Lesson), aliased(Completion)
    return and_(
        Course.sequential.is_(True),
        exists().where(
            earlier.course_id == Module.course_id,
            or_(earlier.position < Module.position, and_(earlier.position == Module.position, earlier.id < Module.id)),
            unfinished.module_id == earlier.id,
            unfinished.published.is_(True),
            ~exists().where(done.lesson_id == unfinished.id, done.learner_id == learner_column),
            ~and_(Course.unlock_on == UnlockRule.SUBMISSION, handed_in_ever(learner_column, unfinished.id)),
        ),
    )


def next_lesson_choice(learner: User, course_ids: list[int]):
    """A subquery of (course_id, lesson_id): per course, the first published lesson the learner can do now.

    Lessons finished or handed in and waiting for review are skipped; in a sequential course, so is every
    module still locked (``locked_for``: the same rule as ``apply_sequential_locks`` for the outline).
    The learner's home and the course page both continue from here.
    """
    unfinished = (
        select(
            Lesson.id.label("lesson_id"),
            Module.course_id.label("course_id"),
            Module.position.label("module_position"),
            Module.id.label("module_id"),
            Lesson.position.label("position"),
            case((waiting_for_review(learner.id, Lesson.id), 1), else_=0).label("waiting"),
        )
        .join(Module, Module.id == Lesson.module_id)
        .join(Course, Course.id == Module.course_id)
        .outerjoin(Completion, and_(Completion.lesson_id == Lesson.id, Completion.learner_id == learner.id))
        .where(
            Module.course_id.in_(course_ids),
            Lesson.published.is_(True),
            Completion.id.is_(None),
            ~locked_for(learner.id),
        )
        .subquery()
    )
    order = (unfinished.c.module_position, unfinished.c.module_id, unfinished.c.position, unfinished.c.lesson_id)
    ranked = (
        select(
            unfinished.c.lesson_id,
            unfinished.c.course_id,
            func.row_number().over(partition_by=unfinished.c.course_id, order_by=order).label("place"),
        )
        .where(unfinished.c.waiting == 0)
        .subquery()
    )
    return select(ranked.c.course_id, ranked.c.lesson_id).where(ranked.c.place == 1).subquery()
