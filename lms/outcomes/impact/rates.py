"""The impact queries for the graduation rate (learners enrolled and graduated) and the follow-ups' response rate."""

from datetime import date

from sqlalchemy import and_, case, func, literal, select

from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.core.extensions import db
from lms.outcomes.follow_ups.rules import latest_graduation_date_due
from lms.outcomes.impact.selection import (
    CELL,
    Selection,
    cell_key,
    count_where,
    gender_of_baseline,
    graduate_rows,
)
from lms.outcomes.models import Baseline, FollowUp, Graduation, ReportingConsent


def cohort_has_ended(cohort: Cohort, today: date) -> bool:
    """A cohort counts in the graduation rate from its end date; one without an end date is still under way."""
    return cohort.ends_on is not None and cohort.ends_on <= today


def cohort_ended(today: date):
    """``cohort_has_ended`` in SQL, for a query that joins Cohort."""
    return and_(Cohort.ends_on.is_not(None), Cohort.ends_on <= today)


def enrolment_rows(selection: Selection):
    """Learners enrolled and graduated per cell, all and in the cohorts that have ended, counting only learners who
    consented to reporting (not narrowed by graduation dates, channel or verification)."""
    filters = selection.filters
    graduated = Graduation.id.is_not(None)
    ended = cohort_ended(selection.today)
    conditions = [
        Cohort.program_id == selection.program.id,
        Enrollment.status != EnrollmentStatus.MOVED,
    ]
    if filters.cohort_id:
        conditions.append(Enrollment.cohort_id == filters.cohort_id)
    if filters.county:
        conditions.append(Cohort.county == filters.county)
    if filters.poverty is not None:
        conditions.append(Cohort.poverty_county.is_(filters.poverty))
    if filters.gender:
        conditions.append(gender_of_baseline() == filters.gender)
    key = cell_key(selection, Enrollment.cohort_id)
    query = (
        select(
            literal(CELL),
            key,
            func.count(),
            count_where(graduated),
            count_where(ended),
            count_where(and_(ended, graduated)),
        )
        .select_from(Enrollment)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(
            ReportingConsent,
            and_(ReportingConsent.learner_id == Enrollment.learner_id, ReportingConsent.granted.is_(True)),
        )
        .outerjoin(Baseline, Baseline.learner_id == Enrollment.learner_id)
        .outerjoin(
            Graduation,
            and_(
                Graduation.learner_id == Enrollment.learner_id,
                Graduation.cohort_id == Enrollment.cohort_id,
                Graduation.undone_at.is_(None),
            ),
        )
        .where(*conditions)
        .group_by(key)
    )
    return db.session.execute(query).all()


def due_cutoff(today: date, wave: int) -> date:
    """The last graduation date whose ``wave`` is due today; a wave set absurdly far off is due for nobody."""
    try:
        return latest_graduation_date_due(today, wave)
    except (ValueError, OverflowError):
        return date.min


def response_rows(selection: Selection, waves: list[int]):
    """Per cell and wave: follow-ups due, collected among those due, and verified (not narrowed by follow-ups)."""
    if not waves:
        return []
    graduates = graduate_rows(selection, (CELL,), narrow=False, consented_only=True)
    per_graduation = (
        select(
            FollowUp.graduation_id,
            *(func.sum(case((FollowUp.wave_months == wave, 1), else_=0)).label(f"collected_{wave}") for wave in waves),
            *(
                func.sum(
                    case((and_(FollowUp.wave_months == wave, FollowUp.verified_at.is_not(None)), 1), else_=0)
                ).label(f"verified_{wave}")
                for wave in waves
            ),
        )
        .group_by(FollowUp.graduation_id)
        .subquery("collected")
    )
    columns = []
    for wave in waves:
        due = graduates.c.graduated_on <= due_cutoff(selection.today, wave)
        columns += [
            func.sum(case((due, 1), else_=0)),
            func.sum(case((due, func.coalesce(per_graduation.c[f"collected_{wave}"], 0)), else_=0)),
            func.sum(case((due, func.coalesce(per_graduation.c[f"verified_{wave}"], 0)), else_=0)),
        ]
    return db.session.execute(
        select(graduates.c.dimension, graduates.c.group_key, *columns)
        .outerjoin(per_graduation, per_graduation.c.graduation_id == graduates.c.graduation_id)
        .group_by(graduates.c.dimension, graduates.c.group_key)
    ).all()
