"""Who may see and change what in a cohort."""

from sqlalchemy import Select, select

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, cohort_mentors
from lms.core.extensions import db
from lms.core.roles import Role


def is_mentor_of(user: User, cohort: Cohort) -> bool:
    """Is this person a mentor assigned to this cohort?"""
    if user.role != Role.MENTOR:
        return False
    found = db.session.scalar(
        select(cohort_mentors.c.mentor_id).where(
            cohort_mentors.c.cohort_id == cohort.id, cohort_mentors.c.mentor_id == user.id
        )
    )
    return found is not None


def is_learner_in(user: User, cohort: Cohort) -> bool:
    """Is this person in this cohort now (an active enrolment, not one they moved or withdrew from)?"""
    found = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.cohort_id == cohort.id,
            Enrollment.learner_id == user.id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
    )
    return found is not None


def can_manage_cohorts(user: User) -> bool:
    """Leads and admins set up programs and cohorts."""
    return user.role in (Role.LEAD, Role.ADMIN)


def can_view_cohort(user: User, cohort: Cohort) -> bool:
    """Leads and admins see every cohort; mentors only the ones they are assigned to."""
    return can_manage_cohorts(user) or is_mentor_of(user, cohort)


def can_view_learner(user: User, learner: User) -> bool:
    """A learner sees themself; a mentor, learners of their cohorts; leads and admins, anyone."""
    if user.id == learner.id or can_manage_cohorts(user):
        return True
    if user.role != Role.MENTOR:
        return False
    shared = db.session.scalar(
        select(Enrollment.id)
        .join(cohort_mentors, cohort_mentors.c.cohort_id == Enrollment.cohort_id)
        .where(Enrollment.learner_id == learner.id, cohort_mentors.c.mentor_id == user.id)
        .limit(1)
    )
    return shared is not None


def active_enrolment_with_mentor(mentor_id, learner_id) -> Select:
    """Select an ACTIVE enrolment of ``learner_id`` (a value or a column) in a cohort ``mentor_id`` mentors."""
    # Only ACTIVE enrolments count: a learner who moved on is no longer this mentor's to record.
    return (
        select(Enrollment.id)
        .join(cohort_mentors, cohort_mentors.c.cohort_id == Enrollment.cohort_id)
        .where(
            Enrollment.learner_id == learner_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            cohort_mentors.c.mentor_id == mentor_id,
        )
    )


def mentors_learner_now(user: User, learner: User) -> bool:
    """Is this person a mentor of a cohort the learner is active in now?"""
    if user.role != Role.MENTOR:
        return False
    return db.session.scalar(active_enrolment_with_mentor(user.id, learner.id).limit(1)) is not None
