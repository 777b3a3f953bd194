"""What a person's home shows, and one learner's record: each in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select, union_all
from sqlalchemy.orm import load_only

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.certificates.services import learner_certificates
from lms.cohorts import services as cohort_services
from lms.cohorts.announcements.services import learner_announcements
from lms.cohorts.models import Announcement, Cohort, Enrollment
from lms.core.extensions import db
from lms.courses.models import Course, Lesson, Module
from lms.learning.models import QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Review, Submission
from lms.learning.services import completions as progress
from lms.learning.services.due_dates import assignment_due_on, due_before, open_assignments
from lms.learning.services.lessons import CatalogueEntry, catalogue_entries
from lms.progress import cohort_services as grids

SOON_DAYS = 7
RECENT_QUIZZES = 5
ANNOUNCEMENTS = 3
LESSON_COLUMNS = (Lesson.id, Lesson.module_id, Lesson.kind, Lesson.title, Lesson.minutes, Lesson.due_days)


@dataclass
class CourseCard:
    """A course on the learner's home: its progress bar and the lesson to continue with."""

    entry: CatalogueEntry
    next_lesson: Lesson | None
    last_activity: datetime | None

    @property
    def waiting_for_review(self) -> bool:
        """Unfinished, yet nothing to continue with: what is left waits for (or is locked behind) a review."""
        return self.next_lesson is None and self.entry.lesson_count > 0 and not self.entry.finished


@dataclass
class DueAssignment:
    lesson: Lesson
    course_title: str
    due_on: date
    overdue: bool


@dataclass
class LearnerHome:
    cohorts: list[tuple[Cohort, int]]
    courses: list[CourseCard]
    quiz_results: list[QuizAttempt]
    due: list[DueAssignment]
    certificates: list[Certificate]
    today: date
    feedback: list[tuple[Review, Lesson]] = field(default_factory=list)
    announcements: list[tuple[Announcement, bool]] = field(default_factory=list)

    @property
    def resume(self) -> CourseCard | None:
        """The course to continue: the most recently active one with a lesson to do now.

        A course not started yet is offered only when no started course is waiting for a mentor's review:
        where the learner left off is that review, not another course.
        """
        started = [card for card in self.courses if card.last_activity is not None]
        found = next((card for card in started if card.next_lesson is not None), None)
        if found is None and not any(card.waiting_for_review for card in started):
            found = next((card for card in self.courses if card.next_lesson is not None), None)
        return found

    @property
    def waiting_for_review(self) -> bool:
        """Nothing to continue with because the learner's work is with a mentor."""
        return self.resume is None and any(card.waiting_for_review for card in self.courses)


def next_lessons(learner: User, course_ids: list[int]) -> dict[int, Lesson]:
    """course id → the first published lesson, in course order, the learner can do now (one query).

    The rule is ``progress.next_lesson_choice``, which the course page's "Continue" follows too.
    """
    if not course_ids:
        return {}
    choice = progress.next_lesson_choice(learner, course_ids)
    query = (
        select(choice.c.course_id, Lesson)
        .join(choice, choice.c.lesson_id == Lesson.id)
        .options(load_only(*LESSON_COLUMNS))
    )
    return dict(db.session.execute(query).all())


def course_activity(learner: User, course_ids: list[int]) -> dict[int, datetime]:
    """course id → the learner's latest completion or quiz attempt in it (one query)."""
    if not course_ids:
        return {}
    events = union_all(
        select(Lesson.module_id.label("module_id"), Completion.completed_at.label("at"))
        .join(Lesson, Lesson.id == Completion.lesson_id)
        .where(Completion.learner_id == learner.id),
        select(Lesson.module_id, QuizAttempt.submitted_at)
        .join(Lesson, Lesson.id == QuizAttempt.lesson_id)
        .where(QuizAttempt.learner_id == learner.id),
    ).subquery()
    query = (
        select(Module.course_id, func.max(events.c.at))
        .join(events, events.c.module_id == Module.id)
        .where(Module.course_id.in_(course_ids))
        .group_by(Module.course_id)
    )
    return dict(db.session.execute(query).all())


