"""Learners' records on course content, for the authoring pages (registered with lms.courses.records)."""

from sqlalchemy import func, select, union_all

from lms.core.extensions import db
from lms.courses.models import Course, Lesson, Module, Question
from lms.courses.records import RecordQueries, register_record_queries
from lms.learning.models import Completion, QuizAnswer, QuizAttempt, Submission, quiz_answer_options


def lesson_progress(lesson: Lesson) -> tuple[int, int, int]:
    """How many completions, quiz attempts and submissions learners have recorded on a lesson."""
    completions = select(func.count(Completion.id)).where(Completion.lesson_id == lesson.id).scalar_subquery()
    attempts = select(func.count(QuizAttempt.id)).where(QuizAttempt.lesson_id == lesson.id).scalar_subquery()
    submissions = select(func.count(Submission.id)).where(Submission.lesson_id == lesson.id).scalar_subquery()
    return tuple(db.session.execute(select(completions, attempts, submissions)).one())


def lessons_with_progress(lesson_ids: list[int]) -> set[int]:
    """The ids among ``lesson_ids`` that have a completion, a quiz attempt or a submission."""
    if not lesson_ids:
        return set()
    used = union_all(
        select(Completion.lesson_id).where(Completion.lesson_id.in_(lesson_ids)),
        select(QuizAttempt.lesson_id).where(QuizAttempt.lesson_id.in_(lesson_ids)),
        select(Submission.lesson_id).where(Submission.lesson_id.in_(lesson_ids)),
    ).subquery()
    return set(db.session.scalars(select(used.c.lesson_id).distinct()))


def completion_counts(course: Course) -> dict[int, int]:
    """Lesson id → number of learners who finished it, for one course's lessons."""
    rows = db.session.execute(
        select(Completion.lesson_id, func.count(Completion.id))
        .join(Lesson, Lesson.id == Completion.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(Module.course_id == course.id)
        .group_by(Completion.lesson_id)
    )
    return dict(rows.all())


def chosen_option_ids(option_ids: list[int]) -> set[int]:
    """The ids among ``option_ids`` that a learner picked in some attempt."""
    if not option_ids:
        return set()
    return set(
        db.session.scalars(
            select(quiz_answer_options.c.option_id).where(quiz_answer_options.c.option_id.in_(option_ids)).distinct()
        )
    )


def question_answer_count(question: Question) -> int:
    """How many answers learners have given to a question, over all their attempts."""
    return db.session.scalar(select(func.count(QuizAnswer.id)).where(QuizAnswer.question_id == question.id))


register_record_queries(
    RecordQueries(
        lesson_progress=lesson_progress,
        lessons_with_progress=lessons_with_progress,
        completion_counts=completion_counts,
        question_answer_count=question_answer_count,
        chosen_option_ids=chosen_option_ids,
    )
)
