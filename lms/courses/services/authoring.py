"""Authoring: create, edit, order, publish and offer courses, modules and lessons.

Edits change rows in place, so a learner's completions, quiz attempts and (later)
submissions, which point at lesson and question ids, survive every edit.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.models import Program
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.courses import files
from lms.courses.models import LESSON_KINDS, AnswerReveal, CohortCourse, Course, Lesson, LessonKind, Module, UnlockRule
from lms.courses.models.content import SUBMISSION_KINDS
from lms.courses.policies import managed_course_filter
from lms.courses.records import record_queries

LANGUAGES = ("zh_Hans", "en")
LESSON_FIELDS = {
    "video": ("title", "minutes", "transcript"),
    "reading": ("title", "minutes", "body"),
    "quiz": ("title", "minutes", "body", "pass_mark", "attempts_allowed", "show_answers"),
    "assignment": ("title", "minutes", "body", "accepts", "due_days"),
}
TEXT_FIELDS = ("title", "summary", "body", "transcript")


class AuthoringError(UserFacingError):
    """A change the authoring rules refuse; ``message`` says why in the person's language."""


class ContentInUseError(AuthoringError):
    """Learners have progress on this content, so deleting it would erase their work."""


def clean(data: dict, name: str):
    value = data.get(name)
    return value.strip() if isinstance(value, str) else value


def next_position(column, *where) -> int:
    """The position after the last sibling, computed by the database."""
    return db.session.scalar(select(func.coalesce(func.max(column), -1) + 1).where(*where))


def move_in_order(siblings: list, item, direction: int) -> bool:
    """Swap ``item`` with its neighbour; False, and nothing changed, when already at that end."""
    if direction not in (-1, 1):
        raise ValueError("direction is -1 (up) or +1 (down)")
    index = siblings.index(item)
    target = index + direction
    if not 0 <= target < len(siblings):
        return False
    # Renumbering first heals gaps and ties that deletions or old data left behind.
    for position, sibling in enumerate(siblings):
        sibling.position = position
    siblings[index].position, siblings[target].position = target, index
    db.session.flush()
    return True


def create_course(program: Program, data: dict) -> Course:
    """Start a draft course in a program."""
    course = Course(program=program, published=False)
    db.session.add(course)
    return update_course(course, data)


def update_course(course: Course, data: dict) -> Course:
    """Change a course's description; its program only while it is offered to no cohort."""
    title = clean(data, "title")
    if not title:
        raise AuthoringError(_l("Give the course a title."))
    if clean(data, "language") not in LANGUAGES:
        raise AuthoringError(_l("Choose the course's language."))
    program_id = data.get("program_id")
    if program_id is not None and course.id is not None and program_id != course.program_id:
        if db.session.scalar(select(CohortCourse.id).where(CohortCourse.course_id == course.id).limit(1)):
            raise AuthoringError(_l("This course is offered to cohorts of its program. Withdraw it first."))
        program = db.session.get(Program, program_id)
        if program is None:
            raise AuthoringError(_l("Choose a program from the list."))
        course.program = program
    course.title = title
    course.summary = clean(data, "summary") or ""
    course.language = clean(data, "language")
    course.estimated_minutes = data.get("estimated_minutes") or 0
    course.sequential = bool(data.get("sequential"))
    unlock_on = clean(data, "unlock_on") or UnlockRule.SUBMISSION
    if unlock_on not in tuple(UnlockRule):
        raise AuthoringError(_l("Choose what opens the next module."))
    course.unlock_on = unlock_on
    set_translation_of(course, data.get("translation_of_id") or None)
    db.session.flush()
    return course


def set_translation_of(course: Course, original_id: int | None) -> None:
    """Make the course the copy, in its own language, of an original course of its program (or an original)."""
    if original_id is None:
        course.translation_of = None
        return
    original = db.session.get(Course, original_id)
    if original is None or original.id == course.id or original.program_id != course.program.id:
        raise AuthoringError(_l("Choose a course of the same program as the one this course is a copy of."))
    if original.translation_of_id is not None:
        raise AuthoringError(_l("Choose the original course, not another copy of it."))
    if original.language == course.language:
        raise AuthoringError(_l("The copy must be in another language than its original."))
    if course.id is not None and db.session.scalar(select(Course.id).where(Course.translation_of_id == course.id)):
        raise AuthoringError(_l("Other courses are copies of this one, so it stays an original."))
    clash = select(Course.id).where(Course.translation_of_id == original.id, Course.language == course.language)
    if course.id is not None:
        clash = clash.where(Course.id != course.id)
    if db.session.scalar(clash.limit(1)):
        raise AuthoringError(_l("That course already has a copy in this language."))
    course.translation_of = original


def set_course_published(course: Course, published: bool) -> Course:
    """Publish a course (learners of its cohorts see its published lessons) or take it back to draft."""
    course.published = published
    db.session.flush()
    return course


def course_list(viewer: User):
    """A select of the courses this person authors (an admin every one) with their program, lesson counts and
    number of cohorts, by program and title."""
    lessons = (
        select(
            Module.course_id,
            func.count(Lesson.id).label("lesson_count"),
            func.count(Lesson.id).filter(Lesson.published.is_(True)).label("published_count"),
        )
        .join(Lesson, Lesson.module_id == Module.id)
        .group_by(Module.course_id)
        .subquery()
    )
    cohorts = (
        select(CohortCourse.course_id, func.count(CohortCourse.id).label("cohort_count"))
        .group_by(CohortCourse.course_id)
        .subquery()
    )
    return (
        select(
            Course,
            Program.name,
            func.coalesce(lessons.c.lesson_count, 0),
            func.coalesce(lessons.c.published_count, 0),
            func.coalesce(cohorts.c.cohort_count, 0),
        )
        .join(Program, Program.id == Course.program_id)
        .outerjoin(lessons, lessons.c.course_id == Course.id)
        .outerjoin(cohorts, cohorts.c.course_id == Course.id)
        .where(managed_course_filter(viewer))
        .order_by(Program.name, Course.title, Course.id)
    )