def latest_quiz_results(learner: User, limit: int = RECENT_QUIZZES) -> list[QuizAttempt]:
    """The learner's latest attempt at each published quiz, most recent first, with the lesson loaded."""
    latest = (
        select(QuizAttempt.lesson_id, func.max(QuizAttempt.number).label("number"))
        .where(QuizAttempt.learner_id == learner.id)
        .group_by(QuizAttempt.lesson_id)
        .subquery()
    )
    query = (
        select(QuizAttempt, Lesson)
        .join(latest, and_(latest.c.lesson_id == QuizAttempt.lesson_id, latest.c.number == QuizAttempt.number))
        .join(Lesson, and_(Lesson.id == QuizAttempt.lesson_id, Lesson.published.is_(True)))
        .where(QuizAttempt.learner_id == learner.id)
        .options(load_only(Lesson.id, Lesson.title, Lesson.pass_mark))
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        .limit(limit)
    )
    attempts = []
    for attempt, lesson in db.session.execute(query):
        attempt.lesson = lesson
        attempts.append(attempt)
    return attempts


def assignments_due(learner: User, cohorts: list[Cohort], today: date, soon_days: int = SOON_DAYS):
    """Assignments still to do in the learner's cohorts, overdue or due within ``soon_days``, soonest first.

    The date is the learner's own: an extension a mentor granted, else the cohort's. Work handed in and waiting
    for review is not due; an optional course's work is listed once it is started.
    """
    query = (
        open_assignments(cohorts, grids.counted_enrolments([cohort.id for cohort in cohorts]))
        .add_columns(Course.title)
        .where(Enrollment.learner_id == learner.id, due_before(cohorts, today + timedelta(days=soon_days + 1)))
        .options(load_only(*LESSON_COLUMNS))
    )
    by_id = {cohort.id: cohort for cohort in cohorts}
    due: dict[int, DueAssignment] = {}
    for cohort_id, _learner_id, lesson, extension, course_title in db.session.execute(query):
        due_on = assignment_due_on(lesson, by_id[cohort_id], extension)
        if lesson.id not in due or due_on < due[lesson.id].due_on:  # in two cohorts: the earlier date counts
            due[lesson.id] = DueAssignment(lesson, course_title, due_on, due_on < today)
    return sorted(due.values(), key=lambda item: (item.due_on, item.lesson.title))


def unread_feedback(learner: User, limit: int = 5) -> list[tuple[Review, Lesson]]:
    """Mentors' reviews the learner has not opened yet, newest first (one query).

    Only where she can open them (``is_open_assignment``): opening the thread is what marks them read, so one on
    an assignment taken back to draft would stay new for ever behind a link that is not found.
    """
    query = (
        select(Review, Lesson)
        .join(Submission, Submission.id == Review.submission_id)
        .join(Lesson, and_(Lesson.id == Submission.lesson_id, Lesson.published.is_(True)))
        .join(Module, Module.id == Lesson.module_id)
        .join(Course, and_(Course.id == Module.course_id, Course.published.is_(True)))
        .where(Submission.learner_id == learner.id, Review.read_by_learner_at.is_(None))
        .options(load_only(Lesson.id, Lesson.title))
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query)]


def learner_home(learner: User, today: date | None = None, language: str | None = None) -> LearnerHome:
    """Everything on a learner's home page: where to continue, progress, quiz results, due work, certificates.

    With her ``language``, a course offered in several languages is shown, and continued, in hers.
    """
    today = today or grids.program_today()
    cohorts = db.session.execute(cohort_services.cohorts_for(learner)).all()
    entries = catalogue_entries(learner, language)
    ids = [entry.course.id for entry in entries]
    upcoming = next_lessons(learner, ids)
    activity = course_activity(learner, ids)
    cards = [CourseCard(entry, upcoming.get(entry.course.id), activity.get(entry.course.id)) for entry in entries]
    # Most recently active first; courses not started keep the catalogue's order after them.
    started = sorted((card for card in cards if card.last_activity), key=lambda card: card.last_activity, reverse=True)
    cards = started + [card for card in cards if card.last_activity is None]
    return LearnerHome(
        cohorts=cohorts,
        courses=cards,
        quiz_results=latest_quiz_results(learner),
        due=assignments_due(learner, [cohort for cohort, _count in cohorts], today),
        certificates=list(db.session.scalars(learner_certificates(learner))),
        today=today,
        feedback=unread_feedback(learner),
        announcements=[tuple(row) for row in db.session.execute(learner_announcements(learner).limit(ANNOUNCEMENTS))],
    )


