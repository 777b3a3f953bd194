"""Actions a learner made offline, sent later by her phone with its own id and the time they happened."""

import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.cohorts.models import Enrollment
from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.learning.models import QuizAttempt, SubmissionVersion
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Submission
from lms.media.models import MediaFile
from tests.courses.test_media_samples import png_bytes
from tests.factories import LessonFactory


def count(model, **where) -> int:
    db.session.expire_all()
    query = select(func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(query)


def offline(happened_at=None, client_id=None) -> dict:
    return {"client_id": client_id or str(uuid.uuid4()), "happened_at": (happened_at or utcnow()).isoformat()}


def open_since(course, when) -> None:
    """Back-date when the course and its lessons were first published (the factories publish them now)."""
    course.first_published_at = when
    for module in course.modules:
        for lesson in module.lessons:
            lesson.first_published_at = when


@pytest.fixture
def enrolled_a_month_ago(world):
    enrolment = db.session.scalar(select(Enrollment).where(Enrollment.learner_id == world.learner_a.id))
    enrolment.enrolled_at = utcnow() - timedelta(days=30)
    open_since(world.courses_a.reading.module.course, utcnow() - timedelta(days=60))
    db.session.commit()
    return enrolment.enrolled_at


def right_answer(lesson) -> dict:
    question = lesson.questions[0]
    return {f"question-{question.id}": str(next(option.id for option in question.options if option.correct))}


def test_a_lesson_marked_done_offline_is_kept_once_with_its_time(client, auth, world, enrolled_a_month_ago):
    reading = world.courses_a.reading
    auth.login(world.learner_a)
    when = utcnow() - timedelta(days=2)
    action = offline(when)
    first = client.post(f"/lessons/{reading.id}/done", data=action)
    again = client.post(f"/lessons/{reading.id}/done", data=action)
    assert first.status_code == again.status_code == 302
    assert first.location == again.location
    completion = db.session.scalar(select(Completion).where(Completion.lesson_id == reading.id))
    assert count(Completion, lesson_id=reading.id) == 1
    assert completion.client_id == action["client_id"]
    assert completion.completed_at == when


def test_the_phone_time_is_kept_within_the_offline_window(client, auth, app, world, enrolled_a_month_ago):
    course = world.courses_a.reading.module.course
    auth.login(world.learner_a)
    client.post(f"/lessons/{world.courses_a.reading.id}/done", data=offline(utcnow() + timedelta(days=3)))
    client.post(f"/lessons/{world.courses_a.video.id}/done", data=offline(utcnow() - timedelta(days=400)))
    world.courses_a.quiz.first_published_at = utcnow() - timedelta(hours=2)  # opened after her enrolment
    db.session.commit()
    client.post(f"/lessons/{world.courses_a.quiz.id}/quiz", data=right_answer(world.courses_a.quiz) | offline())
    db.session.expire_all()
    times = dict(db.session.execute(select(Completion.lesson_id, Completion.completed_at)).all())
    assert utcnow() - timedelta(minutes=1) < times[world.courses_a.reading.id] <= utcnow()
    # Never more than the offline window before it arrived, so no due date is dodged by staying offline.
    window = timedelta(hours=app.config["LMS_OFFLINE_WINDOW_HOURS"])
    assert utcnow() - window - timedelta(minutes=1) < times[world.courses_a.video.id] <= utcnow() - window
    assert course.first_published_at < enrolled_a_month_ago < times[world.courses_a.video.id]


def test_the_phone_time_is_never_before_the_lesson_opened_or_her_enrolment(client, auth, app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_OFFLINE_WINDOW_HOURS", 24 * 60)
    reading, video = world.courses_a.reading, world.courses_a.video
    enrolment = db.session.scalar(select(Enrollment).where(Enrollment.learner_id == world.learner_a.id))
    enrolment.enrolled_at = utcnow() - timedelta(days=30)
    open_since(reading.module.course, utcnow() - timedelta(days=60))
    reading.first_published_at = utcnow() - timedelta(days=3)
    db.session.commit()
    auth.login(world.learner_a)
    client.post(f"/lessons/{reading.id}/done", data=offline(utcnow() - timedelta(days=20)))
    client.post(f"/lessons/{video.id}/done", data=offline(utcnow() - timedelta(days=50)))
    db.session.expire_all()
    times = dict(db.session.execute(select(Completion.lesson_id, Completion.completed_at)).all())
    assert times == {reading.id: reading.first_published_at, video.id: enrolment.enrolled_at}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("client_id", "not-a-uuid", "This action from your phone could not be read."),
        ("happened_at", "yesterday", "The time this was done on your phone could not be read."),
        ("happened_at", "2026-11-30T08:00:00", "The time this was done on your phone could not be read."),
    ],
)
def test_an_unreadable_offline_action_is_refused_with_a_message(client, auth, world, field, value, message):
    auth.login(world.learner_a)
    data = offline() | {field: value}
    response = client.post(f"/lessons/{world.courses_a.reading.id}/done", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert count(Completion) == 0


def test_a_quiz_answered_offline_is_graded_once_on_arrival(client, auth, world, enrolled_a_month_ago):
    quiz = world.courses_a.quiz
    auth.login(world.learner_a)
    when = utcnow() - timedelta(hours=5)
    data = right_answer(quiz) | {"number": "1"} | offline(when)
    first = client.post(f"/lessons/{quiz.id}/quiz", data=data)
    again = client.post(f"/lessons/{quiz.id}/quiz", data=data)
    assert first.status_code == again.status_code == 302
    assert first.location == again.location == f"/lessons/{quiz.id}/quiz/attempts/1"
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.lesson_id == quiz.id))
    assert count(QuizAttempt, lesson_id=quiz.id) == 1
    assert (attempt.passed, attempt.submitted_at, attempt.client_id) == (True, when, data["client_id"])
    completion = db.session.scalar(select(Completion).where(Completion.lesson_id == quiz.id))
    assert completion.completed_at == when
    assert "100%" in client.get(first.location).text


