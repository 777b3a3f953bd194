"""Who may fill in, see and manage a learner's outcome records."""

from sqlalchemy import select

from lms.auth.models import Role, User
from lms.cohorts.models import Enrollment, EnrollmentStatus, cohort_mentors
from lms.extensions import db


def can_manage_outcomes(user: User) -> bool:
    """Leads and admins manage outcomes across the program and read the audit log."""
    return user.role in (Role.LEAD, Role.ADMIN)


def mentors_learner_now(user: User, learner: User) -> bool:
    """Is this person a mentor of a cohort the learner is active in now?"""
    if user.role != Role.MENTOR:
        return False
    # Only ACTIVE enrolments count: a learner who moved on is no longer this mentor's to record.
    shared = db.session.scalar(
        select(Enrollment.id)
        .join(cohort_mentors, cohort_mentors.c.cohort_id == Enrollment.cohort_id)
        .where(
            Enrollment.learner_id == learner.id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            cohort_mentors.c.mentor_id == user.id,
        )
        .limit(1)
    )
    return shared is not None


def can_edit_intake(user: User, learner: User) -> bool:
    """The learner themself, a mentor of one of their active cohorts, or a lead/admin."""
    if learner.role != Role.LEARNER:
        return False
    return user.id == learner.id or can_manage_outcomes(user) or mentors_learner_now(user, learner)


def can_view_outcomes(user: User, learner: User) -> bool:
    """The same people who may fill in the intake may read the learner's outcome records."""
    return can_edit_intake(user, learner)
