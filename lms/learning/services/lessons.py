"""What a learner sees of courses: the catalogue, a course's outline, sequencing, due dates."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses.contents import LessonHeading, ModuleHeading, course_contents
from lms.courses.models import Course, Lesson, LessonKind, Module, Question, UnlockRule
from lms.courses.policies import can_manage_course, can_manage_courses, managed_course_filter, offered_course_ids
from lms.learning.models import QuizAttempt
from lms.learning.policies import submitting_cohort
from lms.learning.services import completions as progress
from lms.learning.services import quizzes
from lms.learning.services.completions import LessonStates
from lms.learning.services.due_dates import learner_due_on


@dataclass
class CatalogueEntry:
    course: Course
    lesson_count: int
    minutes: int
    done: int | None = None  # None: the viewer is not a learner, so has no progress
    # The same course in other languages, left out for this learner: she sees them only if she asks.
    other_languages: list[Course] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.done is not None and self.lesson_count > 0 and self.done >= self.lesson_count


@dataclass
class OutlineModule:
    module: ModuleHeading
    lessons: list[LessonHeading]
    complete: bool
    locked_by: ModuleHeading | None = None  # the first unfinished module before it, in a sequential course
    opens_next: bool | None = None  # done enough to open the next module; None: when complete

    @property
    def locked(self) -> bool:
        return self.locked_by is not None


@dataclass
class CourseOutline:
    """A course's modules and the lessons this viewer may see, in order, with the viewer's progress."""

    course: Course
    modules: list[OutlineModule]
    done: set[int] = field(default_factory=set)
    for_learner: bool = False
    waiting: set[int] = field(default_factory=set)  # lessons whose work waits for a mentor's review
    next_id: int | None = None  # where the learner continues: the rule the learner's home follows

    @property
    def lessons(self) -> list[LessonHeading]:
        return [lesson for item in self.modules for lesson in item.lessons]

    @property
    def published_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.published)

    @property
    def done_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.published and lesson.id in self.done)

    @property
    def next_lesson(self) -> LessonHeading | None:
        """Where to continue: the first lesson the learner can do now (the first lesson for non-learners)."""
        lessons = self.lessons
        if not self.for_learner:
            return lessons[0] if lessons else None
        return next((lesson for lesson in lessons if lesson.id == self.next_id), None)

    @property
    def waiting_for_review(self) -> bool:
        """Unfinished, yet nothing to do now: what is left waits for (or is locked behind) a mentor's review."""
        return self.for_learner and self.next_id is None and self.done_count < self.published_count

    def module_of(self, lesson: Lesson) -> OutlineModule | None:
        return next((item for item in self.modules if item.module.id == lesson.module_id), None)

    def blocking_module(self, lesson: Lesson) -> ModuleHeading | None:
        """The first unfinished module that keeps ``lesson`` locked, or None when the lesson is open."""
        item = self.module_of(lesson)
        return item.locked_by if item is not None else None

    def neighbours(self, lesson: Lesson) -> tuple[LessonHeading | None, LessonHeading | None]:
        """The lessons before and after ``lesson``, across modules."""
        ids = [each.id for each in self.lessons]
        if lesson.id not in ids:
            return None, None
        index = ids.index(lesson.id)
        lessons = self.lessons
        return (lessons[index - 1] if index > 0 else None, lessons[index + 1] if index + 1 < len(lessons) else None)


def in_her_language(entries: list[CatalogueEntry], language: str) -> list[CatalogueEntry]:
    """Of the copies of one course in several languages, the one in her language and any other she has started.

    With no copy in her language, the original (else the first) stands for the course. The copies left out are
    named on the entry shown (``other_languages``), so she can still ask for one; the order is kept.
    """
    copies: dict[int, list[CatalogueEntry]] = {}
    for entry in entries:
        copies.setdefault(entry.course.translation_of_id or entry.course.id, []).append(entry)
    shown: set[int] = set()
    for group in copies.values():
        chosen = [entry for entry in group if entry.course.language == language or entry.done]
        if not chosen:
            chosen = [next((entry for entry in group if entry.course.translation_of_id is None), group[0])]
        for entry in chosen:
            entry.other_languages = [other.course for other in group if other not in chosen]
        shown.update(entry.course.id for entry in chosen)
    return [entry for entry in entries if entry.course.id in shown]


