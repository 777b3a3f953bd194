"""Learning progress for the demo: graduates who did the whole course, and learners still at it.

The rows are written directly, dated over the cohort's weeks: the quiz, submission and review services
stamp everything "now" and notify everyone again. The field values are the ones those services set.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.auth.models import User
from lms.cohorts.models import Cohort, Enrollment
from lms.cohorts.models.contact import Notification, NotificationKind
from lms.cohorts.models.submission import (
    Review,
    ReviewDecision,
    ReviewScore,
    Submission,
    SubmissionState,
    SubmissionVersion,
)
from lms.cohorts.notification_services import link_to, review_link
from lms.cohorts.submission_services import assignment_due_on, is_late
from lms.courses.models import (
    CohortCourse,
    Course,
    Lesson,
    LessonKind,
    Module,
    Option,
    Question,
    QuestionKind,
    QuizAnswer,
    QuizAttempt,
)
from lms.extensions import db
from lms.outcomes.models import Graduation
from lms.progress.certificate_services import issue_course_certificate
from lms.progress.cohort_services import program_today, program_zone
from lms.progress.models import Certificate, CertificateKind, Completion
from lms.timeutil import utcnow

PROGRESS_SEED = 2026
# Graduates mostly pass a quiz first time and have an assignment accepted first time; not always.
QUIZ_FIRST_FAIL = 0.3
REVISION_FIRST = 0.3
# The last required lesson of a graduate falls at most this far into the cohort, before slow pace and reviews.
LAST_LESSON_SHARE = 0.7
UNREAD_DAYS = 14


@dataclass(frozen=True)
class Story:
    """A learner who has not graduated: lessons studied during the cohort, then caught up lately, and the next one.

    ``open_work`` is what became of the next lesson when it is an assignment: handed in and waiting for the
    mentor ("submitted"), or sent back ("revision"). The comeback runs from ``back_days_ago`` to
    ``last_days_ago`` before today.
    """

    studied: int
    caught_up: int = 0
    open_work: str | None = None
    back_days_ago: int = 0
    last_days_ago: int = 0


# (cohort index, learner index) → story; learners not listed and not graduated study a few lessons.
# Both cohorts have ended: those who did not graduate either gave up or came back lately to finish.
STORIES = {
    # Came back to finish: the price list waits in the first mentor's queue.
    (0, 8): Story(studied=7, caught_up=7, open_work="submitted", back_days_ago=20, last_days_ago=2),
    # Gave up after the first assignment was sent back, over a year ago.
    (0, 9): Story(studied=6, open_work="revision"),
    # Two in the second mentor's queue, one of them waiting long enough to be marked overdue.
    (1, 6): Story(studied=10, caught_up=4, open_work="submitted", back_days_ago=24, last_days_ago=1),
    (1, 9): Story(studied=7, caught_up=3, open_work="submitted", back_days_ago=16, last_days_ago=5),
    # A revision requested a few days ago, not read yet.
    (1, 7): Story(studied=4, caught_up=2, open_work="revision", back_days_ago=12, last_days_ago=4),
    # Tried again six weeks ago, then went quiet: at risk.
    (1, 8): Story(studied=4, caught_up=1, back_days_ago=41, last_days_ago=40),
}

# Per assignment of the course, in order: (first draft, final version, link or "", revision feedback, feedback).
WORK_TEXTS = [
    (
        "拍了一条{product}的视频，先介绍了我们{village}，后面拍了{product}。",
        "视频已经发在我的快手号上（搜“{village}{product}”）。开头 3 秒直接拍{product}的特写，"
        "再说产地、做法和一句实话，最后说怎么下单。一共 38 秒，竖屏，加了字幕。",
        "",
        "前 3 秒还在介绍村子，买家早就划走了。先拍{product}最好看的样子，再讲产地。光线也偏暗，白天靠窗重拍一条。",
        [
            "开头直接拍{product}，一下就抓住人了。字幕清楚，时长合适。",
            "画面稳、光线亮，产地和做法都说清楚了，很真实。结尾可以再说一句怎么下单。",
            "这条拍得好！开头有亮点，声音清楚，记得每周坚持发。",
        ],
    ),
    (
        "店铺申请已经提交了，还在审核，先交链接。",
        "店铺开在拼多多，叫“{village}{product}小铺”，已经上架{product}两个规格，每个商品 6 张主图，"
        "标题写了产地、规格和特点，详情页写了净重、保存方法和发货时间。",
        "https://shop.example.com/{slug}",
        "链接现在还打不开。等审核通过、上架了商品再交，标题里记得写上产地和规格。",
        [
            "店铺开好了，主图清楚，标题有产地和规格，没有违规词。",
            "详情页写得很实在，净重和发货时间都有。可以再加一张上秤的照片。",
            "链接能打开，商品也上架了，不错！下一步把视频挂上商品链接。",
        ],
    ),
    (
        "{product}小份卖 {small} 元，大份卖 {large} 元。",
        "{product}价目表\n"
        "小份：货 {goods} 元＋包装 3 元＋快递 {post} 元＋平台佣金约 {fee} 元，售价 {small} 元，每单赚 {profit} 元。\n"
        "大份：售价 {large} 元，包装和快递只多 4 元，利润更高，主推大份。\n"
        "江西、浙江、上海等地包邮；新疆、西藏等偏远地区加 10 元。下单后 48 小时内发货。\n"
        "比较了 3 家同类店铺，他们卖 {low} 到 {high} 元，我的是自家{product}，价格定在中间。",
        "",
        "只写了售价，成本没有列出来。把货、包装、快递和佣金都算进去，看看每单到底赚多少，再交一次。",
        [
            "成本列得很细，利润算对了，包邮范围也清楚。",
            "价格有依据，和同类比较过，很好。偏远地区的运费也想到了。",
            "算得很认真。大促前记得再算一遍佣金。",
        ],
    ),
]
GENERIC_TEXTS = (
    "第一稿：{product}的作业，先交给老师看看。",
    "{product}的作业做好了，按课上的要求一条一条检查过。",
    "",
    "还差一点：对照课上的要求再看一遍，把缺的部分补上再交。",
    ["做得认真，要求都做到了。", "不错，继续保持！"],
)


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


# ---- Writing the plans: only what a learner does not have yet ----


@dataclass
class Existing:
    """The (learner, lesson) pairs that already have completions, quiz attempts or submissions."""

    completions: set[tuple[int, int]]
    attempts: set[tuple[int, int]]
    submissions: set[tuple[int, int]]


def existing_rows(learner_ids: list[int]) -> Existing:
    def pairs(model) -> set[tuple[int, int]]:
        query = select(model.learner_id, model.lesson_id).where(model.learner_id.in_(learner_ids))
        return {(learner_id, lesson_id) for learner_id, lesson_id in db.session.execute(query)}

    return Existing(pairs(Completion), pairs(QuizAttempt), pairs(Submission))


def required_lessons(cohort: Cohort) -> list[Lesson]:
    """The published lessons of the cohort's required courses in course order, with questions and rubrics."""
    query = (
        select(Lesson)
        .join(Module, Module.id == Lesson.module_id)
        .join(Course, Course.id == Module.course_id)
        .join(CohortCourse, CohortCourse.course_id == Course.id)
        .where(
            CohortCourse.cohort_id == cohort.id,
            CohortCourse.required.is_(True),
            Course.published.is_(True),
            Lesson.published.is_(True),
        )
        .order_by(Course.id, Module.position, Module.id, Lesson.position, Lesson.id)
        .options(selectinload(Lesson.questions).selectinload(Question.options), selectinload(Lesson.rubric))
    )
    return list(db.session.scalars(query))


