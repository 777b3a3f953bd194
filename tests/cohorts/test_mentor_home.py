"""The mentor's home: reviews waiting per cohort, learners at risk, check-ins due."""

from datetime import timedelta

from lms.cohorts.checkins.services import log_check_in
from lms.cohorts.models import EnrollmentStatus
from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.learning.models import QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Submission, SubmissionState
from lms.outcomes.models import Graduation
from tests.factories import EnrollmentFactory, UserFactory


def learner_in(cohort, name, days_since_enrolment=30, **fields):
    learner = UserFactory(name=name, **fields)
    EnrollmentFactory(cohort=cohort, learner=learner, enrolled_at=utcnow() - timedelta(days=days_since_enrolment))
    return learner


def submit(world, learner, cohort, state=SubmissionState.SUBMITTED, days_ago=1):
    db.session.add(
        Submission(
            lesson_id=world.courses_a.assignment.id,
            learner_id=learner.id,
            cohort_id=cohort.id,
            state=state,
            last_submitted_at=utcnow() - timedelta(days=days_ago),
        )
    )
    db.session.commit()


def test_review_summary_counts_waiting_submissions_per_cohort(client, auth, world, app):
    for number, (state, days_ago) in enumerate(
        [
            (SubmissionState.SUBMITTED, 3),
            (SubmissionState.IN_REVIEW, 9),
            (SubmissionState.SUBMITTED, 1),
            (SubmissionState.ACCEPTED, 20),
            (SubmissionState.REVISION_REQUESTED, 30),
        ]
    ):
        submit(world, learner_in(world.cohort_a, f"A{number}"), world.cohort_a, state, days_ago)
    submit(world, learner_in(world.cohort_b, "B0"), world.cohort_b)
    auth.login(world.mentor_a)
    page = client.get("/").text
    assert "Waiting for review (3)" in page
    assert "3 submissions" in page
    assert "Cohort B" not in page
    oldest = (utcnow() - timedelta(days=9)).date()
    assert f"oldest since {oldest.strftime('%b')}" in page
    assert ('href="/review-queue"' in page or "Open the review queue" in page) == (
        "cohorts.review_queue" in app.view_functions
    )
    auth.logout()
    auth.login(world.lead)
    page = client.get("/").text
    assert "Waiting for review (4)" in page
    assert "Cohort B" in page
    assert "1 submission" in page


def test_learners_silent_too_long_are_listed_as_at_risk(client, auth, world):
    lesson = world.courses_a.reading
    quiz = world.courses_a.quiz
    # world.learner_a joined just now: not at risk yet.
    learner_in(world.cohort_a, "Never active")
    learner_in(world.cohort_a, "Signed in yesterday", last_login_at=utcnow() - timedelta(days=1))
    finished = learner_in(world.cohort_a, "Finished a lesson", last_login_at=utcnow() - timedelta(days=40))
    db.session.add(Completion(learner_id=finished.id, lesson_id=lesson.id, completed_at=utcnow() - timedelta(days=2)))
    quizzed = learner_in(world.cohort_a, "Old quiz only")
    db.session.add(
        QuizAttempt(
            lesson_id=quiz.id,
            learner_id=quizzed.id,
            number=1,
            score_points=1,
            max_points=1,
            score_percent=100,
            passed=True,
            submitted_at=utcnow() - timedelta(days=20),
        )
    )
    withdrawn = learner_in(world.cohort_a, "Withdrawn")
    learner_in(world.cohort_b, "Other cohort")
    db.session.commit()
    for enrollment in world.cohort_a.enrollments:
        if enrollment.learner_id == withdrawn.id:
            enrollment.status = EnrollmentStatus.WITHDRAWN
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get("/").text
    at_risk = page[page.index("Learners at risk") : page.index("Check-ins due")]
    assert "Never active" in at_risk
    assert "Old quiz only" in at_risk
    assert 'class="at-risk-count">2<' in at_risk
    for quiet in ("Signed in yesterday", "Finished a lesson", "Withdrawn", "Other cohort", world.learner_a.name):
        assert quiet not in at_risk, quiet
    # The longest silent first, linked to their check-ins.
    assert at_risk.index("Never active") < at_risk.index("Old quiz only")
    assert f"/cohorts/{world.cohort_a.id}/learners/" in at_risk


