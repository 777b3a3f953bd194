"""A learner opening a lesson again that has not changed for her gets 304 and no body; any change gives a new page."""

from sqlalchemy import select

from lms.core.extensions import db
from lms.courses.models import Course, LessonResource, Option
from lms.learning.models.submission import Submission, SubmissionState
from lms.learning.services.completions import record_completion
from lms.media.models import MediaFile
from lms.notifications.models import NotificationKind
from lms.notifications.services import notify
from tests.factories import EnrollmentFactory


def opened(client, url, etag=None):
    return client.get(url, headers={"If-None-Match": etag} if etag else {})


def still_fresh(client, url, etag) -> bool:
    """True when her copy is still the page (304, no body); else the page comes again with another tag."""
    response = opened(client, url, etag)
    if response.status_code == 304:
        assert response.get_data() == b""
        assert response.headers["ETag"] == etag
        return True
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    return False


def test_an_unchanged_lesson_opened_again_is_not_sent_again(client, auth, world):
    auth.login(world.learner_a)
    url = f"/lessons/{world.courses_a.reading.id}"
    first = opened(client, url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')  # the same page compressed or not
    assert first.headers["Cache-Control"] == "private, no-cache"  # kept by her browser only, asked about each time
    assert opened(client, url).headers["ETag"] == etag
    assert still_fresh(client, url, etag)
    assert still_fresh(client, url, etag)


def test_her_progress_the_lesson_or_the_course_changing_sends_the_page_again(client, auth, world):
    courses = world.courses_a
    auth.login(world.learner_a)
    url = f"/lessons/{courses.reading.id}"

    def current():
        return opened(client, url).headers["ETag"]

    changes = [
        lambda: record_completion(world.learner_a, courses.reading),  # she finished it
        lambda: setattr(courses.reading, "body", "Film in soft light."),  # the lesson was edited
        lambda: setattr(courses.video, "title", "Filming, step by step"),  # the next lesson's title in the pager
        lambda: setattr(courses.module, "title", "Getting started"),  # the outline
        lambda: setattr(courses.course, "sequential", True),  # locks
        lambda: db.session.add(
            Submission(
                lesson_id=courses.assignment.id,
                learner_id=world.learner_a.id,
                cohort_id=world.cohort_a.id,
                state=SubmissionState.SUBMITTED,
            )
        ),  # work handed in: waiting for review
        lambda: notify(world.learner_a, NotificationKind.FEEDBACK_RECEIVED, "/"),  # the header's unread count
    ]
    for number, change in enumerate(changes):
        etag = current()
        change()
        db.session.commit()
        assert not still_fresh(client, url, etag), number
        assert still_fresh(client, url, current()), number


def test_another_learner_or_another_language_gets_her_own_page(client, auth, world):
    url = f"/lessons/{world.courses_a.reading.id}"
    world.learner_a.locale = "zh_Hans"
    db.session.commit()
    auth.login(world.learner_a)
    etag = opened(client, url).headers["ETag"]
    world.learner_a.locale = "en"
    db.session.commit()
    assert not still_fresh(client, url, etag)
    auth.logout()
    classmate = EnrollmentFactory(cohort=world.cohort_a).learner
    db.session.commit()
    auth.login(classmate)
    assert not still_fresh(client, url, etag)


def test_staff_pages_and_pages_with_a_message_are_not_tagged(client, auth, world):
    auth.login(world.mentor_a)
    response = opened(client, f"/lessons/{world.courses_a.reading.id}")
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"
    auth.logout()
    auth.login(world.learner_a)
    with client.session_transaction() as kept:
        kept["_flashes"] = [("message", "Saved.")]
    assert "ETag" not in opened(client, f"/lessons/{world.courses_a.reading.id}").headers


def test_every_change_to_a_courses_content_gives_it_a_new_content_version(world):
    courses = world.courses_a
    stored = MediaFile(kind="resource", path="test/price-list.pdf", content_type="application/pdf", size_bytes=10)
    db.session.add(stored)
    db.session.commit()
    question = courses.quiz.questions[0]
    changes = [
        lambda: setattr(courses.course, "title", "Open your shop"),
        lambda: setattr(courses.module, "summary", "Where to begin"),
        lambda: setattr(courses.draft, "published", True),
        lambda: db.session.add(LessonResource(lesson=courses.reading, media=stored, title="Price list")),
        lambda: setattr(question, "prompt", "Which light flatters tea leaves?"),
        lambda: setattr(db.session.scalar(select(Option).where(Option.question_id == question.id)), "text", "Shade"),
        lambda: setattr(courses.assignment.rubric[0], "points", 7),
        lambda: db.session.delete(courses.draft),
    ]
    for number, change in enumerate(changes):
        before = db.session.get(Course, courses.course.id).content_version
        change()
        db.session.commit()
        assert db.session.get(Course, courses.course.id).content_version != before, number
    # A learner's progress is not content: it leaves the version alone.
    before = courses.course.content_version
    record_completion(world.learner_a, courses.reading)
    db.session.commit()
    assert courses.course.content_version == before
    assert world.courses_b.course.content_version != before
