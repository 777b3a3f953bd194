"""A course's content version changes with every change to what its pages show.

A flush that adds, changes or deletes a course, a module, a lesson, or a lesson's resource, question, option or
rubric line gives ``Course.content_version`` a new random value, in the same transaction. Whatever keeps a copy of
a course's content keys it on that value, which every process and machine reads from the course row: no change is
missed, and no write elsewhere makes it stale. Random rather than a count: a transaction rolled back after a
change leaves a value no later change can give again, so nothing kept under it is ever taken for current.
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.courses.models.content import Course, Lesson, LessonResource, Module, new_content_version
from lms.courses.models.quiz import Option, Question, RubricCriterion

CONTENT = (Course, Module, Lesson, LessonResource, Question, Option, RubricCriterion)


def course_id_of(session: Session, row) -> int | None:
    """The course a row of content belongs to (None for a course not inserted yet)."""
    if isinstance(row, Option):
        row = row.question or session.get(Question, row.question_id)
    if isinstance(row, Question | RubricCriterion | LessonResource):
        row = row.lesson or session.get(Lesson, row.lesson_id)
    if isinstance(row, Lesson):
        row = row.module or session.get(Module, row.module_id)
    if isinstance(row, Module):
        return row.course_id if row.course_id is not None else (row.course.id if row.course else None)
    return row.id if row is not None else None


def changed_content(session: Session) -> list:
    """The rows of content this session adds, changes or deletes and has not flushed yet."""
    changed = [row for row in session.dirty if isinstance(row, CONTENT) and session.is_modified(row)]
    return [row for row in (*session.new, *session.deleted) if isinstance(row, CONTENT)] + changed


@event.listens_for(Session, "before_flush")
def give_new_content_versions(session: Session, _context, _instances) -> None:
    rows = changed_content(session)
    if not rows:
        return
    for course_id in {course_id_of(session, row) for row in rows} - {None}:
        course = session.get(Course, course_id)
        if course is not None and course not in session.deleted:
            course.content_version = new_content_version()
