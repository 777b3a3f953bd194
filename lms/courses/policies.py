"""Who may see and change courses and lessons.

A lead writes, offers and sees the courses of the programs she leads (``can_manage_course``, built on the one lead
rule, ``cohorts.policies.leads_program``); an admin every program's. Lists filter the same way in SQL
(``managed_course_filter``).
"""

from sqlalchemy import select, true

from lms.accounts.models import User
from lms.cohorts.models import Enrollment, EnrollmentStatus, cohort_mentors
from lms.cohorts.policies import leads_program, managed_program_ids
from lms.core.extensions import db
from lms.core.security import is_mentor, is_program_manager
from lms.courses.models import CohortCourse, Course, Lesson


def can_manage_courses(user: User) -> bool:
    """Leads and admins write and publish courses (a lead, those of the programs she leads)."""
    return is_program_manager(user)


def can_manage_course(user: User, course: Course) -> bool:
    """Admins, and the leads of its program, see, edit, publish, copy and offer a course and its files."""
    return can_manage_courses(user) and leads_program(user, course.program_id)


def managed_course_filter(user: User):
    """A where clause for the courses this person may author (every course for an admin, none for a mentor)."""
    programs = managed_program_ids(user)
    return true() if programs is None else Course.program_id.in_(programs)


def offered_course_ids(user: User):
    """A select of the ids of the courses offered to this person's cohorts (as mentor, or as learner now)."""
    if is_mentor(user):
        cohorts = select(cohort_mentors.c.cohort_id).where(cohort_mentors.c.mentor_id == user.id)
    else:
        # Learners who moved or withdrew no longer see the old cohort's courses.
        cohorts = select(Enrollment.cohort_id).where(
            Enrollment.learner_id == user.id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
    return select(CohortCourse.course_id).where(CohortCourse.cohort_id.in_(cohorts))


def can_view_course(user: User, course: Course) -> bool:
    """Those who manage it see a course in any state; others only published courses offered to their cohorts."""
    if can_manage_courses(user):
        return can_manage_course(user, course)
    if not course.published:
        return False
    offered = db.session.scalar(offered_course_ids(user).where(CohortCourse.course_id == course.id).limit(1))
    return offered is not None


def can_view_lesson(user: User, lesson: Lesson) -> bool:
    """A lesson is seen by those who see its course, and by learners only once published."""
    course = lesson.module.course
    if can_manage_courses(user):
        return can_manage_course(user, course)
    return lesson.published and can_view_course(user, course)
