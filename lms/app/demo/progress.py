"""Learning progress for the demo: graduates who did the whole course, and learners still at it.

The rows are written directly, dated over the cohort's weeks: the quiz, submission and review services
stamp everything "now" and notify everyone again. The field values are the ones those services set.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.app.demo.plans import Attempt, Plan, Work, plan_learner
from lms.app.demo.stories import STORIES, Story
from lms.certificates.models import Certificate, CertificateKind
from lms.certificates.services import issue_course_certificate
from lms.cohorts.models import Cohort, Enrollment
from lms.core.calendar import program_zone
from lms.core.extensions import db
from lms.courses.cohort_lessons import join_cohort_lessons
from lms.courses.models import Course, Lesson, Module, Question
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
from lms.learning.services.due_dates import assignment_due_on, is_late
from lms.notifications.models import Notification, NotificationKind
from lms.notifications.services import link_to
from lms.outcomes.models import Graduation

PROGRESS_SEED = 2026


@dataclass
class Existing:
    """The (learner, lesson) pairs that already have completions, quiz attempts or submissions."""

    completions: set[tuple[int, int]]
    attempts: set[tuple[int, int]]
    submissions: set[tuple[int, int]]


def existing_rows(learner_ids: list[int]) -> Existing:
    def pairs(model) -> set[tuple[int, int]]:
        query = select(model.learner_id, model.lesson_id).where(model.learner_id.in_(learner_ids))
        return {(learner_id, lesson_id) for learner_id, lesson_id in db.session.execute(query)}

    return Existing(pairs(Completion), pairs(QuizAttempt), pairs(Submission))


def required_lessons(cohort: Cohort) -> list[Lesson]:
    """The published lessons of the cohort's required courses in course order, with questions and rubrics."""
    query = (
        join_cohort_lessons(select(Lesson).select_from(Cohort), Cohort.id, required_only=True)
        .where(Cohort.id == cohort.id)
        .order_by(Course.id, Module.position, Module.id, Lesson.position, Lesson.id)
        .options(selectinload(Lesson.questions).selectinload(Question.options), selectinload(Lesson.rubric))
    )
    return list(db.session.scalars(query))


def quiz_attempt(lesson: Lesson, learner: User, number: int, attempt: Attempt) -> QuizAttempt:
    """An attempt scored as ``grade_attempt`` scores it."""
    row = QuizAttempt(lesson_id=lesson.id, learner_id=learner.id, number=number, submitted_at=attempt.at)
    for question, correct, chosen, value in attempt.answers:
        points = question.points if correct else 0
        row.answers.append(
            QuizAnswer(question=question, correct=correct, points_awarded=points, numeric_value=value, selected=chosen)
        )
    row.max_points = sum(question.points for question, *_rest in attempt.answers)
    row.score_points = sum(answer.points_awarded for answer in row.answers)
    row.score_percent = row.score_points * 100 // row.max_points if row.max_points else 100
    row.passed = row.score_percent >= lesson.pass_mark
    return row


def submission_row(work: Work, learner: User, cohort: Cohort, mentor: User) -> Submission:
    """The submission with its versions and reviews, in the state submit_work and record_review leave it."""
    due_on = assignment_due_on(work.lesson, cohort)
    last = work.decisions[-1] if len(work.decisions) == len(work.versions) else None
    if last is None:
        state = SubmissionState.SUBMITTED
    else:
        state = SubmissionState.ACCEPTED if last.accepted else SubmissionState.REVISION_REQUESTED
    row = Submission(
        lesson_id=work.lesson.id,
        learner_id=learner.id,
        cohort_id=cohort.id,
        state=state,
        # One bump per version handed in, two per review (opened, then decided).
        row_version=1 + len(work.versions) + 2 * len(work.decisions),
        version_count=len(work.versions),
        first_submitted_at=work.versions[0].at,
        last_submitted_at=work.versions[-1].at,
        review_started_at=last.opened_at if last else None,
        reviewing_mentor_id=mentor.id if last else None,
        decided_at=last.at if last else None,
    )
    for number, version in enumerate(work.versions, start=1):
        row.versions.append(
            SubmissionVersion(
                number=number,
                text=version.text,
                link=version.link,
                submitted_at=version.at,
                late=is_late(version.at, due_on),
            )
        )
    for version, decision in zip(row.versions, work.decisions, strict=False):
        row.reviews.append(
            Review(
                version=version,
                mentor_id=mentor.id,
                decision=ReviewDecision.ACCEPTED if decision.accepted else ReviewDecision.REVISION_REQUESTED,
                feedback=decision.feedback,
                total_points=sum(decision.scores.values()),
                turnaround_seconds=max(int((decision.at - version.submitted_at).total_seconds()), 0),
                created_at=decision.at,
                read_by_learner_at=decision.read_at,
                scores=[
                    ReviewScore(criterion_id=criterion, points=points) for criterion, points in decision.scores.items()
                ],
            )
        )
    return row


def work_notifications(work: Work, learner: User, mentor: User) -> list[Notification]:
    """What the mentor and the learner were told along the way, read when they acted on it."""
    queue, thread = link_to("cohorts.review_queue"), link_to("cohorts.my_submission", lesson_id=work.lesson.id)
    rows = []
    for index, version in enumerate(work.versions):
        decision = work.decisions[index] if index < len(work.decisions) else None
        rows.append(
            Notification(
                user_id=mentor.id,
                kind=str(NotificationKind.SUBMISSION_TO_REVIEW),
                link=queue,
                params={"learner": learner.name, "lesson": work.lesson.title},
                created_at=version.at,
                read_at=decision.opened_at if decision else None,
            )
        )
        if decision is not None:
            kind = NotificationKind.FEEDBACK_RECEIVED if decision.accepted else NotificationKind.REVISION_REQUESTED
            rows.append(
                Notification(
                    user_id=learner.id,
                    kind=str(kind),
                    link=thread,
                    params={"lesson": work.lesson.title, "mentor": mentor.name},
                    created_at=decision.at,
                    read_at=decision.read_at,
                )
            )
    return rows


