"""The demo seed's learning progress: graduates who did the course, the others at different points of it."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.certificates.models import Certificate, CertificateKind
from lms.cohorts.models import Cohort, Enrollment
from lms.core.calendar import program_today, program_zone, utcnow
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses.models import Lesson
from lms.learning.models import QuizAnswer, QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.models.submission import (
    Review,
    ReviewDecision,
    ReviewScore,
    Submission,
    SubmissionState,
    SubmissionVersion,
)
from lms.learning.services.review_queue import pending_submissions
from lms.notifications.models import Notification
from lms.outcomes.graduation.services import graduation_status
from lms.outcomes.models import Graduation
from lms.progress.cohort_services import learners_at_risk
from tests.conftest import DEMO_PASSWORD as PASSWORD
from tests.conftest import delete_all_rows, seed_demo

pytestmark = pytest.mark.demo_seeded  # one seed for the module: each test reads it, what it writes is undone
MODELS = (
    Completion,
    QuizAttempt,
    QuizAnswer,
    Submission,
    SubmissionVersion,
    Review,
    ReviewScore,
    Notification,
    Certificate,
)


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in MODELS}


def cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.id)))


def end_of(day) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), program_zone())


def graduates() -> list[tuple[User, Graduation]]:
    return list(db.session.execute(select(User, Graduation).join(Graduation, Graduation.learner_id == User.id)))


def learner_times(learner_id: int) -> list[datetime]:
    """Every moment the learner or their mentor did something about the learner's lessons."""
    queries = [
        select(Completion.completed_at).where(Completion.learner_id == learner_id),
        select(QuizAttempt.submitted_at).where(QuizAttempt.learner_id == learner_id),
        select(SubmissionVersion.submitted_at).join(Submission).where(Submission.learner_id == learner_id),
        select(Review.created_at).join(Submission).where(Submission.learner_id == learner_id),
    ]
    return [moment for query in queries for moment in db.session.scalars(query)]


def test_graduates_meet_their_cohorts_rules_with_work_done_during_the_cohort(app, client):
    for cohort in cohorts():
        rows = graduation_status(cohort)
        graduated = [row for row in rows if row.graduated]
        if cohort.ends_on < program_today():
            assert 0 < len(graduated) < len(rows)
        else:  # the cohort under way: nobody has graduated yet
            assert graduated == []
        assert all(row.meets_rules for row in graduated), [row.learner.name for row in graduated if not row.meets_rules]
        assert not any(row.meets_rules for row in rows if not row.graduated)
    for learner, graduation in graduates():
        times = learner_times(learner.id)
        assert len(times) > 23
        starts = datetime.combine(graduation.cohort.starts_on, time(), program_zone())
        assert all(starts <= moment < end_of(graduation.cohort.ends_on) for moment in times), learner.name
        certificates = {
            certificate.kind: certificate
            for certificate in db.session.scalars(select(Certificate).where(Certificate.learner_id == learner.id))
        }
        # The course certificate dates from the last lesson; the program one from graduation day.
        assert certificates[CertificateKind.COURSE].issued_at == max(
            db.session.scalars(select(Completion.completed_at).where(Completion.learner_id == learner.id))
        )
        program_issued = certificates[CertificateKind.PROGRAM].issued_at.astimezone(program_zone())
        assert program_issued.date() == graduation.graduated_on
        enrolled = db.session.scalar(select(Enrollment.enrolled_at).where(Enrollment.learner_id == learner.id))
        assert enrolled < starts
    lead = db.session.scalar(select(User).where(User.role == Role.LEAD))
    assert [lead] == cohorts()[0].program.leads  # the demo lead leads the demo program, so she sees its cohorts
    client.post("/login", data={"login": lead.email, "password": PASSWORD})
    for cohort in cohorts():
        assert client.get(f"/cohorts/{cohort.id}/graduation").status_code == 200


def test_quizzes_and_reviews_are_recorded_as_the_services_would(app):
    attempts = db.session.scalars(select(QuizAttempt).join(Lesson)).all()
    assert attempts
    for attempt in attempts:
        assert attempt.score_points == sum(answer.points_awarded for answer in attempt.answers)
        assert attempt.score_percent == attempt.score_points * 100 // attempt.max_points
        assert attempt.passed == (attempt.score_percent >= attempt.lesson.pass_mark)
    passed = {(attempt.learner_id, attempt.lesson_id) for attempt in attempts if attempt.passed}
    quiz_completions = {
        (learner_id, lesson_id)
        for learner_id, lesson_id in db.session.execute(
            select(Completion.learner_id, Completion.lesson_id).join(Lesson).where(Lesson.kind == "quiz")
        )
    }
    assert passed == quiz_completions
    assert any(not attempt.passed for attempt in attempts), "someone passes only at the second try"

    submissions = db.session.scalars(select(Submission)).all()
    for submission in submissions:
        versions, reviews = submission.versions, submission.reviews
        assert [version.number for version in versions] == list(range(1, submission.version_count + 1))
        assert submission.first_submitted_at == versions[0].submitted_at
        assert submission.last_submitted_at == versions[-1].submitted_at
        assert submission.row_version == 1 + len(versions) + 2 * len(reviews)
        for review in reviews:
            assert review.mentor_id in {mentor.id for mentor in submission.cohort.mentors}
            assert review.feedback
            assert review.turnaround_seconds == int((review.created_at - review.version.submitted_at).total_seconds())
            assert review.total_points == sum(score.points for score in review.scores)
            if review.decision == ReviewDecision.ACCEPTED:
                criteria = {criterion.id: criterion.points for criterion in submission.lesson.rubric}
                assert {score.criterion_id for score in review.scores} == set(criteria)
                assert all(0 <= score.points <= criteria[score.criterion_id] for score in review.scores)
        if submission.state == SubmissionState.SUBMITTED:
            assert len(reviews) == len(versions) - 1
            assert (submission.decided_at, submission.reviewing_mentor_id) == (None, None)
        else:
            assert len(reviews) == len(versions)
            assert submission.decided_at == reviews[-1].created_at
            assert submission.state == reviews[-1].decision
    assert any(
        submission.version_count == 2 and submission.state == SubmissionState.ACCEPTED for submission in submissions
    ), "some work is accepted after a revision"


