"""The mentor's home: pending reviews, learners at risk, check-ins due, for the cohorts a person looks after."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager

from lms.accounts.models import User
from lms.cohorts.models import CheckIn, Cohort, Enrollment, EnrollmentStatus, cohort_mentors
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.roles import Role
from lms.learning.models import Submission, SubmissionState
from lms.progress.cohort_services import at_risk, risk_query

AT_RISK_SHOWN = 20
CHECK_INS_SHOWN = 50
UPCOMING_DAYS = 7


def home_cohorts(user: User):
    """A select of the cohorts on this person's home: a mentor's own, or every cohort for leads and admins."""
    query = select(Cohort).order_by(Cohort.name, Cohort.id)
    if user.role == Role.MENTOR:
        query = query.join(cohort_mentors, cohort_mentors.c.cohort_id == Cohort.id).where(
            cohort_mentors.c.mentor_id == user.id
        )
    return query


@dataclass(frozen=True)
class QueueSummary:
    cohort: Cohort
    pending: int
    oldest: datetime | None


def review_summary(cohorts: list[Cohort]) -> list[QueueSummary]:
    """Per cohort: submissions waiting for review (submitted or in review) and the oldest wait, in one query."""
    if not cohorts:
        return []
    query = (
        select(Submission.cohort_id, func.count(Submission.id), func.min(Submission.last_submitted_at))
        .where(
            Submission.cohort_id.in_([cohort.id for cohort in cohorts]),
            Submission.state.in_([SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW]),
        )
        .group_by(Submission.cohort_id)
    )
    found = {cohort_id: (count, oldest) for cohort_id, count, oldest in db.session.execute(query)}
    return [QueueSummary(cohort, *found.get(cohort.id, (0, None))) for cohort in cohorts]


@dataclass(frozen=True)
class AtRisk:
    learner: User
    cohort: Cohort
    last_activity: datetime | None


def at_risk_learners(cohorts: list[Cohort], days: int, limit: int = AT_RISK_SHOWN) -> tuple[list[AtRisk], int]:
    """The learners at risk in these cohorts: the longest silent ``limit``, and how many in all.

    At risk by the rule of each cohort's at-risk page and the home's counts (``at_risk``): silent for ``days``
    days or with an assignment overdue; active enrolments only, graduates left out.
    """
    if not cohorts:
        return [], 0
    risk = risk_query(cohorts, days, program_today())
    base = (
        select(User, Cohort, risk.c.last_activity)
        .select_from(risk)
        .join(User, User.id == risk.c.learner_id)
        .join(Cohort, Cohort.id == risk.c.cohort_id)
        .where(at_risk(risk))
    )
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.execute(base.order_by(risk.c.silent_since, User.name, User.id).limit(limit)).all()
    return [AtRisk(learner, cohort, when) for learner, cohort, when in rows], total


def due_check_ins(cohorts: list[Cohort], today: date, limit: int = CHECK_INS_SHOWN) -> list[CheckIn]:
    """Each active learner's latest check-in whose next date is within a week or already past, soonest first."""
    if not cohorts:
        return []
    later = aliased(CheckIn)
    superseded = exists().where(
        later.cohort_id == CheckIn.cohort_id,
        later.learner_id == CheckIn.learner_id,
        or_(
            later.happened_on > CheckIn.happened_on,
            and_(later.happened_on == CheckIn.happened_on, later.id > CheckIn.id),
        ),
    )
    query = (
        select(CheckIn)
        .join(CheckIn.learner)
        .join(CheckIn.cohort)
        .join(
            Enrollment,
            and_(Enrollment.cohort_id == CheckIn.cohort_id, Enrollment.learner_id == CheckIn.learner_id),
        )
        .options(contains_eager(CheckIn.learner), contains_eager(CheckIn.cohort))
        .where(
            CheckIn.cohort_id.in_([cohort.id for cohort in cohorts]),
            Enrollment.status == EnrollmentStatus.ACTIVE,
            CheckIn.next_check_in_on.is_not(None),
            CheckIn.next_check_in_on <= today + timedelta(days=UPCOMING_DAYS),
            ~superseded,
        )
        .order_by(CheckIn.next_check_in_on, User.name, CheckIn.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


@dataclass
class MentorHome:
    queue: list[QueueSummary]
    at_risk: list[AtRisk]
    at_risk_total: int
    check_ins: list[CheckIn]
    today: date
    days: int

    @property
    def pending_total(self) -> int:
        return sum(row.pending for row in self.queue)


def mentor_home(user: User, days: int) -> MentorHome:
    """Everything on the mentor's home page, in a fixed number of queries whatever the cohorts' size."""
    cohorts = list(db.session.scalars(home_cohorts(user)))
    today = program_today()
    at_risk, at_risk_total = at_risk_learners(cohorts, days)
    return MentorHome(review_summary(cohorts), at_risk, at_risk_total, due_check_ins(cohorts, today), today, days)
