"""In-app notifications: made by the cohorts' events, worded when shown, counted in the header."""

from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import func, select

from lms.cohorts import signals
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.learning import signals as learning_signals
from lms.learning.models.submission import Review, ReviewDecision, Submission, SubmissionVersion
from lms.notifications.models import Notification, NotificationKind, OutboxEmail
from lms.notifications.services import notification_text, notify
from tests.factories import MentorFactory, UserFactory


def notifications_of(user) -> list[Notification]:
    return list(
        db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def emails_to(address) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address)))


def make_submission(world, learner=None, cohort=None) -> tuple[Submission, SubmissionVersion]:
    learner = learner or world.learner_a
    submission = Submission(
        lesson_id=world.courses_a.assignment.id, learner_id=learner.id, cohort_id=(cohort or world.cohort_a).id
    )
    version = SubmissionVersion(submission=submission, number=1, text="My tea, filmed by the window.")
    db.session.add_all([submission, version])
    db.session.commit()
    return submission, version


def test_each_kind_is_worded_from_its_params_when_shown(app):
    cases = {
        NotificationKind.FEEDBACK_RECEIVED: ({"lesson": "Film your tea"}, "Feedback received on “Film your tea”"),
        NotificationKind.REVISION_REQUESTED: (
            {"lesson": "Film your tea", "mentor": "周老师"},
            "read the feedback from 周老师",
        ),
        NotificationKind.SUBMISSION_TO_REVIEW: (
            {"learner": "江金春", "lesson": "Price list"},
            "Work to review: 江金春, “Price list”",
        ),
        NotificationKind.INVITE_ACCEPTED: ({"learner": "江金春", "cohort": "Cohort A"}, "江金春 joined Cohort A."),
        NotificationKind.FOLLOW_UP_DUE: ({"months": 6}, "Your 6-month follow-up is due"),
        NotificationKind.FOLLOW_UP_OVERDUE: ({"months": 6}, "Your 6-month follow-up is still missing"),
    }
    for kind, (params, expected) in cases.items():
        assert expected in notification_text(Notification(kind=kind, params=params))
    graduation = Notification(kind=NotificationKind.FOLLOW_UP_DUE, params={"months": 0})
    assert "graduation follow-up" in notification_text(graduation)
    # Old rows with missing params, or a kind this version does not know, still read as a sentence.
    assert notification_text(Notification(kind=NotificationKind.INVITE_ACCEPTED, params={})) == " joined ."
    assert notification_text(Notification(kind="something_new", params={})) == "You have a new notification."


def test_the_words_follow_the_readers_language_not_the_writers(app, world):
    notification = notify(world.mentor_a, NotificationKind.INVITE_ACCEPTED, "/", learner="江金春", cohort="A")
    with force_locale("zh_Hans"):
        chinese = notification_text(notification)
    with force_locale("en"):
        english = notification_text(notification)
    assert "江金春" in chinese
    assert "江金春" in english
    assert notification.params == {"learner": "江金春", "cohort": "A"}  # what is stored: no words, only names


def test_invite_accepted_tells_the_cohorts_mentors(world):
    second = MentorFactory()
    world.cohort_a.mentors.append(second)
    db.session.commit()
    signals.invite_accepted.send(world.learner_a, cohort=world.cohort_a)
    db.session.commit()
    for mentor in (world.mentor_a, second):
        [notification] = notifications_of(mentor)
        assert notification.kind == NotificationKind.INVITE_ACCEPTED
        assert notification.link == f"/cohorts/{world.cohort_a.id}"
        assert len(emails_to(mentor.email)) == 1
    assert notifications_of(world.mentor_b) == []


def test_a_submission_goes_to_the_paired_mentor_or_else_to_every_mentor_of_the_cohort(world):
    second = MentorFactory()
    world.cohort_a.mentors.append(second)
    db.session.commit()
    submission, version = make_submission(world)
    learning_signals.submission_submitted.send(world.learner_a, submission=submission, version=version)
    assert [len(notifications_of(m)) for m in (world.mentor_a, second, world.mentor_b)] == [1, 1, 0]
    assert "Work to review" in notification_text(notifications_of(second)[0])

    world.cohort_a.enrollments[0].mentor_id = second.id
    db.session.commit()
    learning_signals.submission_submitted.send(world.learner_a, submission=submission, version=version)
    assert [len(notifications_of(m)) for m in (world.mentor_a, second)] == [1, 2]


