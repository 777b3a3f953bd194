"""Who may see and change courses and lessons."""

from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.models import Enrollment, EnrollmentStatus, cohort_mentors
from lms.core.extensions import db
from lms.core.security import is_mentor, is_program_manager
from lms.courses.models import CohortCourse, Course, Lesson


def can_manage_courses(user: User) -> bool:
    """Leads and admins write and publish courses."""
    return is_program_manager(user)


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
    """Managers see every course; others only published courses offered to their cohorts."""
    if can_manage_courses(user):
        return True
    if not course.published:
        return False
    offered = db.session.scalar(offered_course_ids(user).where(CohortCourse.course_id == course.id).limit(1))
    return offered is not None


def can_view_lesson(user: User, lesson: Lesson) -> bool:
    """A lesson is seen by those who see its course, and by learners only once published."""
    if can_manage_courses(user):
        return True
    return lesson.published and can_view_course(user, lesson.module.course)