def test_a_quiz_answered_offline_after_the_attempts_ran_out_is_refused(client, auth, world):
    quiz = world.courses_a.quiz
    quiz.attempts_allowed = 1
    db.session.commit()
    auth.login(world.learner_a)
    client.post(f"/lessons/{quiz.id}/quiz", data=right_answer(quiz) | {"number": "1"})
    response = client.post(f"/lessons/{quiz.id}/quiz", data=right_answer(quiz) | {"number": "1"} | offline())
    assert response.status_code == 409
    assert "You have used your only attempt at this quiz." in response.text
    assert count(QuizAttempt, lesson_id=quiz.id) == 1


def test_another_learners_offline_id_is_refused(client, auth, world):
    quiz = world.courses_a.quiz
    action = offline()
    auth.login(world.learner_a)
    client.post(f"/lessons/{quiz.id}/quiz", data=right_answer(quiz) | action)
    auth.logout()
    other = world.courses_b.quiz
    auth.login(world.learner_b)
    response = client.post(f"/lessons/{other.id}/quiz", data=right_answer(other) | action)
    assert response.status_code == 409
    assert "This attempt was already recorded." in response.text
    assert count(QuizAttempt) == 1


def test_work_handed_in_offline_makes_one_version_dated_when_it_was_done(client, auth, world, enrolled_a_month_ago):
    lesson = world.courses_a.assignment
    auth.login(world.learner_a)
    when = utcnow() - timedelta(days=1)
    data = {"text": "My stall at the market, photographed in the morning."} | offline(when)
    first = client.post(f"/lessons/{lesson.id}/submission", data=data)
    again = client.post(f"/lessons/{lesson.id}/submission", data=data)
    assert first.status_code == again.status_code == 302
    assert first.location == again.location
    assert count(SubmissionVersion) == 1
    version = db.session.scalar(select(SubmissionVersion))
    assert (version.submitted_at, version.client_id, version.late) == (when, data["client_id"], False)
    submission = db.session.scalar(select(Submission))
    assert submission.first_submitted_at == submission.last_submitted_at == when


def test_work_handed_in_offline_is_late_only_if_it_was_done_after_the_due_date(
    client, auth, world, enrolled_a_month_ago
):
    lesson = world.courses_a.assignment  # due 14 days after the cohort's start: two days ago
    world.cohort_a.starts_on = program_today() - timedelta(days=16)
    db.session.commit()
    auth.login(world.learner_a)
    url = f"/lessons/{lesson.id}/submission"
    client.post(url, data={"text": "Written in the field."} | offline(utcnow() - timedelta(days=4)))
    client.post(url, data={"text": "Written in the field, again."} | offline(utcnow() - timedelta(hours=1)))
    late = db.session.scalars(select(SubmissionVersion.late).order_by(SubmissionVersion.number))
    assert list(late) == [False, True]


@pytest.mark.parametrize("kind", ["reading", "quiz", "assignment"])
def test_an_action_on_a_lesson_unpublished_meanwhile_is_refused(client, auth, world, kind):
    lesson = getattr(world.courses_a, kind)
    auth.login(world.learner_a)
    lesson.published = False
    db.session.commit()
    url, data = {
        "reading": (f"/lessons/{lesson.id}/done", dict),
        "quiz": (f"/lessons/{lesson.id}/quiz", lambda: right_answer(lesson)),
        "assignment": (f"/lessons/{lesson.id}/submission", lambda: {"text": "Written offline."}),
    }[kind]
    response = client.post(url, data=data() | offline())
    assert response.status_code == 409
    assert "This lesson is no longer open, so what you did in it was not recorded." in response.text
    assert count(Completion) == count(QuizAttempt) == count(Submission) == count(SubmissionVersion) == 0


def test_a_draft_never_opened_to_learners_stays_not_found(client, auth, world):
    draft = LessonFactory(module=world.courses_a.reading.module, kind="reading", published=False)
    assignment = LessonFactory(module=world.courses_a.reading.module, kind="assignment", published=False)
    db.session.commit()
    auth.login(world.learner_a)
    assert client.post(f"/lessons/{draft.id}/done", data=offline()).status_code == 404
    assert client.post(f"/lessons/{assignment.id}/submission", data=offline()).status_code == 404
    assert count(Completion) == count(Submission) == 0


def test_a_hand_in_sent_again_stores_no_file_twice(client, auth, world, enrolled_a_month_ago):
    lesson = world.courses_a.assignment
    lesson.accepts = "text,photo"
    db.session.commit()
    auth.login(world.learner_a)
    action = offline(utcnow() - timedelta(hours=3))

    def send():
        data = {"text": "The stall.", "photo": (io.BytesIO(png_bytes()), "stall.png")} | action
        return client.post(f"/lessons/{lesson.id}/submission", data=data, content_type="multipart/form-data")

    assert send().status_code == send().status_code == 302
    assert count(SubmissionVersion) == 1
    assert count(MediaFile, uploaded_by_id=world.learner_a.id) == 1


def test_an_unpublished_lesson_of_another_cohort_stays_not_found(client, auth, world):
    lesson = world.courses_b.reading
    lesson.published = False
    db.session.commit()
    auth.login(world.learner_a)
    assert client.post(f"/lessons/{lesson.id}/done", data=offline()).status_code == 404
    assert client.post(f"/lessons/{world.courses_b.assignment.id}/submission", data=offline()).status_code == 404
