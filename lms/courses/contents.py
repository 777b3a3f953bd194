"""A course's modules and lessons as its outline shows them, read in one query and kept in each process.

The outline around every lesson page, course page and hand-in is the same for every learner of a course; only her
progress differs. So the modules and lessons (drafts included: authors see them) are read once per process and kept
under the course's ``content_version``, which every change to its content moves on (``models/versions.py``). A
request that finds another version reads them again; an edit on any machine is therefore seen at the next request.
The rows are plain tuples, not ORM objects, so threads may share them.
"""

import threading
from typing import NamedTuple

from sqlalchemy import select

from lms.core.extensions import db
from lms.courses.models import Course, Lesson, Module, changed_content

# Courses kept per process; beyond it the oldest entry goes (a program has tens of courses, not thousands).
KEPT_COURSES = 256


class ModuleHeading(NamedTuple):
    id: int
    course_id: int
    position: int
    title: str
    summary: str


class LessonHeading(NamedTuple):
    id: int
    module_id: int
    position: int
    kind: str
    title: str
    minutes: int
    published: bool


class CourseContents(NamedTuple):
    """Modules in order, and each module's lessons in order (published or not)."""

    modules: tuple[ModuleHeading, ...]
    lessons: dict[int, tuple[LessonHeading, ...]]

    @property
    def lesson_ids(self) -> list[int]:
        return [lesson.id for module in self.modules for lesson in self.lessons.get(module.id, ())]


# course id → (its content version, its contents)
kept: dict[int, tuple[str, CourseContents]] = {}
keeping = threading.Lock()


def read_contents(course_id: int) -> CourseContents:
    """The course's modules and lessons from the database, in one query."""
    rows = db.session.execute(
        select(
            Module.id,
            Module.course_id,
            Module.position,
            Module.title,
            Module.summary,
            Lesson.id,
            Lesson.module_id,
            Lesson.position,
            Lesson.kind,
            Lesson.title,
            Lesson.minutes,
            Lesson.published,
        )
        .outerjoin(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_id == course_id)
        .order_by(Module.position, Module.id, Lesson.position, Lesson.id)
    ).all()
    modules: dict[int, ModuleHeading] = {}
    lessons: dict[int, list[LessonHeading]] = {}
    for row in rows:
        module = ModuleHeading(*row[:5])
        modules.setdefault(module.id, module)
        if row[5] is not None:
            lessons.setdefault(module.id, []).append(LessonHeading(*row[5:]))
    return CourseContents(tuple(modules.values()), {key: tuple(value) for key, value in lessons.items()})


def course_contents(course: Course) -> CourseContents:
    """The course's modules and lessons: kept in this process while its content version stays the same."""
    if changed_content(db.session):
        # Changes not flushed yet would be flushed by the read, under a new version: read them, keep nothing.
        return read_contents(course.id)
    version = course.content_version
    found = kept.get(course.id)
    if found is not None and found[0] == version:
        return found[1]
    contents = read_contents(course.id)
    with keeping:
        kept[course.id] = (version, contents)
        while len(kept) > KEPT_COURSES:
            kept.pop(next(iter(kept)))
    return contents