def test_a_review_tells_the_learner_and_emails_only_those_with_an_address(world):
    submission, version = make_submission(world)
    review = Review(submission=submission, version=version, mentor_id=world.mentor_a.id, decision="revision_requested")
    db.session.add(review)
    db.session.commit()
    learning_signals.submission_reviewed.send(world.mentor_a, submission=submission, review=review)
    db.session.commit()
    [notification] = notifications_of(world.learner_a)
    assert notification.kind == NotificationKind.REVISION_REQUESTED
    assert notification.link == f"/lessons/{world.courses_a.assignment.id}/submission"
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0  # the learner has no email

    world.learner_a.email = "jiang@example.org"
    review.decision = ReviewDecision.ACCEPTED
    db.session.commit()
    learning_signals.submission_reviewed.send(world.mentor_a, submission=submission, review=review)
    db.session.commit()
    assert notifications_of(world.learner_a)[-1].kind == NotificationKind.FEEDBACK_RECEIVED
    [email] = emails_to("jiang@example.org")
    assert "Feedback received on “Course A: assignment”" in email.subject
    # Sent outside a request, as from a command or a queued job: the link is whole all the same.
    assert f"http://localhost/lessons/{world.courses_a.assignment.id}/submission" in email.body


def test_an_email_queued_during_a_request_links_to_the_base_url_not_the_requests_host(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_BASE_URL", "https://school.example.org")
    world.mentor_a.email = "mentor-a@example.org"
    db.session.commit()
    with app.test_request_context("/", base_url="https://lms-login.evil.example"):
        notify(world.mentor_a, NotificationKind.INVITE_ACCEPTED, "/cohorts/1", learner="江", cohort="A")
    [email] = emails_to("mentor-a@example.org")
    assert "https://school.example.org/cohorts/1" in email.body
    assert "evil" not in email.body
    assert email.subject == "江 joined A."


def test_the_header_shows_the_unread_count_with_one_query_whatever_the_number(client, auth, world, count_queries):
    auth.login(world.learner_a)
    assert "unread" not in client.get("/courses").text
    with count_queries() as none_yet:
        client.get("/courses")
    for number in range(30):
        notify(world.learner_a, NotificationKind.FEEDBACK_RECEIVED, "/", lesson=f"Lesson {number}")
    db.session.commit()
    with count_queries() as many:
        page = client.get("/courses").text
    assert '30<span class="visually-hidden"> unread</span>' in page
    assert len(many) == len(none_yet)
    assert len([sql for sql in many if "notifications" in sql]) == 1


def test_notifications_page_lists_newest_first_in_pages_and_marks_the_unread(client, auth, world):
    start = utcnow() - timedelta(days=1)
    for number in range(25):
        notification = notify(world.learner_a, NotificationKind.FEEDBACK_RECEIVED, "/", lesson=f"Lesson {number:02d}")
        notification.created_at = start + timedelta(minutes=number)
        notification.read_at = start if number < 3 else None
    notify(world.learner_b, NotificationKind.FEEDBACK_RECEIVED, "/", lesson="Somebody else's")
    db.session.commit()
    auth.login(world.learner_a)
    first = client.get("/notifications").text
    assert first.index("Lesson 24") < first.index("Lesson 23")
    assert "Lesson 04" not in first
    assert "Somebody else" not in first
    assert first.count(">New<") == 20
    second = client.get("/notifications?page=2").text
    assert "Lesson 04" in second
    assert "Lesson 00" in second
    assert second.count(">New<") == 2
    assert client.get("/notifications?page=99").status_code == 200


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, auth, world):
    mine = notify(world.learner_a, NotificationKind.FEEDBACK_RECEIVED, "/lessons/5", lesson="x")
    outside = notify(world.learner_a, NotificationKind.FEEDBACK_RECEIVED, "https://evil.example/", lesson="y")
    theirs = notify(world.learner_b, NotificationKind.FEEDBACK_RECEIVED, "/", lesson="z")
    db.session.commit()
    auth.login(world.learner_a)
    response = client.post(f"/notifications/{mine.id}/open")
    assert response.headers["Location"] == "/lessons/5"
    assert db.session.get(Notification, mine.id).read_at is not None
    assert client.post(f"/notifications/{outside.id}/open").headers["Location"] == "/notifications"
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_read_all_marks_only_ones_own(client, auth, world):
    for _ in range(3):
        notify(world.learner_a, NotificationKind.FEEDBACK_RECEIVED, "/", lesson="x")
    theirs = notify(world.learner_b, NotificationKind.FEEDBACK_RECEIVED, "/", lesson="z")
    db.session.commit()
    auth.login(world.learner_a)
    assert client.post("/notifications/read-all").headers["Location"] == "/notifications"
    response = client.get("/notifications")
    assert "All notifications marked as read." in response.text
    assert all(n.read_at is not None for n in notifications_of(world.learner_a))
    assert db.session.get(Notification, theirs.id).read_at is None
    assert "unread" not in response.text


def test_inactive_people_get_no_email(world):
    person = UserFactory(email="gone@example.org", active=False)
    notify(person, NotificationKind.FEEDBACK_RECEIVED, "/", lesson="x")
    assert emails_to("gone@example.org") == []
