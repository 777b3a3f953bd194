"""Check-ins with learners, and the mentor's home: pending reviews, learners at risk, check-ins due."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

from lms.auth.models import Role, User
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, cohort_mentors
from lms.cohorts.models.contact import CheckIn
from lms.cohorts.models.submission import Submission, SubmissionState
from lms.cohorts.policies import can_view_cohort, is_mentor_of
from lms.extensions import db
from lms.progress.cohort_services import counted_enrolments, last_activity_by_learner, silent_since_enrolment

AT_RISK_SHOWN = 20
CHECK_INS_SHOWN = 50
UPCOMING_DAYS = 7


def program_today() -> date:
    """Today in the program's time zone, where check-in dates are counted."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


# ---- Who may ----


def can_view_check_ins(user: User, cohort: Cohort) -> bool:
    """The cohort's mentors, leads and admins read a learner's check-ins."""
    return can_view_cohort(user, cohort)


def can_log_check_in(user: User, cohort: Cohort) -> bool:
    """Only a mentor of the cohort logs check-ins with its learners."""
    return is_mentor_of(user, cohort)


def enrollment_of(cohort: Cohort, learner: User) -> Enrollment | None:
    """The learner's enrolment in this cohort, whatever its status (history stays visible)."""
    return db.session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.learner_id == learner.id)
    )


# ---- Check-ins ----


def log_check_in(cohort: Cohort, learner: User, mentor: User, data: dict) -> CheckIn:
    """Record a mentor's check-in with a learner of the cohort."""
    check_in = CheckIn(
        cohort_id=cohort.id,
        learner_id=learner.id,
        mentor_id=mentor.id,
        happened_on=data["happened_on"],
        channel=data["channel"],
        notes=(data.get("notes") or "").strip(),
        next_steps=(data.get("next_steps") or "").strip(),
        next_check_in_on=data.get("next_check_in_on"),
    )
    db.session.add(check_in)
    db.session.flush()
    return check_in


def learner_check_ins(learner: User):
    """A select of the learner's check-ins in every cohort, newest first, with mentor and cohort loaded."""
    return (
        select(CheckIn)
        .where(CheckIn.learner_id == learner.id)
        .options(joinedload(CheckIn.mentor), joinedload(CheckIn.cohort))
        .order_by(CheckIn.happened_on.desc(), CheckIn.id.desc())
    )


# ---- The mentor's home ----


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
    """Active learners of these cohorts silent for ``days`` days: the longest silent ``limit``, and how many in all.

    Silent by the rule of each cohort's at-risk page, about the same people: active enrolments, graduates left out.
    """
    if not cohorts:
        return [], 0
    counted = counted_enrolments([cohort.id for cohort in cohorts])
    last = last_activity_by_learner(select(Enrollment.learner_id).where(counted))
    since = func.coalesce(last.c.last_activity, Enrollment.enrolled_at)
    base = (
        select(User, Cohort, last.c.last_activity)
        .select_from(Enrollment)
        .join(User, User.id == Enrollment.learner_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .outerjoin(last, last.c.learner_id == Enrollment.learner_id)
        .where(counted, silent_since_enrolment(last, days, program_today()))
    )
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.execute(base.order_by(since, User.name, User.id).limit(limit)).all()
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