def quiz_attempt(lesson: Lesson, learner: User, number: int, attempt: Attempt) -> QuizAttempt:
    """An attempt scored as ``grade_attempt`` scores it."""
    row = QuizAttempt(lesson_id=lesson.id, learner_id=learner.id, number=number, submitted_at=attempt.at)
    for question, correct, chosen, value in attempt.answers:
        points = question.points if correct else 0
        row.answers.append(
            QuizAnswer(question=question, correct=correct, points_awarded=points, numeric_value=value, selected=chosen)
        )
    row.max_points = sum(question.points for question, *_rest in attempt.answers)
    row.score_points = sum(answer.points_awarded for answer in row.answers)
    row.score_percent = row.score_points * 100 // row.max_points if row.max_points else 100
    row.passed = row.score_percent >= lesson.pass_mark
    return row


def submission_row(work: Work, learner: User, cohort: Cohort, mentor: User) -> Submission:
    """The submission with its versions and reviews, in the state submit_work and record_review leave it."""
    due_on = assignment_due_on(work.lesson, cohort)
    last = work.decisions[-1] if len(work.decisions) == len(work.versions) else None
    if last is None:
        state = SubmissionState.SUBMITTED
    else:
        state = SubmissionState.ACCEPTED if last.accepted else SubmissionState.REVISION_REQUESTED
    row = Submission(
        lesson_id=work.lesson.id,
        learner_id=learner.id,
        cohort_id=cohort.id,
        state=state,
        # One bump per version handed in, two per review (opened, then decided).
        row_version=1 + len(work.versions) + 2 * len(work.decisions),
        version_count=len(work.versions),
        first_submitted_at=work.versions[0].at,
        last_submitted_at=work.versions[-1].at,
        review_started_at=last.opened_at if last else None,
        reviewing_mentor_id=mentor.id if last else None,
        decided_at=last.at if last else None,
    )
    for number, version in enumerate(work.versions, start=1):
        row.versions.append(
            SubmissionVersion(
                number=number,
                text=version.text,
                link=version.link,
                submitted_at=version.at,
                late=is_late(version.at, due_on),
            )
        )
    for version, decision in zip(row.versions, work.decisions, strict=False):
        row.reviews.append(
            Review(
                version=version,
                mentor_id=mentor.id,
                decision=ReviewDecision.ACCEPTED if decision.accepted else ReviewDecision.REVISION_REQUESTED,
                feedback=decision.feedback,
                total_points=sum(decision.scores.values()),
                turnaround_seconds=max(int((decision.at - version.submitted_at).total_seconds()), 0),
                created_at=decision.at,
                read_by_learner_at=decision.read_at,
                scores=[
                    ReviewScore(criterion_id=criterion, points=points) for criterion, points in decision.scores.items()
                ],
            )
        )
    return row


