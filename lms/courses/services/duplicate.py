"""Duplicating a course as a draft: its modules, lessons, quiz questions and options, rubrics and files.

The copy names the same stored files as the original (video, its small rendition, poster, captions, downloads,
cover): the media layer keeps a file while any row names it, so deleting either course leaves the other's files.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.core.extensions import db
from lms.courses.models import Course, Lesson, Module, Question

# What a copy never takes over: its own identity and times, and its parent (set as it joins the copy's tree);
# a duplicate is a course of its own, not the original's copy in another language.
NOT_COPIED = {
    "id",
    "created_at",
    "updated_at",
    "first_published_at",
    "slug",
    "course_id",
    "module_id",
    "lesson_id",
    "question_id",
    "translation_of_id",
}
TITLE_MAX = Course.title.type.length


def copied(row, **changes):
    """A new row of the same class with the original's values (the files it names included), and ``changes``."""
    mapper = db.inspect(row).mapper
    values = {column.key: getattr(row, column.key) for column in mapper.column_attrs if column.key not in NOT_COPIED}
    return mapper.class_(**{**values, **changes})


def course_to_copy(course_id: int) -> Course:
    """The course with everything a copy takes, in a fixed number of queries."""
    return db.session.scalar(
        select(Course)
        .options(
            selectinload(Course.modules)
            .selectinload(Module.lessons)
            .options(
                selectinload(Lesson.resources),
                selectinload(Lesson.rubric),
                selectinload(Lesson.questions).selectinload(Question.options),
            )
        )
        .where(Course.id == course_id)
    )


def duplicate_course(original: Course) -> Course:
    """A draft copy of the course in the same program, offered to no cohort; lessons keep their draft marks."""
    original = course_to_copy(original.id)
    title = _("%(title)s (copy)", title=original.title)[:TITLE_MAX]
    course = copied(original, title=title, published=False)
    for module in original.modules:
        module_copy = copied(module)
        course.modules.append(module_copy)
        for lesson in module.lessons:
            lesson_copy = copied(lesson)
            module_copy.lessons.append(lesson_copy)
            lesson_copy.resources = [copied(resource) for resource in lesson.resources]
            lesson_copy.rubric = [copied(line) for line in lesson.rubric]
            for question in lesson.questions:
                question_copy = copied(question)
                question_copy.options = [copied(option) for option in question.options]
                lesson_copy.questions.append(question_copy)
    db.session.add(course)
    db.session.flush()
    return course
