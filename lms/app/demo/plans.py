"""What one demo learner did, lesson by lesson, worked out in memory: lessons, quiz attempts, work and reviews."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

from lms.app.demo.stories import GENERIC_TEXTS, WORK_TEXTS, Story
from lms.cohorts.models import Cohort
from lms.core.calendar import program_today, program_zone, utcnow
from lms.courses.models import Lesson, LessonKind, Option, Question, QuestionKind

# Graduates mostly pass a quiz first time and have an assignment accepted first time; not always.
QUIZ_FIRST_FAIL = 0.3
REVISION_FIRST = 0.3
# The last required lesson of a graduate falls at most this far into the cohort, before slow pace and reviews.
LAST_LESSON_SHARE = 0.7
UNREAD_DAYS = 14


@dataclass
class Version:
    text: str
    link: str
    at: datetime


@dataclass
class Decision:
    accepted: bool
    feedback: str
    scores: dict[int, int]
    opened_at: datetime
    at: datetime
    read_at: datetime | None


@dataclass
class Work:
    """One assignment's story: the versions handed in, and the mentor's decision on each one decided."""

    lesson: Lesson
    versions: list[Version] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


@dataclass
class Attempt:
    answers: list[tuple[Question, bool, list[Option], Decimal | None]]
    at: datetime


@dataclass
class Plan:
    completions: list[tuple[Lesson, datetime]] = field(default_factory=list)
    quizzes: list[tuple[Lesson, list[Attempt]]] = field(default_factory=list)
    works: list[Work] = field(default_factory=list)


class Walk:
    """One learner going through lessons in order, in the evenings, waiting for the mentor's reviews."""

    def __init__(self, rng: random.Random, lessons: list[Lesson], names: dict[str, str]):
        self.rng, self.names = rng, names
        self.assignments = [lesson.id for lesson in lessons if lesson.kind == LessonKind.ASSIGNMENT]
        self.zone = program_zone()
        self.latest = utcnow() - timedelta(minutes=30)
        self.cursor: datetime | None = None
        self.waited = False  # the last thing that happened was the mentor's, not the learner's
        self.plan = Plan()

    def evening(self, day: date) -> datetime:
        # Villagers study after work, some at lunch.
        hour = self.rng.choice([12, 19, 20, 20, 21, 21, 22])
        return datetime.combine(day, time(hour, self.rng.randrange(60)), self.zone).astimezone(UTC)

    def next_sitting(self, after: datetime) -> datetime:
        day = after.astimezone(self.zone).date()
        start = self.evening(day)
        return start if start > after else self.evening(day + timedelta(days=1))

    def sit(self, day: date, minutes: int) -> datetime:
        """When a lesson of ``minutes`` planned for ``day`` is finished, after whatever came before."""
        start = self.evening(day)
        if self.cursor is not None and start <= self.cursor:
            start = self.next_sitting(self.cursor) if self.waited else self.cursor
        self.waited = False
        self.cursor = min(start + timedelta(minutes=minutes + self.rng.randint(1, 6)), self.latest)
        return self.cursor

    def mentor_decides(self, handed_at: datetime) -> tuple[datetime, datetime]:
        """When the mentor opens and decides on work handed in at ``handed_at``: within two days, in the daytime."""
        decided = (handed_at + timedelta(hours=self.rng.uniform(2, 40))).astimezone(self.zone)
        minute = self.rng.randrange(60)
        if decided.hour < 8:
            decided = decided.replace(hour=8, minute=minute)
        elif decided.hour >= 22:
            decided = (decided + timedelta(days=1)).replace(hour=8, minute=minute)
        decided = min(decided.astimezone(UTC), self.latest)
        self.cursor, self.waited = max(self.cursor or decided, decided), True
        return decided - timedelta(minutes=self.rng.randint(4, 30)), decided

    def lesson(self, lesson: Lesson, day: date, open_work: str | None = None, may_revise: bool = True) -> None:
        if lesson.kind == LessonKind.QUIZ:
            self.quiz(lesson, day)
        elif lesson.kind == LessonKind.ASSIGNMENT:
            self.assignment(lesson, day, open_work, may_revise)
        else:
            self.plan.completions.append((lesson, self.sit(day, lesson.minutes)))

    def quiz(self, lesson: Lesson, day: date) -> None:
        questions = list(lesson.questions)
        attempts = []
        if self.rng.random() < QUIZ_FIRST_FAIL:
            attempts.append(
                Attempt(quiz_answers(questions, lesson.pass_mark, self.rng, passing=False), self.sit(day, 8))
            )
            # Read the lesson again and retry in the same sitting, or at the next one.
            if self.rng.random() < 0.5:
                self.waited = True
        attempts.append(Attempt(quiz_answers(questions, lesson.pass_mark, self.rng, passing=True), self.sit(day, 8)))
        self.plan.quizzes.append((lesson, attempts))
        self.plan.completions.append((lesson, attempts[-1].at))

    def assignment(self, lesson: Lesson, day: date, open_work: str | None, may_revise: bool) -> None:
        draft, final, link, revise_feedback, feedbacks = self.texts(lesson)
        work = Work(lesson)
        revised = open_work == "revision" or (may_revise and self.rng.random() < REVISION_FIRST)
        first = draft if revised else final
        work.versions.append(Version(first, link, self.sit(day, 40)))
        self.plan.works.append(work)
        if open_work == "submitted":
            return
        if revised:
            opened, decided = self.mentor_decides(work.versions[-1].at)
            read = self.read_at(decided, open_request=open_work == "revision")
            work.decisions.append(Decision(False, revise_feedback, {}, opened, decided, read))
            if open_work == "revision":
                return
            again = self.next_sitting(decided + timedelta(days=self.rng.randint(0, 2)))
            self.cursor = min(again + timedelta(minutes=40), self.latest)
            work.versions.append(Version(final, link, self.cursor))
        opened, decided = self.mentor_decides(work.versions[-1].at)
        scores = {
            criterion.id: max(criterion.points - self.rng.choice([0, 0, 0, 1, 1, 2]), (criterion.points + 1) // 2)
            for criterion in lesson.rubric
        }
        feedback = self.rng.choice(feedbacks)
        work.decisions.append(Decision(True, feedback, scores, opened, decided, self.read_at(decided)))
        self.plan.completions.append((lesson, decided))

    def read_at(self, decided: datetime, open_request: bool = False) -> datetime | None:
        """When the learner read the decision: within a day or so, unless it asks for a revision not yet made.

        Such a request of the last two weeks is still unread, so the learner's home shows it.
        """
        read = min(decided + timedelta(hours=self.rng.uniform(1, 30)), self.latest)
        return None if open_request and decided > self.latest - timedelta(days=UNREAD_DAYS) else read

    def texts(self, lesson: Lesson) -> tuple[str, str, str, str, list[str]]:
        ordinal = self.assignments.index(lesson.id)
        draft, final, link, revise, feedbacks = WORK_TEXTS[ordinal] if ordinal < len(WORK_TEXTS) else GENERIC_TEXTS
        goods, post = self.rng.randrange(30, 90, 5), self.rng.choice([5, 6, 8])
        small = goods + post + 3 + self.rng.randrange(15, 40, 5)
        fee = small * 6 // 100
        values = {
            **self.names,
            "goods": goods,
            "post": post,
            "fee": fee,
            "small": small,
            "large": small * 2 - self.rng.randrange(5, 20, 5),
            "profit": small - goods - post - 3 - fee,
            "low": small - self.rng.randrange(10, 30, 5),
            "high": small + self.rng.randrange(10, 40, 5),
        }
        return (
            draft.format(**values),
            final.format(**values),
            link.format(**values),
            revise.format(**values),
            [text.format(**values) for text in feedbacks],
        )


def quiz_answers(
    questions: list[Question], pass_mark: int, rng: random.Random, passing: bool
) -> list[tuple[Question, bool, list[Option], Decimal | None]]:
    """Answers that pass (a slip or two allowed) or fail the quiz, as a learner would give them."""
    total = sum(question.points for question in questions) or 1
    score, wrong = total, set()
    for question in rng.sample(questions, len(questions)):
        left = score - question.points
        slip = passing and rng.random() < 0.3 and left * 100 // total >= pass_mark
        if slip or (not passing and score * 100 // total >= pass_mark):
            wrong.add(question.id)
            score = left
    return [answer(question, question.id not in wrong, rng) for question in questions]


def answer(
    question: Question, correct: bool, rng: random.Random
) -> tuple[Question, bool, list[Option], Decimal | None]:
    if question.kind == QuestionKind.NUMERIC:
        if question.answer is None:
            return question, False, [], None
        right = Decimal(question.answer)
        # A wrong sum: a quarter off and more than the tolerance, so it is graded wrong.
        wrong = right + abs(right) / 4 + Decimal(question.tolerance or 0) + 1
        value = right if correct else wrong.quantize(Decimal("0.1"))
        return question, correct, [], value
    options = list(question.options)
    right = [option for option in options if option.correct]
    if correct or len(options) < 2:
        return question, correct and bool(right), right, None
    if question.kind == QuestionKind.MULTIPLE:
        toggled = rng.choice(options)
        chosen = [option for option in options if option.correct != (option is toggled)]
        return question, False, chosen, None
    return question, False, [rng.choice([option for option in options if not option.correct] or options)], None


def nominal_days(lessons: list[Lesson], cohort_days: int) -> list[float]:
    """The cohort day each lesson is done on at a steady pace: assignments the day before they are due."""
    anchors = [(-1, 0.0)]
    for index, lesson in enumerate(lessons):
        if lesson.due_days is not None and lesson.due_days - 1 > anchors[-1][1]:
            anchors.append((index, float(lesson.due_days - 1)))
    if anchors[-1][0] < len(lessons) - 1:
        last_day = max(anchors[-1][1] + len(lessons) - anchors[-1][0], cohort_days * LAST_LESSON_SHARE)
        anchors.append((len(lessons) - 1, last_day))
    days = []
    for index in range(len(lessons)):
        (start, start_day), (end, end_day) = next(
            pair for pair in pairwise(anchors) if pair[0][0] < index <= pair[1][0]
        )
        days.append(start_day + (end_day - start_day) * (index - start) / (end - start))
    return days


def plan_learner(
    rng: random.Random,
    cohort: Cohort,
    lessons: list[Lesson],
    names: dict[str, str],
    story: Story | None,
) -> Plan:
    """What one learner did, lesson by lesson: all of it for a graduate (``story`` None), else their story."""
    walk = Walk(rng, lessons, names)
    cohort_days = max((cohort.ends_on - cohort.starts_on).days, len(lessons))
    pace = rng.uniform(0.85, 1.2) if story is None else rng.uniform(1.2, 1.8)
    days = [day * pace + rng.uniform(-1, 1.5) for day in nominal_days(lessons, cohort_days)]
    studied = len(lessons) if story is None else min(story.studied, len(lessons))
    for lesson, day in zip(lessons[:studied], days, strict=False):
        walk.lesson(lesson, cohort.starts_on + timedelta(days=max(int(day), 0)), may_revise=story is None)
    if story is None:
        return walk.plan
    today = program_today()
    later = lessons[studied : studied + story.caught_up]
    span = story.back_days_ago - story.last_days_ago
    for step, lesson in enumerate(later):
        day = today - timedelta(days=story.back_days_ago - span * step // max(len(later), 1))
        walk.lesson(lesson, day, may_revise=False)
    following = studied + len(later)
    if story.open_work and following < len(lessons) and lessons[following].kind == LessonKind.ASSIGNMENT:
        if story.caught_up:
            day = today - timedelta(days=story.last_days_ago)
        else:
            day = cohort.starts_on + timedelta(days=max(int(days[following]), 0))
        walk.lesson(lessons[following], day, story.open_work, may_revise=False)
    return walk.plan
