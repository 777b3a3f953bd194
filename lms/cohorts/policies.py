"""Who may see and change what in a cohort.

One mentor rule serves every page: ``mentors_learner_now`` (an active enrolment in a cohort the mentor is
assigned to). A learner who moved to another cohort or withdrew is no longer her old mentor's to see: not her
page, phone, support records, nor any cohort's check-in notes.
"""

from sqlalchemy import Select, select

from lms.accounts.models import User
from lms.cohorts.models import Announcement, Cohort, Enrollment, EnrollmentStatus, announcement_cohorts, cohort_mentors
from lms.core.extensions import db
from lms.core.security import is_mentor, is_program_manager


def mentors_cohort(user: User, cohort_id: int) -> bool:
    """Is this person a mentor assigned to the cohort with this id?"""
    if not is_mentor(user):
        return False
    found = db.session.scalar(
        select(cohort_mentors.c.mentor_id).where(
            cohort_mentors.c.cohort_id == cohort_id, cohort_mentors.c.mentor_id == user.id
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
    return is_program_manager(user)


def can_view_cohort(user: User, cohort: Cohort) -> bool:
    """Leads and admins see every cohort; mentors only the ones they are assigned to."""
    return can_manage_cohorts(user) or mentors_cohort(user, cohort.id)


def can_view_learner(user: User, learner: User) -> bool:
    """A learner sees herself; a mentor, learners active in a cohort she mentors now; leads and admins, anyone."""
    return user.id == learner.id or can_manage_cohorts(user) or mentors_learner_now(user, learner)


def active_enrolment_with_mentor(mentor_id, learner_id, column=Enrollment.id) -> Select:
    """Select an ACTIVE enrolment of ``learner_id`` (a value or a column) in a cohort ``mentor_id`` mentors."""
    # Only ACTIVE enrolments count: a learner who moved on is no longer this mentor's to see or record.
    return (
        select(column)
        .join(cohort_mentors, cohort_mentors.c.cohort_id == Enrollment.cohort_id)
        .where(
            Enrollment.learner_id == learner_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            cohort_mentors.c.mentor_id == mentor_id,
        )
    )


def mentors_learner_now(user: User, learner: User) -> bool:
    """Is this person a mentor of a cohort the learner is active in now?"""
    if not is_mentor(user):
        return False
    return db.session.scalar(active_enrolment_with_mentor(user.id, learner.id).limit(1)) is not None


def can_read_announcement(user: User, announcement: Announcement) -> bool:
    """A learner in one of its cohorts now; a mentor of one of them; leads and admins."""
    if can_manage_cohorts(user):
        return True
    cohort_ids = select(announcement_cohorts.c.cohort_id).where(
        announcement_cohorts.c.announcement_id == announcement.id
    )
    if is_mentor(user):
        query = select(cohort_mentors.c.mentor_id).where(
            cohort_mentors.c.cohort_id.in_(cohort_ids), cohort_mentors.c.mentor_id == user.id
        )
    else:
        query = select(Enrollment.id).where(
            Enrollment.cohort_id.in_(cohort_ids),
            Enrollment.learner_id == user.id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
    return db.session.scalar(query.limit(1)) is not None
