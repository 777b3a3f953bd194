"""The home of mentors, leads and admins: their cohorts, reviews waiting, learners at risk, check-ins due."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager

from lms.accounts.models import User
from lms.cohorts.models import CheckIn, Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.services import cohorts_for
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.learning.services.review_queue import PendingCount, pending_counts
from lms.progress.cohort_services import at_risk, at_risk_counts, risk_query

AT_RISK_SHOWN = 20
CHECK_INS_SHOWN = 50
UPCOMING_DAYS = 7


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
class StaffHome:
    """The one home of mentors, leads and admins: their cohorts and what waits for them in each."""

    cohorts: list[tuple[Cohort, int]]
    at_risk_counts: dict[int, int]
    queue: list[PendingCount]
    at_risk: list[AtRisk]
    at_risk_total: int
    check_ins: list[CheckIn]
    today: date
    days: int

    @property
    def pending_total(self) -> int:
        return sum(row.count for row in self.queue)


def staff_home(user: User, days: int) -> StaffHome:
    """Everything on a mentor's, lead's or admin's home, in a fixed number of queries whatever the cohorts' size."""
    cohorts = db.session.execute(cohorts_for(user)).all()
    plain = [cohort for cohort, _count in cohorts]
    today = program_today()
    at_risk, at_risk_total = at_risk_learners(plain, days)
    return StaffHome(
        cohorts=cohorts,
        at_risk_counts=at_risk_counts(plain, days, today),
        queue=pending_counts(user),
        at_risk=at_risk,
        at_risk_total=at_risk_total,
        check_ins=due_check_ins(plain, today),
        today=today,
        days=days,
    )
