"""Which cohort a learner is in: the one rule every area asks (due dates, submissions, support, currency).

A learner is in the cohorts of her ACTIVE enrolments; when she has several, the latest counts. One who
moved on or withdrew from every cohort still belongs, for reports and money, to the latest she was in.
"""

from sqlalchemy import Select, case, func, select

from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, Program
from lms.core.extensions import db
from lms.core.money import DEFAULT_CURRENCY

LATEST_FIRST = (Enrollment.enrolled_at.desc(), Enrollment.id.desc())
CURRENT_FIRST = (case((Enrollment.status == EnrollmentStatus.ACTIVE, 0), else_=1), *LATEST_FIRST)


def active_enrolments(learner_id) -> Select:
    """A select of the learner's ACTIVE enrolments (the cohorts she is in now), latest first."""
    return (
        select(Enrollment)
        .where(Enrollment.learner_id == learner_id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .order_by(*LATEST_FIRST)
    )


def current_enrolment(learner_id) -> Select:
    """A select of the learner's one current enrolment: her latest active one, else her latest of any status."""
    return select(Enrollment).where(Enrollment.learner_id == learner_id).order_by(*CURRENT_FIRST).limit(1)


def current_enrolments(learner_ids=None) -> Select:
    """A select of (learner_id, cohort_id): each learner's current enrolment by the same rule, for many at once."""
    ranked = select(
        Enrollment.learner_id,
        Enrollment.cohort_id,
        func.row_number().over(partition_by=Enrollment.learner_id, order_by=CURRENT_FIRST).label("place"),
    )
    if learner_ids is not None:
        ranked = ranked.where(Enrollment.learner_id.in_(learner_ids))
    ranked = ranked.subquery()
    return select(ranked.c.learner_id, ranked.c.cohort_id).where(ranked.c.place == 1)


def learner_currency(learner) -> str:
    """The currency of the program of the learner's current cohort (CNY when she is in none)."""
    current = current_enrolment(learner.id).subquery()
    currency = db.session.scalar(
        select(Program.currency)
        .join(Cohort, Cohort.program_id == Program.id)
        .join(current, current.c.cohort_id == Cohort.id)
    )
    return currency or DEFAULT_CURRENCY