def work_notifications(work: Work, learner: User, mentor: User) -> list[Notification]:
    """What the mentor and the learner were told along the way, read when they acted on it."""
    queue, thread = review_link(), link_to("cohorts.my_submission", lesson_id=work.lesson.id)
    rows = []
    for index, version in enumerate(work.versions):
        decision = work.decisions[index] if index < len(work.decisions) else None
        rows.append(
            Notification(
                user_id=mentor.id,
                kind=str(NotificationKind.SUBMISSION_TO_REVIEW),
                link=queue,
                params={"learner": learner.name, "lesson": work.lesson.title},
                created_at=version.at,
                read_at=decision.opened_at if decision else None,
            )
        )
        if decision is not None:
            kind = NotificationKind.FEEDBACK_RECEIVED if decision.accepted else NotificationKind.REVISION_REQUESTED
            rows.append(
                Notification(
                    user_id=learner.id,
                    kind=str(kind),
                    link=thread,
                    params={"lesson": work.lesson.title, "mentor": mentor.name},
                    created_at=decision.at,
                    read_at=decision.read_at,
                )
            )
    return rows


def write_plan(plan: Plan, learner: User, cohort: Cohort, mentor: User, existing: Existing) -> None:
    """Add the plan's rows, leaving alone every lesson the learner already has something for."""
    for lesson, at in plan.completions:
        if (learner.id, lesson.id) not in existing.completions:
            db.session.add(Completion(learner_id=learner.id, lesson_id=lesson.id, completed_at=at))
    for lesson, attempts in plan.quizzes:
        if (learner.id, lesson.id) not in existing.attempts:
            db.session.add_all(quiz_attempt(lesson, learner, number, each) for number, each in enumerate(attempts, 1))
    for work in plan.works:
        if (learner.id, work.lesson.id) not in existing.submissions:
            db.session.add(submission_row(work, learner, cohort, mentor))
            db.session.add_all(work_notifications(work, learner, mentor))
    # Handing in work and reading feedback needed a sign-in too (the activity columns count sign-ins).
    moments = [at for _lesson, at in plan.completions]
    moments += [version.at for work in plan.works for version in work.versions]
    moments += [decision.read_at for work in plan.works for decision in work.decisions if decision.read_at]
    if moments and (learner.last_login_at is None or learner.last_login_at < max(moments)):
        learner.last_login_at = max(moments)


