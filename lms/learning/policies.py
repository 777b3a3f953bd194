"""Who may hand in, see and review submissions, and grant extensions."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.enrolment.current import active_enrolments
from lms.cohorts.models import Cohort
from lms.cohorts.policies import leads_cohort, leads_learner, mentors_cohort, mentors_learner_now
from lms.core.extensions import db
from lms.core.roles import Role
from lms.core.security import is_program_manager
from lms.courses.models import CohortCourse, Lesson, LessonKind
from lms.courses.policies import offered_course_ids
from lms.learning.models import SubmissionFile, SubmissionVersion
from lms.learning.models.submission import Submission
from lms.media.access import register_access_rule
from lms.media.models import MediaFile


def submitting_cohort(learner: User, lesson: Lesson) -> Cohort | None:
    """The cohort a learner works on this lesson in (its due dates, its mentors): her latest active cohort taking
    the lesson's course, or None."""
    if learner.role != Role.LEARNER:
        return None
    active = active_enrolments(learner.id).subquery()
    return db.session.scalar(
        select(Cohort)
        .join(active, active.c.cohort_id == Cohort.id)
        .join(CohortCourse, CohortCourse.cohort_id == Cohort.id)
        .where(CohortCourse.course_id == lesson.module.course_id)
        .order_by(active.c.enrolled_at.desc(), active.c.id.desc())
        .limit(1)
    )


def is_open_assignment(lesson: Lesson) -> bool:
    """A published assignment of a published course: something learners can hand in."""
    return lesson.kind == LessonKind.ASSIGNMENT and lesson.published and lesson.module.course.published


WITHDRAWN_MESSAGE = _l("This lesson is no longer open, so what you did in it was not recorded.")


def lesson_withdrawn(user: User, lesson: Lesson) -> bool:
    """A lesson of a course offered to the learner's cohorts that is not published any more: what she did in it
    offline is refused with a message, where a lesson she was never offered, or a draft never opened to
    learners, is simply not found (its 409 would tell her it exists)."""
    if (lesson.published and lesson.module.course.published) or user.role != Role.LEARNER:
        return False
    if lesson.opened_at is None:
        return False
    offered = offered_course_ids(user).where(CohortCourse.course_id == lesson.module.course_id).limit(1)
    return db.session.scalar(offered) is not None


def can_view_submission(user: User, submission: Submission) -> bool:
    """The learner who made it, mentors of its cohort, leads of its program and admins."""
    if user.id == submission.learner_id:
        return True
    return leads_cohort(user, submission.cohort_id) or mentors_cohort(user, submission.cohort_id)


def can_review_submission(user: User, submission: Submission) -> bool:
    """Mentors of the submission's cohort, leads of its program and admins decide on it."""
    return leads_cohort(user, submission.cohort_id) or mentors_cohort(user, submission.cohort_id)


def can_grant_extension(user: User, learner: User) -> bool:
    """Mentors of a cohort the learner is active in, leads of her program and admins move her due dates."""
    if learner.role != Role.LEARNER:
        return False
    return leads_learner(user, learner) or mentors_learner_now(user, learner)


def can_grant_cohort_extensions(user: User, cohort: Cohort) -> bool:
    """The cohort's mentors, leads of its program and admins move due dates for several of its learners at once."""
    return leads_cohort(user, cohort.id) or mentors_cohort(user, cohort.id)


def can_view_turnaround(user: User) -> bool:
    """Review turnaround per mentor and cohort is for leads and admins."""
    return is_program_manager(user)


def can_view_submission_file(user: User, media_file: MediaFile) -> bool | None:
    """A file handed in with a submission: its learner and the mentors of the submission's cohort."""
    submission = db.session.scalar(
        select(Submission)
        .join(SubmissionVersion, SubmissionVersion.submission_id == Submission.id)
        .join(SubmissionFile, SubmissionFile.version_id == SubmissionVersion.id)
        .where(SubmissionFile.media_id == media_file.id)
        .limit(1)
    )
    if submission is None:
        return None
    return can_view_submission(user, submission)


register_access_rule(can_view_submission_file, personal=True)