@dataclass
class TimelineEntry:
    at: datetime
    lesson_title: str
    course_title: str
    attempt: QuizAttempt | None = None  # None: a lesson finished
    unpublished: bool = False  # the lesson was taken back to draft since


@dataclass
class LearnerRecord:
    """One learner's page: cohorts, courses, lessons done, quiz attempts, and all of it as a timeline."""

    learner: User
    cohorts: list[tuple[Cohort, int]]
    cohort_progress: dict[int, grids.Progress]
    courses: list[CatalogueEntry]
    completions: list[tuple[Completion, Lesson, Course]]
    attempts: list[tuple[QuizAttempt, Lesson, Course]]
    submissions: list[tuple[Submission, Lesson, Course]] = field(default_factory=list)

    @property
    def last_activity(self) -> datetime | None:
        times = [self.learner.last_login_at] + [entry.at for entry in self.timeline[:1]]
        return max((moment for moment in times if moment), default=None)

    @property
    def course_histories(self) -> dict[int, list[TimelineEntry]]:
        """Course id → its lessons finished and quizzes taken, newest first: each course's details on the page."""
        histories: dict[int, list[TimelineEntry]] = {}
        for done, lesson, course in self.completions:
            histories.setdefault(course.id, []).append(
                TimelineEntry(done.completed_at, lesson.title, course.title, unpublished=not lesson.published)
            )
        for attempt, lesson, course in self.attempts:
            histories.setdefault(course.id, []).append(
                TimelineEntry(attempt.submitted_at, lesson.title, course.title, attempt)
            )
        return {key: sorted(entries, key=lambda entry: entry.at, reverse=True) for key, entries in histories.items()}

    @property
    def timeline(self) -> list[TimelineEntry]:
        entries = [
            TimelineEntry(done.completed_at, lesson.title, course.title) for done, lesson, course in self.completions
        ]
        entries += [
            TimelineEntry(attempt.submitted_at, lesson.title, course.title, attempt)
            for attempt, lesson, course in self.attempts
        ]
        return sorted(entries, key=lambda entry: entry.at, reverse=True)


def rows_with_lesson_and_course(model, learner: User, newest_first) -> list:
    """A learner's rows of ``model`` (which has lesson_id and learner_id), each with its lesson and course."""
    query = (
        select(model, Lesson, Course)
        .join(Lesson, Lesson.id == model.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .join(Course, Course.id == Module.course_id)
        .where(model.learner_id == learner.id)
        .options(load_only(Lesson.id, Lesson.title, Lesson.published, Lesson.kind), load_only(Course.id, Course.title))
        .order_by(newest_first.desc(), model.id.desc())
    )
    return list(db.session.execute(query))


def learner_record(learner: User) -> LearnerRecord:
    """Everything a learner's page shows, history of unpublished lessons included, in a fixed number of queries."""
    cohorts = db.session.execute(cohort_services.cohorts_for(learner)).all()
    return LearnerRecord(
        learner=learner,
        cohorts=cohorts,
        cohort_progress=grids.cohort_percentages(learner, [cohort.id for cohort, _count in cohorts]),
        courses=catalogue_entries(learner),
        completions=rows_with_lesson_and_course(Completion, learner, Completion.completed_at),
        attempts=rows_with_lesson_and_course(QuizAttempt, learner, QuizAttempt.submitted_at),
        submissions=rows_with_lesson_and_course(Submission, learner, Submission.last_submitted_at),
    )