def local_moment(day: date, hour: int) -> datetime:
    """``hour`` o'clock of ``day`` in the program's time zone, in UTC."""
    return datetime.combine(day, time(hour), program_zone()).astimezone(UTC)


def date_enrolments(cohort: Cohort, learners: list[User], rng: random.Random) -> None:
    """Learners enrolled a few days before their cohort started, not on the day the demo was seeded."""
    enrolments = {
        enrolment.learner_id: enrolment
        for enrolment in db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort.id))
    }
    for learner in learners:
        enrolled = local_moment(cohort.starts_on - timedelta(days=rng.randint(2, 9)), rng.randint(9, 21))
        enrolment = enrolments.get(learner.id)
        if enrolment is not None and enrolment.enrolled_at > local_moment(cohort.starts_on, 0):
            enrolment.enrolled_at = enrolled


def date_certificates(graduates: list[tuple[User, Graduation]], courses: list[Course]) -> None:
    """Course certificates for the graduates, issued when they finished; program ones on graduation day."""
    for learner, _graduation in graduates:
        for course in courses:
            issue_course_certificate(learner, course)
    ids = [learner.id for learner, _graduation in graduates]
    finished = {
        (learner_id, course_id): at
        for learner_id, course_id, at in db.session.execute(
            select(Completion.learner_id, Module.course_id, func.max(Completion.completed_at))
            .join(Lesson, Lesson.id == Completion.lesson_id)
            .join(Module, Module.id == Lesson.module_id)
            .where(Completion.learner_id.in_(ids))
            .group_by(Completion.learner_id, Module.course_id)
        )
    }
    graduated = {learner.id: graduation.graduated_on for learner, graduation in graduates}
    for certificate in db.session.scalars(select(Certificate).where(Certificate.learner_id.in_(ids))):
        if certificate.kind == CertificateKind.COURSE:
            at = finished.get((certificate.learner_id, certificate.course_id))
        else:
            at = local_moment(graduated[certificate.learner_id], 10)
        if at is not None and certificate.issued_at > at:
            certificate.issued_at = at


def seed_progress(cohorts_learners: list[tuple[Cohort, list[User]]], products: list[list[str]]) -> None:
    """Lessons, quizzes, submissions and reviews of the demo learners, dated over their cohorts; adds nothing twice.

    ``products`` names each learner's product, cohort by cohort, for the texts of their assignments.
    """
    learner_ids = [learner.id for _cohort, learners in cohorts_learners for learner in learners]
    existing = existing_rows(learner_ids)
    graduations = {
        (graduation.learner_id, graduation.cohort_id): graduation
        for graduation in db.session.scalars(
            select(Graduation).where(Graduation.learner_id.in_(learner_ids), Graduation.undone_at.is_(None))
        )
    }
    graduates, courses = [], {}
    for cohort_index, (cohort, learners) in enumerate(cohorts_learners):
        lessons = required_lessons(cohort)
        if not lessons or not cohort.mentors or cohort.starts_on is None or cohort.ends_on is None:
            continue
        mentor = cohort.mentors[0]
        date_enrolments(cohort, learners, random.Random(f"{PROGRESS_SEED}-{cohort_index}"))  # noqa: S311 - demo data
        courses.update({lesson.module.course_id: lesson.module.course for lesson in lessons})
        for learner_index, learner in enumerate(learners):
            # One generator per learner: a change to one learner's story never shifts another's.
            rng = random.Random(f"{PROGRESS_SEED}-{cohort_index}-{learner_index}")  # noqa: S311 - demo data
            graduation = graduations.get((learner.id, cohort.id))
            story = None
            if graduation is None:
                story = STORIES.get((cohort_index, learner_index)) or Story(
                    studied=rng.randint(1, max(len(lessons) // 2, 1))
                )
            else:
                graduates.append((learner, graduation))
            names = {
                "product": products[cohort_index][learner_index],
                "village": learner.village,
                "slug": f"demo-{cohort_index + 1}-{learner_index + 1:02d}",
            }
            write_plan(plan_learner(rng, cohort, lessons, names, story), learner, cohort, mentor, existing)
    db.session.flush()
    date_certificates(graduates, list(courses.values()))
    db.session.flush()