def write_plan(plan: Plan, learner: User, cohort: Cohort, mentor: User, existing: Existing) -> None:
    """Add the plan's rows, leaving alone every lesson the learner already has something for."""
    for lesson, at in plan.completions:
        if (learner.id, lesson.id) not in existing.completions:
            db.session.add(Completion(learner_id=learner.id, lesson_id=lesson.id, completed_at=at))
    for lesson, attempts in plan.quizzes:
        if (learner.id, lesson.id) not in existing.attempts:
            db.session.add_all(quiz_attempt(lesson, learner, number, each) for number, each in enumerate(attempts, 1))
    for work in plan.works:
        if (learner.id, work.lesson.id) not in existing.submissions:
            db.session.add(submission_row(work, learner, cohort, mentor))
            db.session.add_all(work_notifications(work, learner, mentor))
    # Handing in work and reading feedback needed a sign-in too (the activity columns count sign-ins).
    moments = [at for _lesson, at in plan.completions]
    moments += [version.at for work in plan.works for version in work.versions]
    moments += [decision.read_at for work in plan.works for decision in work.decisions if decision.read_at]
    if moments and (learner.last_login_at is None or learner.last_login_at < max(moments)):
        learner.last_login_at = max(moments)


def local_moment(day: date, hour: int) -> datetime:
    """``hour`` o'clock of ``day`` in the program's time zone, in UTC."""
    return datetime.combine(day, time(hour), program_zone()).astimezone(UTC)


def date_enrolments(cohort: Cohort, learners: list[User], rng: random.Random) -> None:
    """Learners enrolled a few days before their cohort started, not on the day the demo was seeded."""
    enrolments = {
        enrolment.learner_id: enrolment
        for enrolment in db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    }
    for learner in learners:
        enrolled = local_moment(cohort.starts_on - timedelta(days=rng.randint(2, 9)), rng.randint(9, 21))
        enrolment = enrolments.get(learner.id)
        if enrolment is not None and enrolment.enrolled_at > local_moment(cohort.starts_on, 0):
            enrolment.enrolled_at = enrolled


def date_certificates(graduates: list[tuple[User, Graduation]], courses: list[Course]) -> None:
    """Course certificates for the graduates, issued when they finished; program ones on graduation day."""
    for learner, _graduation in graduates:
        for course in courses:
            issue_course_certificate(learner, course)
    ids = [learner.id for learner, _graduation in graduates]
    finished = {
        (learner_id, course_id): at
        for learner_id, course_id, at in db.session.execute(
            select(Completion.learner_id, Module.course_id, func.max(Completion.completed_at))
            .join(Lesson, Lesson.id == Completion.lesson_id)
            .join(Module, Module.id == Lesson.module_id)
            .where(Completion.learner_id.in_(ids))
            .group_by(Completion.learner_id, Module.course_id)
        )
    }
    graduated = {learner.id: graduation.graduated_on for learner, graduation in graduates}
    for certificate in db.session.scalars(select(Certificate).where(Certificate.learner_id.in_(ids))):
        if certificate.kind == CertificateKind.COURSE:
            at = finished.get((certificate.learner_id, certificate.course_id))
        else:
            at = local_moment(graduated[certificate.learner_id], 10)
        if at is not None and certificate.issued_at > at:
            certificate.issued_at = at


def seed_progress(cohorts_learners: list[tuple[Cohort, list[User]]], products: list[list[str]]) -> None:
    """Lessons, quizzes, submissions and reviews of the demo learners, dated over their cohorts; adds nothing twice.

    ``products`` names each learner's product, cohort by cohort, for the texts of their assignments.
    """
    learner_ids = [learner.id for _cohort, learners in cohorts_learners for learner in learners]
    existing = existing_rows(learner_ids)
    graduations = {
        (graduation.learner_id, graduation.cohort_id): graduation
        for graduation in db.session.scalars(
            select(Graduation).where(Graduation.learner_id.in_(learner_ids), Graduation.undone_at.is_(None))
        )
    }
    graduates, courses = [], {}
    for cohort_index, (cohort, learners) in enumerate(cohorts_learners):
        lessons = required_lessons(cohort)
        if not lessons or not cohort.mentors or cohort.starts_on is None or cohort.ends_on is None:
            continue
        mentor = cohort.mentors[0]
        date_enrolments(cohort, learners, random.Random(f"{PROGRESS_SEED}-{cohort_index}"))  # noqa: S311 - demo data
        courses.update({lesson.module.course_id: lesson.module.course for lesson in lessons})
        for learner_index, learner in enumerate(learners):
            # One generator per learner: a change to one learner's story never shifts another's.
            rng = random.Random(f"{PROGRESS_SEED}-{cohort_index}-{learner_index}")  # noqa: S311 - demo data
            graduation = graduations.get((learner.id, cohort.id))
            story = None
            if graduation is None:
                story = STORIES.get((cohort_index, learner_index)) or Story(
                    studied=rng.randint(1, max(len(lessons) // 2, 1))
                )
            else:
                graduates.append((learner, graduation))
            names = {
                "product": products[cohort_index][learner_index],
                "village": learner.village,
                "slug": f"demo-{cohort_index + 1}-{learner_index + 1:02d}",
            }
            write_plan(plan_learner(rng, cohort, lessons, names, story), learner, cohort, mentor, existing)
    db.session.flush()
    date_certificates(graduates, list(courses.values()))
    db.session.flush()
