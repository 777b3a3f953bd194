"""A learner's page: cohorts, courses, lessons done, quiz attempts, a timeline; history outlives edits."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from lms.core.extensions import db
from lms.learning.models import QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.services.completions import record_completion
from tests.factories import CohortCourseFactory, EnrollmentFactory, LessonFactory, ModuleFactory


def attempt(lesson, learner, number, percent, when):
    return QuizAttempt(
        lesson=lesson,
        learner=learner,
        number=number,
        score_points=percent // 10,
        max_points=10,
        score_percent=percent,
        passed=percent >= 50,
        submitted_at=when,
    )


def test_mentor_sees_lessons_done_and_quiz_attempts_once_per_course(client, auth, world):
    a, learner = world.courses_a, world.learner_a
    db.session.add(Completion(learner=learner, lesson=a.reading, completed_at=datetime(2026, 3, 1, 9, tzinfo=UTC)))
    db.session.add(attempt(a.quiz, learner, 1, 30, datetime(2026, 3, 2, 9, tzinfo=UTC)))
    db.session.add(attempt(a.quiz, learner, 2, 90, datetime(2026, 3, 3, 9, tzinfo=UTC)))
    db.session.add(Completion(learner=learner, lesson=a.quiz, completed_at=datetime(2026, 3, 3, 9, tzinfo=UTC)))
    db.session.commit()
    auth.login(world.mentor_a)
    html = client.get(f"/learners/{learner.id}").get_data(as_text=True)
    assert learner.name in html
    assert "Cohort A" in html
    assert "2 of 4 lessons done" in html
    assert "Required courses: 50% done" in html
    assert f'href="tel:{learner.phone}"' in html
    # One compact view: the course's bar, and what was done in it on demand, newest first, each thing once.
    details = html.split("<details>")[1].split("</details>")[0]
    assert details.index("90%") < details.index("30%") < details.index(f"Finished “{a.reading.title}”")
    assert "3/10" in details
    assert "9/10" in details
    assert html.count(f"Finished “{a.reading.title}”") == 1
    assert "<table>" not in html


def test_a_learner_sees_their_own_page_without_a_call_button(client, auth, world):
    auth.login(world.learner_a)
    html = client.get(f"/learners/{world.learner_a.id}").get_data(as_text=True)
    assert world.learner_a.name in html
    assert "tel:" not in html
    assert client.get(f"/learners/{world.learner_b.id}").status_code == 404


def test_going_back_to_a_finished_lesson_never_unfinishes_it(client, auth, world):
    reading = world.courses_a.reading
    auth.login(world.learner_a)
    assert client.post(f"/lessons/{reading.id}/done").status_code == 302
    first = db.session.scalar(select(Completion.completed_at).where(Completion.lesson_id == reading.id))
    assert client.get(f"/lessons/{reading.id}").status_code == 200
    for _ in range(3):
        assert client.post(f"/lessons/{reading.id}/done").status_code == 302
    rows = db.session.execute(select(Completion.completed_at).where(Completion.lesson_id == reading.id)).all()
    assert [row[0] for row in rows] == [first]


def test_unpublishing_or_editing_a_lesson_keeps_the_learners_history(client, auth, world):
    a, learner = world.courses_a, world.learner_a
    record_completion(learner, a.reading)
    record_completion(learner, a.video)
    db.session.commit()
    a.reading.published = False
    a.video.title = "Filming in daylight, new version"
    a.video.body = "Rewritten."
    db.session.commit()
    count = db.session.scalar(select(func.count(Completion.id)).where(Completion.learner_id == learner.id))
    assert count == 2
    auth.login(world.mentor_a)
    html = client.get(f"/learners/{learner.id}").get_data(as_text=True)
    assert a.reading.title in html
    assert "Unpublished" in html
    assert "Filming in daylight, new version" in html
    assert "1 of 3 lessons done" in html  # the unpublished lesson no longer counts towards the course


def test_learner_page_query_count_does_not_grow(client, auth, world, count_queries):
    url = f"/learners/{world.learner_a.id}"  # read here: reloading the test's learner is not the page's query

    def page_queries():
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    auth.login(world.mentor_a)
    small = page_queries()
    for _ in range(3):
        module = ModuleFactory()
        CohortCourseFactory(cohort=world.cohort_a, course=module.course)
        for _ in range(10):
            lesson = LessonFactory(module=module, kind="quiz")
            record_completion(world.learner_a, lesson)
            db.session.add(attempt(lesson, world.learner_a, 1, 80, datetime(2026, 3, 3, tzinfo=UTC)))
    EnrollmentFactory(cohort=world.cohort_b, learner=world.learner_a)
    db.session.commit()
    assert page_queries() == small
