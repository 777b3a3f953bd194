"""Who may see and change what in a cohort.

One mentor rule serves every page: ``mentors_learner_now`` (an active enrolment in a cohort the mentor is
assigned to). A learner who moved to another cohort or withdrew is no longer her old mentor's to see: not her
page, phone, support records, nor any cohort's check-in notes. One lead rule likewise: ``leads_cohort`` and
``leads_learner`` (the programs she leads, ``program_leads``); admins see every program.
"""

from sqlalchemy import Select, false, select

from lms.accounts.models import User
from lms.accounts.policies import register_people_of_lead
from lms.cohorts.models import (
    Announcement,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    announcement_cohorts,
    cohort_mentors,
    program_leads,
)
from lms.core.extensions import db
from lms.core.security import is_admin, is_lead, is_mentor, is_program_manager


def led_program_ids(user: User) -> Select:
    """A select of the ids of the programs this person leads (none unless she is a lead)."""
    return select(program_leads.c.program_id).where(program_leads.c.lead_id == user.id)


def managed_program_ids(user: User) -> Select | None:
    """A select of the ids of the programs this person runs: None for an admin (every program), hers for a lead,
    none for anybody else. Lists filter with it in SQL: the courses, cohorts and figures of her programs only."""
    if is_admin(user):
        return None
    if is_lead(user):
        return led_program_ids(user)
    return select(program_leads.c.program_id).where(false())


def managed_cohort_ids(user: User) -> Select | None:
    """A select of the ids of the cohorts this person runs: None for an admin (every cohort), the cohorts of her
    programs for a lead, none for anybody else."""
    programs = managed_program_ids(user)
    if programs is None:
        return None
    return select(Cohort.id).where(Cohort.program_id.in_(programs))


def viewable_cohort_ids(user: User) -> Select | None:
    """A select of the ids of the cohorts this person sees (``can_view_cohort``, for lists): None for an admin
    (every cohort), her programs' for a lead, her own for a mentor, none for anybody else."""
    if is_mentor(user):
        return select(cohort_mentors.c.cohort_id).where(cohort_mentors.c.mentor_id == user.id)
    return managed_cohort_ids(user)


def managed_learner_ids(user: User) -> Select | None:
    """A select of the ids of the learners who are or were in a cohort this person runs (``leads_learner``):
    None for an admin (every learner)."""
    cohorts = managed_cohort_ids(user)
    if cohorts is None:
        return None
    return select(Enrollment.learner_id).where(Enrollment.cohort_id.in_(cohorts))


def leads_program(user: User, program_id: int) -> bool:
    """Does this person run the program with this id (an admin, or a lead of it)?"""
    if is_admin(user):
        return True
    if not is_lead(user):
        return False
    return db.session.scalar(led_program_ids(user).where(program_leads.c.program_id == program_id)) is not None


def leads_cohort(user: User, cohort_id: int) -> bool:
    """Does this person run the cohort with this id (an admin, or a lead of its program)?"""
    if is_admin(user):
        return True
    if not is_lead(user):
        return False
    found = db.session.scalar(managed_cohort_ids(user).where(Cohort.id == cohort_id))
    return found is not None


def leads_learner(user: User, learner: User) -> bool:
    """An admin; or a lead of a program the learner is or was in (a cohort of it): the program keeps her records,
    and its lead answers her data requests, also once she has left."""
    if is_admin(user):
        return True
    if not is_lead(user):
        return False
    found = db.session.scalar(managed_learner_ids(user).where(Enrollment.learner_id == learner.id).limit(1))
    return found is not None


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
    """Leads and admins set up programs and cohorts (a lead, in the programs she leads)."""
    return is_program_manager(user)


def can_manage_cohort(user: User, cohort: Cohort) -> bool:
    """Admins, and leads of the cohort's program, change a cohort's settings, mentors and learners."""
    return leads_program(user, cohort.program_id)


def can_manage_program(user: User, program) -> bool:
    """Admins, and the program's leads, run a program: its product list, follow-up waves, courses."""
    return leads_program(user, program.id)


def can_view_cohort(user: User, cohort: Cohort) -> bool:
    """Admins and the leads of its program see a cohort; mentors only the ones they are assigned to."""
    return can_manage_cohort(user, cohort) or mentors_cohort(user, cohort.id)


def can_view_learner(user: User, learner: User) -> bool:
    """A learner sees herself; a mentor, learners active in a cohort she mentors now; a lead, learners who are or
    were in a program she leads; admins, anyone."""
    return user.id == learner.id or leads_learner(user, learner) or mentors_learner_now(user, learner)


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


def people_of_lead(lead: User) -> Select:
    """A select of the ids of the learners (as ``leads_learner``) and mentors of the cohorts of her programs."""
    cohorts = managed_cohort_ids(lead)
    learners = managed_learner_ids(lead)
    mentors = select(cohort_mentors.c.mentor_id).where(cohort_mentors.c.cohort_id.in_(cohorts))
    return learners.union(mentors)


register_people_of_lead(people_of_lead)


def can_read_announcement(user: User, announcement: Announcement) -> bool:
    """A learner in one of its cohorts now; a mentor of one of them; a lead of one of their programs; admins."""
    if is_admin(user):
        return True
    cohort_ids = select(announcement_cohorts.c.cohort_id).where(
        announcement_cohorts.c.announcement_id == announcement.id
    )
    if is_lead(user):
        query = managed_cohort_ids(user).where(Cohort.id.in_(cohort_ids))
    elif is_mentor(user):
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