def test_the_learners_who_did_not_graduate_are_at_different_points(app, client):
    graduated = {learner.id for learner, _graduation in graduates()}
    others = db.session.scalars(select(User).where(User.role == Role.LEARNER, User.id.not_in(graduated))).all()
    done = {
        learner.id: db.session.scalar(select(func.count()).where(Completion.learner_id == learner.id))
        for learner in others
    }
    assert len(set(done.values())) >= 4
    assert all(0 < count < 23 for count in done.values())
    states = set(db.session.scalars(select(Submission.state).where(Submission.learner_id.in_(done))))
    assert {SubmissionState.SUBMITTED, SubmissionState.REVISION_REQUESTED} <= states

    # Someone stopped a few weeks ago: the cohort's at-risk page names them.
    today = program_today()
    silent = []
    for cohort in cohorts():
        for row in learners_at_risk(cohort, 7):
            if row.learner.id in done and row.last_activity is not None:
                weeks = (today - row.last_activity.astimezone(program_zone()).date()).days / 7
                silent.append((row.learner.name, weeks))
    assert any(2 <= weeks <= 8 for _name, weeks in silent), silent
    # Those who handed in work this week signed in to do it: no at-risk list calls them silent.
    recent = set(
        db.session.scalars(
            select(Submission.learner_id).where(Submission.last_submitted_at > utcnow() - timedelta(days=7))
        )
    )
    assert recent
    silent_ids = {row.learner.id for cohort in cohorts() for row in learners_at_risk(cohort, 7) if row.inactive}
    assert not recent & silent_ids

    # Everything happened before now, and the recent revision request is still unread on the learner's home.
    assert all(moment <= utcnow() for learner in others for moment in learner_times(learner.id))
    revised = db.session.scalar(
        select(Review)
        .join(Submission)
        .where(Review.decision == ReviewDecision.REVISION_REQUESTED, Review.read_by_learner_at.is_(None))
        .order_by(Review.created_at.desc())
        .limit(1)
    )
    assert revised is not None
    assert revised.submission.state == SubmissionState.REVISION_REQUESTED
    learner = revised.submission.learner
    client.post("/login", data={"login": learner.phone.removeprefix("+86"), "password": PASSWORD})
    assert revised.submission.lesson.title in client.get("/").text


def test_each_mentor_has_work_to_review(app, client):
    mentors = db.session.scalars(select(User).where(User.role == Role.MENTOR).order_by(User.email)).all()
    assert len(mentors) == 2
    for mentor in mentors:
        waiting = db.session.execute(pending_submissions(mentor)).all()
        assert waiting, mentor.email
        unread = db.session.scalar(
            select(func.count()).where(Notification.user_id == mentor.id, Notification.read_at.is_(None))
        )
        assert unread >= len(waiting)
    client.post("/login", data={"login": mentors[0].email, "password": PASSWORD})
    queue = client.get("/reviews").text
    waiting = db.session.execute(pending_submissions(mentors[0])).all()
    assert all(submission.learner.name in queue for submission, _version, _extension in waiting)


def fingerprint() -> list[tuple]:
    """What the seed wrote, without the times (they follow the day it runs)."""
    query = (
        select(User.phone, Lesson.title, Submission.state, SubmissionVersion.number, SubmissionVersion.text)
        .join(Submission, Submission.learner_id == User.id)
        .join(Lesson, Lesson.id == Submission.lesson_id)
        .join(SubmissionVersion, SubmissionVersion.submission_id == Submission.id)
        .order_by(User.phone, Lesson.title, SubmissionVersion.number)
    )
    attempts = select(User.phone, Lesson.title, QuizAttempt.number, QuizAttempt.score_points).join(
        QuizAttempt, QuizAttempt.learner_id == User.id
    )
    attempts = attempts.join(Lesson, Lesson.id == QuizAttempt.lesson_id).order_by(User.phone, Lesson.title)
    feedback = select(Review.feedback, Review.total_points).order_by(Review.feedback, Review.total_points)
    return [*db.session.execute(query), *db.session.execute(attempts), *db.session.execute(feedback)]


def test_seeding_twice_adds_nothing_and_a_fresh_seed_is_the_same(app):
    first, written = counts(), fingerprint()
    issued = sorted(db.session.scalars(select(Certificate.issued_at)))
    enrolled = sorted(db.session.scalars(select(Enrollment.enrolled_at)))
    assert first["Completion"] > 14 * 23

    seed_demo(app)
    assert counts() == first
    assert sorted(db.session.scalars(select(Certificate.issued_at))) == issued
    assert sorted(db.session.scalars(select(Enrollment.enrolled_at))) == enrolled

    delete_all_rows()
    seed_demo(app)
    assert counts() == first
    assert fingerprint() == written