def catalogue_entries(viewer: User, language: str | None = None) -> list[CatalogueEntry]:
    """Published courses the viewer may take or follow, with lesson counts, minutes and the learner's progress.

    For a learner with a ``language``, a course offered in several languages is shown in hers (``in_her_language``).
    """
    stats = (
        select(
            Module.course_id,
            func.count(Lesson.id).label("lessons"),
            func.coalesce(func.sum(Lesson.minutes), 0).label("minutes"),
        )
        .join(Lesson, Lesson.module_id == Module.id)
        .where(Lesson.published.is_(True))
        .group_by(Module.course_id)
        .subquery()
    )
    query = (
        select(Course, func.coalesce(stats.c.lessons, 0), func.coalesce(stats.c.minutes, 0))
        .outerjoin(stats, stats.c.course_id == Course.id)
        .where(Course.published.is_(True))
        .order_by(Course.title, Course.id)
    )
    if can_manage_courses(viewer):
        query = query.where(managed_course_filter(viewer))
    else:
        query = query.where(Course.id.in_(offered_course_ids(viewer)))
    entries = [
        # The author's estimate when given, else the sum of the lessons' minutes.
        CatalogueEntry(course, lesson_count, course.estimated_minutes or minutes)
        for course, lesson_count, minutes in db.session.execute(query)
    ]
    if viewer.role == Role.LEARNER and entries:
        done = progress.course_progress(viewer, [entry.course.id for entry in entries])
        for entry in entries:
            entry.done = done[entry.course.id][0]
        if language:
            entries = in_her_language(entries, language)
    return entries


def course_outline(course: Course, viewer: User, *, continue_from: bool = True) -> CourseOutline:
    """A course's modules and visible lessons, with the viewer's completions, locks, work waiting and next lesson.

    The modules and lessons come from ``course_contents`` (kept per process under the course's content version);
    a learner's state on them is one query. ``continue_from=False`` leaves out where to continue (``next_id``), the
    costliest part of that query: an open lesson's page shows its neighbours, not where the learner should be.
    """
    contents = course_contents(course)
    managing = can_manage_course(viewer, course)
    for_learner = viewer.role == Role.LEARNER
    states = LessonStates()
    if for_learner:
        states = progress.lesson_states(viewer, contents.lesson_ids, course.id if continue_from else None)
    done = states.done
    outline = CourseOutline(
        course=course, modules=[], done=done, for_learner=for_learner, waiting=states.waiting, next_id=states.next_id
    )
    counted = done | states.handed_in if course.unlock_on == UnlockRule.SUBMISSION else done
    for module in contents.modules:
        lessons = [lesson for lesson in contents.lessons.get(module.id, ()) if managing or lesson.published]
        if not lessons and not managing:
            continue  # a module with nothing published yet says nothing to a learner
        complete = all(lesson.id in done for lesson in lessons if lesson.published)
        opens_next = all(lesson.id in counted for lesson in lessons if lesson.published)
        outline.modules.append(OutlineModule(module=module, lessons=lessons, complete=complete, opens_next=opens_next))
    if course.sequential and for_learner:  # staff browse freely
        apply_sequential_locks(outline.modules)
    return outline


def apply_sequential_locks(modules: list[OutlineModule]) -> None:
    """The lock rule of a sequential course: a module opens once every module before it is done with.

    Done with is complete, or, where the course unlocks on submission, complete but for assignments handed in
    (``opens_next``). ``completions.locked_for`` is the same rule in SQL, which ``next_lesson_choice`` follows.
    """
    first_unfinished = None
    for item in modules:
        item.locked_by = first_unfinished
        opens_next = item.complete if item.opens_next is None else item.opens_next
        if first_unfinished is None and not opens_next:
            first_unfinished = item.module


@dataclass
class LessonPage:
    """Everything a lesson page shows besides the lesson itself."""

    outline: CourseOutline
    previous: LessonHeading | None
    next: LessonHeading | None
    questions: list[Question] = field(default_factory=list)
    attempts: list[QuizAttempt] = field(default_factory=list)
    due_on: date | None = None


def lesson_page(lesson: Lesson, viewer: User) -> LessonPage:
    """The outline around a lesson, its neighbours, and what its kind needs (questions, due date)."""
    course = lesson.module.course
    outline = course_outline(course, viewer, continue_from=False)
    if outline.for_learner and outline.blocking_module(lesson) is not None:
        # Only a locked lesson's page says where to continue.
        outline.next_id = db.session.scalar(select(progress.next_lesson_choice(viewer, [course.id]).c.lesson_id))
    previous, following = outline.neighbours(lesson)
    page = LessonPage(outline=outline, previous=previous, next=following)
    if lesson.kind == LessonKind.QUIZ:
        page.questions = quizzes.quiz_questions(lesson)
        if viewer.role == Role.LEARNER:
            page.attempts = quizzes.learner_attempts(lesson, viewer)
    elif lesson.kind == LessonKind.ASSIGNMENT and viewer.role == Role.LEARNER:
        cohort = submitting_cohort(viewer, lesson)
        page.due_on = learner_due_on(lesson, viewer, cohort) if cohort else None
    return page
