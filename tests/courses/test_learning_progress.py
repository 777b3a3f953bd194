"""Completions: recorded once whatever happens, counted in SQL."""

from sqlalchemy import func, select

from lms.core.extensions import db
from lms.learning.models.completion import Completion
from lms.learning.services.completions import completed_lesson_ids, course_progress, record_completion
from tests.factories import LessonFactory, UserFactory


def completions(learner, lesson) -> int:
    query = select(func.count(Completion.id)).where(
        Completion.learner_id == learner.id, Completion.lesson_id == lesson.id
    )
    return db.session.scalar(query)


def test_record_completion_is_true_once_then_false(world):
    lesson = world.courses_a.reading
    assert record_completion(world.learner_a, lesson) is True
    assert record_completion(world.learner_a, lesson) is False
    db.session.commit()
    assert completions(world.learner_a, lesson) == 1


def test_a_completion_already_committed_by_another_request_is_no_error(world):
    lesson = world.courses_a.video
    db.session.add(Completion(learner_id=world.learner_a.id, lesson_id=lesson.id))
    db.session.commit()  # as if a second tab had finished first
    assert record_completion(world.learner_a, lesson) is False
    db.session.commit()
    assert completions(world.learner_a, lesson) == 1


def test_completed_lesson_ids_are_the_learners_own_in_this_course(world):
    record_completion(world.learner_a, world.courses_a.reading)
    record_completion(world.learner_a, world.courses_b.reading)  # another course
    record_completion(world.learner_b, world.courses_a.video)  # another learner
    assert completed_lesson_ids(world.learner_a, world.courses_a.course) == {world.courses_a.reading.id}


def test_course_progress_counts_published_lessons_only(world, count_queries):
    a, b = world.courses_a, world.courses_b
    record_completion(world.learner_a, a.reading)
    record_completion(world.learner_a, a.draft)  # drafts count neither as done nor as to do
    db.session.commit()
    ids = [a.course.id, b.course.id]
    world.learner_a.id  # noqa: B018 - loaded before counting
    with count_queries() as queries:
        progress = course_progress(world.learner_a, ids)
    assert len(queries) == 1
    assert progress == {a.course.id: (1, 4), b.course.id: (0, 4)}


def test_course_progress_of_a_course_without_lessons_is_zero(world):
    empty = LessonFactory(published=False).module.course
    assert course_progress(UserFactory(), [empty.id]) == {empty.id: (0, 0)}
    assert course_progress(UserFactory(), []) == {}
