"""Extensions: a mentor gives one learner, a selection or a whole cohort a later due date for one assignment."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select, update

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.policies import viewable_cohort_ids
from lms.core.calendar import utcnow
from lms.core.db_types import dialect_insert
from lms.core.extensions import db
from lms.courses.models import CohortCourse, Course, Lesson, LessonKind, Module
from lms.learning.models.submission import Extension, Submission, SubmissionVersion
from lms.learning.services.due_dates import assignment_due_on, due_cutoff


@dataclass
class AssignmentDue:
    """One assignment of a learner's cohort, with the due date in force and any extension."""

    lesson: Lesson
    course_title: str
    cohort: Cohort
    extension: Extension | None

    @property
    def due_on(self) -> date | None:
        return assignment_due_on(self.lesson, self.cohort, self.extension)


def learner_assignments(learner: User, viewer: User) -> list[AssignmentDue]:
    """The published assignments of the learner's active cohorts that ``viewer`` may extend, in one query."""
    query = (
        select(Lesson, Course.title, Cohort, Extension)
        .select_from(Enrollment)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(CohortCourse, CohortCourse.cohort_id == Cohort.id)
        .join(Course, Course.id == CohortCourse.course_id)
        .join(Module, Module.course_id == Course.id)
        .join(Lesson, Lesson.module_id == Module.id)
        .outerjoin(Extension, and_(Extension.lesson_id == Lesson.id, Extension.learner_id == learner.id))
        .where(
            Enrollment.learner_id == learner.id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Lesson.kind == LessonKind.ASSIGNMENT,
            Lesson.published.is_(True),
            Course.published.is_(True),
        )
        .order_by(Course.title, Module.position, Lesson.position, Lesson.id)
    )
    cohorts = viewable_cohort_ids(viewer)
    if cohorts is not None:
        query = query.where(Cohort.id.in_(cohorts))
    rows, seen = [], set()
    for lesson, course_title, cohort, extension in db.session.execute(query):
        if lesson.id not in seen:  # a course two of the learner's cohorts take is listed once
            seen.add(lesson.id)
            rows.append(AssignmentDue(lesson, course_title, cohort, extension))
    return rows


def cohort_assignments(cohort: Cohort) -> list[tuple[Lesson, str]]:
    """The published assignments of the published courses offered to a cohort, with course titles, in course order."""
    query = (
        select(Lesson, Course.title)
        .join(Module, Module.id == Lesson.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(CohortCourse, CohortCourse.course_id == Course.id)
        .where(
            CohortCourse.cohort_id == cohort.id,
            Lesson.kind == LessonKind.ASSIGNMENT,
            Lesson.published.is_(True),
            Course.published.is_(True),
        )
        .order_by(Course.title, Module.position, Lesson.position, Lesson.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def active_learners(cohort: Cohort) -> list[User]:
    """The cohort's active learners, by name: those an extension for the cohort reaches."""
    query = (
        select(User)
        .join(Enrollment, Enrollment.learner_id == User.id)
        .where(Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))


def grant_extensions(lesson: Lesson, learner_ids: list[int], due_on: date, granted_by: User) -> int:
    """Give these learners a new due date for one assignment, in two statements; granting again replaces it."""
    if not learner_ids:
        return 0
    values = {"due_on": due_on, "granted_by_id": granted_by.id, "created_at": utcnow()}
    insert = dialect_insert(Extension).values(
        [{"lesson_id": lesson.id, "learner_id": learner_id, **values} for learner_id in learner_ids]
    )
    # One upsert on the unique (lesson, learner): two mentors granting at once leave one row each.
    db.session.execute(insert.on_conflict_do_update(index_elements=["lesson_id", "learner_id"], set_=values))
    # Versions already handed in are late or not by the date now in force.
    submission_ids = select(Submission.id).where(
        Submission.lesson_id == lesson.id, Submission.learner_id.in_(learner_ids)
    )
    db.session.execute(
        update(SubmissionVersion)
        .where(SubmissionVersion.submission_id.in_(submission_ids))
        .values(late=SubmissionVersion.submitted_at >= due_cutoff(due_on))
        .execution_options(synchronize_session=False)
    )
    return len(learner_ids)


def grant_extension(lesson: Lesson, learner: User, due_on: date, granted_by: User) -> Extension:
    """Give one learner a new due date for one assignment; granting again replaces it."""
    grant_extensions(lesson, [learner.id], due_on, granted_by)
    return db.session.scalar(
        select(Extension)
        .where(Extension.lesson_id == lesson.id, Extension.learner_id == learner.id)
        .execution_options(populate_existing=True)
    )