def test_graduates_are_not_listed_as_at_risk(client, auth, world):
    graduate = learner_in(world.cohort_a, "Graduated and quiet")
    undone = learner_in(world.cohort_a, "Graduation undone")
    elsewhere = learner_in(world.cohort_a, "Graduated from cohort B")
    day = program_today() - timedelta(days=20)
    db.session.add_all(
        [
            Graduation(learner_id=graduate.id, cohort_id=world.cohort_a.id, graduated_on=day),
            Graduation(learner_id=undone.id, cohort_id=world.cohort_a.id, graduated_on=day, undone_at=utcnow()),
            Graduation(learner_id=elsewhere.id, cohort_id=world.cohort_b.id, graduated_on=day),
        ]
    )
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get("/").text
    at_risk = page[page.index("Learners at risk") : page.index("Check-ins due")]
    assert "Graduated and quiet" not in at_risk
    assert "Graduation undone" in at_risk
    assert "Graduated from cohort B" in at_risk
    assert 'class="at-risk-count">2<' in at_risk


def test_a_cohort_that_has_not_started_has_nobody_at_risk(client, auth, world):
    world.cohort_a.starts_on = program_today() + timedelta(days=3)
    learner_in(world.cohort_a, "Waiting for the start")
    auth.login(world.mentor_a)
    assert "Waiting for the start" not in client.get("/").text


def test_check_ins_due_within_a_week_and_overdue_ones_are_listed(client, auth, world):
    today = program_today()

    def check_in(learner, happened_days_ago, next_in_days):
        next_on = today + timedelta(days=next_in_days) if next_in_days is not None else None
        data = {
            "happened_on": today - timedelta(days=happened_days_ago),
            "channel": "call",
            "next_check_in_on": next_on,
        }
        log_check_in(world.cohort_a, learner, world.mentor_a, data)

    check_in(learner_in(world.cohort_a, "Due in three days"), 4, 3)
    check_in(learner_in(world.cohort_a, "Overdue by two"), 10, -2)
    check_in(learner_in(world.cohort_a, "Due in ten days"), 1, 10)
    done = learner_in(world.cohort_a, "Already called again")
    check_in(done, 10, 1)
    check_in(done, 2, None)  # the later check-in replaces the earlier plan
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get("/").text
    due = page[page.index("Check-ins due") :]
    assert "Due in three days" in due
    assert "Overdue by two" in due
    assert "overdue since" in due
    assert due.index("Overdue by two") < due.index("Due in three days")
    assert "Due in ten days" not in due
    assert "Already called again" not in due
    auth.logout()
    auth.login(world.mentor_b)
    assert "Due in three days" not in client.get("/").text


def fill_cohort(world, size: int, offset: int) -> None:
    today = program_today()
    for number in range(size):
        learner = learner_in(world.cohort_a, f"Learner {offset + number}")
        submit(world, learner, world.cohort_a)
        data = {"happened_on": today - timedelta(days=1), "channel": "visit", "next_check_in_on": today}
        log_check_in(world.cohort_a, learner, world.mentor_a, data)
    db.session.commit()


def test_the_home_page_query_count_does_not_grow_with_the_cohort(client, auth, world, count_queries):
    auth.login(world.mentor_a)
    fill_cohort(world, 2, 0)
    with count_queries() as small:
        page = client.get("/").text
    assert "Waiting for review (2)" in page
    fill_cohort(world, 18, 2)
    with count_queries() as large:
        page = client.get("/").text
    assert "Waiting for review (20)" in page
    assert "Learner 19" in page
    assert len(large) == len(small)


def test_there_is_one_home_for_staff_and_the_mentor_home_page_is_gone(client, auth, world):
    auth.login(world.mentor_a)
    page = client.get("/").text
    for card in ("Waiting for review (0)", "Learners at risk", "The cohorts you mentor", "Check-ins due"):
        assert card in page
    assert "Mentor home" not in page
    assert client.get("/mentor").status_code == 404


def test_the_header_counts_the_work_waiting_for_review_in_one_query(client, auth, world, count_queries):
    submit(world, learner_in(world.cohort_a, "A0"), world.cohort_a)
    submit(world, learner_in(world.cohort_a, "A1"), world.cohort_a, SubmissionState.IN_REVIEW)
    submit(world, learner_in(world.cohort_a, "A2"), world.cohort_a, SubmissionState.ACCEPTED)
    submit(world, learner_in(world.cohort_b, "B0"), world.cohort_b)
    auth.login(world.mentor_a)
    with count_queries() as two:
        page = client.get("/courses").text
    assert 'Review queue <span class="badge">2<span class="visually-hidden"> waiting for review' in page
    submit(world, learner_in(world.cohort_a, "A3"), world.cohort_a)
    with count_queries() as three:
        assert 'Review queue <span class="badge">3<' in client.get("/courses").text
    assert len(three) == len(two)
    auth.logout()
    auth.login(world.lead)
    assert 'Review queue <span class="badge">4<' in client.get("/courses").text
    auth.logout()
    auth.login(world.learner_a)
    assert "Review queue" not in client.get("/courses").text