def create_module(course: Course, data: dict) -> Module:
    """Add a module at the end of a course."""
    module = Module(course=course, position=next_position(Module.position, Module.course_id == course.id))
    db.session.add(module)
    return update_module(module, data)


def update_module(module: Module, data: dict) -> Module:
    """Change a module's title and summary."""
    title = clean(data, "title")
    if not title:
        raise AuthoringError(_l("Give the module a title."))
    module.title = title
    module.summary = clean(data, "summary") or ""
    db.session.flush()
    return module


def move_module(module: Module, direction: int) -> bool:
    """Move a module one place up (-1) or down (+1); False when it is already at that end."""
    moved = move_in_order(list(module.course.modules), module, direction)
    db.session.expire(module.course, ["modules"])
    return moved


def delete_module(module: Module) -> None:
    """Delete a module and its lessons, unless learners have progress on any of them."""
    if record_queries().lessons_with_progress([lesson.id for lesson in module.lessons]):
        raise ContentInUseError(_l("Learners have progress in this module's lessons. Unpublish those lessons instead."))
    course = module.course
    for lesson in module.lessons:
        files.delete_lesson_files(lesson)
    db.session.delete(module)
    db.session.flush()
    db.session.expire(course, ["modules"])


def create_lesson(module: Module, data: dict) -> Lesson:
    """Add a draft lesson of a kind at the end of a module."""
    kind = data.get("kind")
    if kind not in LESSON_KINDS:
        raise AuthoringError(_l("Choose what kind of lesson this is."))
    lesson = Lesson(
        module=module,
        kind=kind,
        published=False,
        position=next_position(Lesson.position, Lesson.module_id == module.id),
    )
    if kind == "assignment":
        lesson.accepts = "text"
    db.session.add(lesson)
    return update_lesson(lesson, {"title": data.get("title"), "minutes": data.get("minutes")})


def lesson_problem(lesson: Lesson, data: dict):
    """The first rule ``data`` breaks for this kind of lesson, or None."""
    checks = [
        ("title", lambda value: bool(value), _l("Give the lesson a title.")),
        ("minutes", lambda value: value is None or 0 <= value <= 600, _l("Minutes must be between 0 and 600.")),
        ("pass_mark", lambda value: value is not None and 0 <= value <= 100, _l("The pass mark is 0 to 100 %.")),
        ("attempts_allowed", lambda value: value is not None and value >= 0, _l("Attempts must be 0 or more.")),
        ("due_days", lambda value: value is None or value >= 0, _l("Days must be 0 or more.")),
        ("show_answers", lambda value: value in tuple(AnswerReveal), _l("Choose when the right answers show.")),
        (
            "accepts",
            lambda value: bool(value) and set(value) <= set(SUBMISSION_KINDS),
            _l("Accept at least one kind of submission."),
        ),
    ]
    fields = LESSON_FIELDS[lesson.kind]
    for name, valid, message in checks:
        if name in fields and name in data and not valid(clean(data, name)):
            return message
    return None


def update_lesson(lesson: Lesson, data: dict) -> Lesson:
    """Change a lesson's own fields in place; its kind never changes."""
    problem = lesson_problem(lesson, data)
    if problem is not None:
        raise AuthoringError(problem)
    for name in LESSON_FIELDS[lesson.kind]:
        if name not in data:
            continue
        value = clean(data, name)
        if name == "accepts":
            value = ",".join(kind for kind in SUBMISSION_KINDS if kind in value)
        elif name == "minutes":
            value = value or 0
        elif name in TEXT_FIELDS:
            value = value or ""
        setattr(lesson, name, value)
    db.session.flush()
    return lesson


def move_lesson(lesson: Lesson, direction: int) -> bool:
    """Move a lesson one place up (-1) or down (+1) in its module; False at that end."""
    moved = move_in_order(list(lesson.module.lessons), lesson, direction)
    db.session.expire(lesson.module, ["lessons"])
    return moved


def publishing_problem(lesson: Lesson):
    """Why a lesson is not ready for learners yet (an empty reading, a quiz without questions), or None."""
    if lesson.kind == LessonKind.READING and not (lesson.body or "").strip():
        return _l("A reading needs its text before it is published. Type the text, then publish.")
    if lesson.kind == LessonKind.QUIZ and not lesson.questions:
        return _l("A quiz needs at least one question before it is published. Add a question, then publish.")
    return None


def set_lesson_published(lesson: Lesson, published: bool) -> Lesson:
    """Publish a lesson that is ready (``publishing_problem``) or take it back to draft; progress is kept either way."""
    problem = publishing_problem(lesson) if published else None
    if problem is not None:
        raise AuthoringError(problem)
    lesson.published = published
    db.session.flush()
    return lesson


def delete_lesson(lesson: Lesson) -> None:
    """Delete a lesson nobody has progress on; raise ContentInUseError otherwise."""
    if any(record_queries().lesson_progress(lesson)):
        raise ContentInUseError(_l("Learners have finished or attempted this lesson. Unpublish it instead."))
    module = lesson.module
    files.delete_lesson_files(lesson)
    db.session.delete(lesson)
    db.session.flush()
    db.session.expire(module, ["lessons"])
