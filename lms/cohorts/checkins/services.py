"""Check-ins with learners, and the mentor's home: pending reviews, learners at risk, check-ins due."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.cohorts.models import CheckIn, Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.policies import (
    active_enrolment_with_mentor,
    can_manage_cohorts,
    leads_cohort,
    managed_cohort_ids,
    mentors_cohort,
)
from lms.core.extensions import db

# ---- Who may ----


def can_view_check_ins(user: User, enrollment: Enrollment) -> bool:
    """Admins and the program's leads read check-ins in any of its cohorts; a mentor of the cohort only while the
    learner is active in it."""
    if can_manage_cohorts(user):
        return leads_cohort(user, enrollment.cohort_id)
    return enrollment.status == EnrollmentStatus.ACTIVE and mentors_cohort(user, enrollment.cohort_id)


def can_log_check_in(user: User, cohort: Cohort) -> bool:
    """Only a mentor of the cohort logs check-ins with its learners."""
    return mentors_cohort(user, cohort.id)


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


def learner_check_ins(learner: User, viewer: User):
    """A select of the learner's check-ins that ``viewer`` may read, newest first, with mentor and cohort loaded.

    The rule of ``can_view_check_ins``, in SQL: leads and admins read every cohort's notes, a mentor only those
    of a cohort she mentors in which the learner is active now (never another cohort's, nor a learner who moved).
    """
    query = (
        select(CheckIn)
        .where(CheckIn.learner_id == learner.id)
        .options(joinedload(CheckIn.mentor), joinedload(CheckIn.cohort))
        .order_by(CheckIn.happened_on.desc(), CheckIn.id.desc())
    )
    if can_manage_cohorts(viewer):
        managed = managed_cohort_ids(viewer)
        if managed is not None:
            query = query.where(CheckIn.cohort_id.in_(managed))
    else:
        mentored_now = active_enrolment_with_mentor(viewer.id, learner.id, column=Enrollment.cohort_id)
        query = query.where(CheckIn.cohort_id.in_(mentored_now))
    return query
