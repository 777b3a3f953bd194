"""A program at the size of a real one, for measuring: ``lms seed-scale --learners N``.

Cohorts of 200 learners across counties, the starter course, a year and more of learning and outcomes. Each
learner's lessons, quiz attempts, work and reviews are worked out by the demo's own walk (``plan_learner``); the rows
are then written in bulk with SQLAlchemy Core, a few statements per table, with ids given here so that children can
point at their parents without reading anything back.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum

from sqlalchemy import Table, func, insert, select, text

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.app.demo import offer_starter_courses
from lms.app.demo.outcomes import CHANNEL_STEPS, PRODUCTS, SUPPORT
from lms.app.demo.plans import Plan, Work, plan_learner
from lms.app.demo.progress import required_lessons
from lms.app.demo.stories import Story
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, cohort_mentors, program_leads
from lms.core.calendar import add_months, program_today
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses.models import LessonKind
from lms.learning.models import QuizAnswer, QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.models.quiz import quiz_answer_options
from lms.learning.models.submission import (
    Review,
    ReviewDecision,
    ReviewScore,
    Submission,
    SubmissionState,
    SubmissionVersion,
)
from lms.outcomes.follow_ups.waves import default_period
from lms.outcomes.models import (
    Baseline,
    FollowUp,
    FollowUpQuantity,
    FollowUpSource,
    Graduation,
    ReportingConsent,
    SupportRecord,
)

SCALE_SEED = 2028
COHORT_SIZE = 200
COHORTS_PER_MENTOR = 5
# Counties of southern Jiangxi; the flag marks the national-level poverty-stricken ones.
COUNTIES = [
    ("赣州市", "于都县", True),
    ("赣州市", "寻乌县", True),
    ("赣州市", "石城县", True),
    ("赣州市", "兴国县", True),
    ("赣州市", "宁都县", True),
    ("赣州市", "会昌县", True),
    ("赣州市", "安远县", True),
    ("赣州市", "信丰县", False),
    ("赣州市", "大余县", False),
    ("上饶市", "横峰县", True),
    ("上饶市", "鄱阳县", True),
    ("上饶市", "余干县", True),
    ("上饶市", "婺源县", False),
    ("吉安市", "遂川县", True),
    ("吉安市", "永新县", True),
    ("吉安市", "井冈山市", False),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "秀英桂兰玉梅春花建国志强海燕小红明华丽娟伟军磊勇俊芳敏静德明金春美玲红霞晓东文斌"
# Shares of the cohorts (oldest first) that have ended, and of an ended cohort's learners who graduated.
ENDED_SHARE = 0.7
GRADUATED_SHARE = 0.75
# Of the learners still at it, those whose next lesson is an assignment they handed in, waiting for a mentor.
WAITING_SHARE = 0.15
COHORT_MONTHS = 4
CONSENT_DECLINED_EVERY = 10
LEAD_EMAIL = "lead@scale.example.org"
PLANS_PER_COHORT = 24


@dataclass
class Rows:
    """The rows of each table, with the next id to give, filled learner by learner."""

    next_ids: dict[str, int]
    tables: dict[Table, list[dict]] = field(default_factory=dict)

    def add(self, table: Table, row: dict, *, with_id: bool = True) -> int | None:
        if with_id:
            row["id"] = self.next_ids[table.name]
            self.next_ids[table.name] += 1
        self.tables.setdefault(table, []).append(row)
        return row.get("id")

    def write(self) -> None:
        for table, rows in self.tables.items():
            bulk_insert(table, rows)
        self.tables.clear()


def bulk_insert(table: Table, rows: list[dict]) -> None:
    """Insert rows that all have the same keys: COPY on PostgreSQL, one prepared executemany on SQLite.

    Column defaults are filled here (once for all rows), as neither path runs SQLAlchemy's per-row processing.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    given = list(rows[0])
    defaults = {
        column.name: column.default.arg(None) if callable(column.default.arg) else column.default.arg
        for column in table.c
        if column.name not in given and column.default is not None and not column.primary_key
    }
    columns = given + list(defaults)
    fill = [plain(value) for value in defaults.values()]
    if dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([plain(row[name]) for name in given] + fill)
        return
    processor_of = {name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns}
    fill = [value if processor_of[name] is None else processor_of[name](value) for name, value in defaults.items()]
    # Learners given the same walk share its times: each value is converted once.
    converting = [(position, processor_of[name], {}) for position, name in enumerate(given) if processor_of[name]]
    values = []
    for row in rows:
        raw = [row[name] for name in given]
        for position, processor, seen in converting:
            value = raw[position]
            if value is not None:
                converted = seen.get(value)
                if converted is None:
                    converted = seen[value] = processor(value)
                raw[position] = converted
        values.append((*raw, *fill))
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our own names
    connection.exec_driver_sql(statement, values)


def plain(value):
    """Enum members as their values: COPY would otherwise write their names."""
    return value.value if isinstance(value, Enum) else value


@dataclass
class ScaleResult:
    program_name: str
    learners: int
    cohorts: int
    graduates: int
    mentor_logins: list[str]
    lead_login: str


ID_TABLES = [
    User.__table__,
    QuizAttempt.__table__,
    QuizAnswer.__table__,
    Submission.__table__,
    SubmissionVersion.__table__,
    Review.__table__,
    Graduation.__table__,
    FollowUp.__table__,
]


def next_ids() -> dict[str, int]:
    return {table.name: (db.session.scalar(select(func.max(table.c.id))) or 0) + 1 for table in ID_TABLES}


def learner_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))


def scale_program_name(learners: int) -> str:
    return f"规模测试计划（{learners:,} 名学员）"


def seed_scale(learners: int, password: str, cohort_size: int = COHORT_SIZE) -> ScaleResult:
    """Install a program of ``learners`` learners, their staff, cohorts, learning and outcomes; one per database."""
    if db.session.scalar(select(User.id).where(User.email == LEAD_EMAIL)) is not None:
        raise ValueError("a scale program is installed already: seed a fresh database")
    today = program_today()
    name = scale_program_name(learners)
    program = cohorts.create_program({"name": name, "currency": "CNY"})
    count = max(1, -(-learners // cohort_size))
    # One hash for every account: hashing 100,000 passwords would take hours and prove nothing.
    hashed = accounts.hash_password(password)
    rows = Rows(next_ids())
    lead_id = add_staff(rows, "规模负责人", Role.LEAD, LEAD_EMAIL, 1, hashed)
    mentor_ids = [
        add_staff(rows, f"导师{n + 1}", Role.MENTOR, mentor_email(n), n + 10, hashed)
        for n in range(max(1, -(-count // COHORTS_PER_MENTOR)))
    ]
    rows.write()
    db.session.execute(insert(program_leads), [{"program_id": program.id, "lead_id": lead_id}])  # she runs it
    ended = max(1, int(count * ENDED_SHARE)) if count > 1 else 1
    made = [cohorts.create_cohort(program, cohort_fields(index, count, ended, today)) for index in range(count)]
    db.session.execute(
        insert(cohort_mentors),
        [
            {"cohort_id": cohort.id, "mentor_id": mentor_ids[index // COHORTS_PER_MENTOR]}
            for index, cohort in enumerate(made)
        ],
    )
    offer_starter_courses(program, made)
    db.session.flush()
    lessons = required_lessons(made[0])
    graduates = 0
    for index, cohort in enumerate(made):
        size = min(cohort_size, learners - index * cohort_size)
        mentor_id = mentor_ids[index // COHORTS_PER_MENTOR]
        graduates += seed_cohort(rows, cohort, index, size, index < ended, lessons, mentor_id, lead_id, hashed, today)
        # Written a few cohorts at a time, so memory stays bounded at any size.
        if index % 10 == 9:
            rows.write()
    rows.write()
    return ScaleResult(name, learners, count, graduates, [mentor_email(n) for n in range(len(mentor_ids))], LEAD_EMAIL)


def mentor_email(number: int) -> str:
    return f"mentor{number + 1}@scale.example.org"


def add_staff(rows: Rows, name: str, role: str, email: str, number: int, hashed: str) -> int:
    return rows.add(
        User.__table__,
        {"name": name, "email": email, "phone": f"+86137{number:08d}", "role": role, "password_hash": hashed},
    )


def cohort_fields(index: int, count: int, ended: int, today: date) -> dict:
    """Ended cohorts ran one after another from some three years ago, so their graduates are past every wave;
    the others started over the last three months."""
    city, county, poverty = COUNTIES[index % len(COUNTIES)]
    if index < ended:
        starts_on = add_months(today, -34) + timedelta(days=index * 500 // ended)
        ends_on = add_months(starts_on, COHORT_MONTHS)
    else:
        starts_on = today - timedelta(days=100 - (index - ended) * 86 // max(count - ended, 1))
        ends_on = add_months(starts_on, COHORT_MONTHS)
    return {
        "name": f"{county}第{index // len(COUNTIES) + 1}期",
        "province": "江西省",
        "city": city,
        "county": county,
        "poverty_county": poverty,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }


def seed_cohort(
    rows: Rows,
    cohort: Cohort,
    index: int,
    size: int,
    ended: bool,
    lessons: list,
    mentor_id: int,
    lead_id: int,
    hashed: str,
    today: date,
) -> int:
    """One cohort's learners with everything they did; returns how many graduated."""
    rng = random.Random(f"{SCALE_SEED}-{index}")  # noqa: S311 - benchmark data
    graduated_on = cohort.ends_on + timedelta(days=10)
    plans = PlanPool(cohort, index, lessons, ended, today, mentor_id)
    created_at = datetime.combine(cohort.starts_on - timedelta(days=10), time(12), UTC)
    graduates = 0
    for number in range(size):
        product = rng.choice(list(PRODUCTS))
        learner_id = rows.add(
            User.__table__,
            {
                "name": learner_name(rng),
                "phone": f"+86136{index:04d}{number:04d}",
                "role": Role.LEARNER,
                "password_hash": hashed,
                "created_at": created_at,
            },
        )
        enrolled_at = datetime.combine(cohort.starts_on - timedelta(days=rng.randint(2, 9)), time(12), UTC)
        rows.add(
            Enrollment.__table__,
            {
                "cohort_id": cohort.id,
                "learner_id": learner_id,
                "status": EnrollmentStatus.ACTIVE,
                "enrolled_at": enrolled_at,
            },
            with_id=False,
        )
        income = add_baseline(rows, learner_id, product, rng, lead_id)
        rows.add(
            ReportingConsent.__table__,
            {"learner_id": learner_id, "granted": number % CONSENT_DECLINED_EVERY != 0, "recorded_by_id": lead_id},
            with_id=False,
        )
        graduate = ended and rng.random() < GRADUATED_SHARE
        plans.pick(graduate, rng.randrange(PLANS_PER_COHORT)).add_to(rows, learner_id)
        if graduate:
            graduates += 1
            graduation_id = rows.add(
                Graduation.__table__,
                {
                    "learner_id": learner_id,
                    "cohort_id": cohort.id,
                    "graduated_on": graduated_on,
                    "confirmed_by_id": lead_id,
                    "confirmed_at": datetime.combine(graduated_on, time(10), UTC),
                },
            )
            add_outcomes(rows, graduation_id, learner_id, graduated_on, income, product, rng, mentor_id, lead_id, today)
    return graduates


@dataclass
class PlanRows:
    """One walk's rows, without the learner and ids: every learner given this walk gets a copy."""

    completions: list[dict] = field(default_factory=list)
    # (attempt, [(answer, [option ids])])
    attempts: list[tuple[dict, list[tuple[dict, list[int]]]]] = field(default_factory=list)
    # (submission, [version], [(index of the version, review, [score])])
    works: list[tuple[dict, list[dict], list[tuple[int, dict, list[dict]]]]] = field(default_factory=list)

    def add_to(self, rows: Rows, learner_id: int) -> None:
        for completion in self.completions:
            rows.add(Completion.__table__, {**completion, "learner_id": learner_id}, with_id=False)
        for attempt, answers in self.attempts:
            attempt_id = rows.add(QuizAttempt.__table__, {**attempt, "learner_id": learner_id})
            for answer, options in answers:
                answer_id = rows.add(QuizAnswer.__table__, {**answer, "attempt_id": attempt_id})
                for option_id in options:
                    rows.add(quiz_answer_options, {"answer_id": answer_id, "option_id": option_id}, with_id=False)
        for submission, versions, reviews in self.works:
            submission_id = rows.add(Submission.__table__, {**submission, "learner_id": learner_id})
            version_ids = [
                rows.add(SubmissionVersion.__table__, {**version, "submission_id": submission_id})
                for version in versions
            ]
            for version_index, review, scores in reviews:
                review_id = rows.add(
                    Review.__table__,
                    {**review, "submission_id": submission_id, "version_id": version_ids[version_index]},
                )
                for score in scores:
                    rows.add(ReviewScore.__table__, {**score, "review_id": review_id}, with_id=False)


def plan_rows(plan: Plan, cohort: Cohort, mentor_id: int) -> PlanRows:
    """The plan's completions, quiz attempts with their answers, and work with its versions and reviews."""
    result = PlanRows()
    for lesson, at in plan.completions:
        result.completions.append({"lesson_id": lesson.id, "completed_at": at})
    for lesson, attempts in plan.quizzes:
        for number, attempt in enumerate(attempts, start=1):
            # Scored as grade_attempt scores it.
            max_points = sum(question.points for question, *_rest in attempt.answers)
            score = sum(question.points for question, correct, *_rest in attempt.answers if correct)
            percent = score * 100 // max_points if max_points else 100
            row = {
                "lesson_id": lesson.id,
                "number": number,
                "score_points": score,
                "max_points": max_points,
                "score_percent": percent,
                "passed": percent >= lesson.pass_mark,
                "submitted_at": attempt.at,
            }
            answers = [
                (
                    {
                        "question_id": question.id,
                        "correct": correct,
                        "points_awarded": question.points if correct else 0,
                        "numeric_value": value,
                    },
                    [option.id for option in chosen],
                )
                for question, correct, chosen, value in attempt.answers
            ]
            result.attempts.append((row, answers))
    result.works = [work_rows(work, cohort, mentor_id) for work in plan.works]
    return result


def work_rows(
    work: Work, cohort: Cohort, mentor_id: int
) -> tuple[dict, list[dict], list[tuple[int, dict, list[dict]]]]:
    """One submission in the state submit_work and record_review leave it (as the demo's ``submission_row``)."""
    last = work.decisions[-1] if len(work.decisions) == len(work.versions) else None
    if last is None:
        state = SubmissionState.SUBMITTED
    else:
        state = SubmissionState.ACCEPTED if last.accepted else SubmissionState.REVISION_REQUESTED
    submission = {
        "lesson_id": work.lesson.id,
        "cohort_id": cohort.id,
        "state": state,
        "row_version": 1 + len(work.versions) + 2 * len(work.decisions),
        "version_count": len(work.versions),
        "first_submitted_at": work.versions[0].at,
        "last_submitted_at": work.versions[-1].at,
        "review_started_at": last.opened_at if last else None,
        "reviewing_mentor_id": mentor_id if last else None,
        "decided_at": last.at if last else None,
    }
    versions = [
        {"number": number, "text": version.text, "link": version.link, "submitted_at": version.at, "late": False}
        for number, version in enumerate(work.versions, start=1)
    ]
    reviews = [
        (
            version_index,
            {
                "mentor_id": mentor_id,
                "decision": ReviewDecision.ACCEPTED if decision.accepted else ReviewDecision.REVISION_REQUESTED,
                "feedback": decision.feedback,
                "total_points": sum(decision.scores.values()),
                "turnaround_seconds": max(int((decision.at - work.versions[version_index].at).total_seconds()), 0),
                "created_at": decision.at,
                "read_by_learner_at": decision.read_at,
            },
            [{"criterion_id": criterion, "points": points} for criterion, points in decision.scores.items()],
        )
        for version_index, decision in enumerate(work.decisions)
    ]
    return submission, versions, reviews


class PlanPool:
    """A cohort's walks through the course, a few dozen of them: walking every learner would take most of the time."""

    def __init__(self, cohort: Cohort, index: int, lessons: list, ended: bool, today: date, mentor_id: int):
        self.cohort, self.index, self.lessons, self.ended, self.mentor_id = cohort, index, lessons, ended, mentor_id
        self.assignments = [position for position, lesson in enumerate(lessons) if lesson.kind == LessonKind.ASSIGNMENT]
        days_in = max((min(today, cohort.ends_on) - cohort.starts_on).days, 1)
        self.share_done = min(days_in / max((cohort.ends_on - cohort.starts_on).days, 1), 1.0)
        self.plans: dict[tuple[bool, int], PlanRows] = {}

    def pick(self, graduate: bool, slot: int) -> PlanRows:
        key = (graduate, slot)
        if key not in self.plans:
            rng = random.Random(f"{SCALE_SEED}-{self.index}-{graduate}-{slot}")  # noqa: S311 - benchmark data
            story = (
                None if graduate else learner_story(rng, self.lessons, self.assignments, self.ended, self.share_done)
            )
            names = {"product": rng.choice(list(PRODUCTS)), "village": "", "slug": f"scale-{self.index}-{slot}"}
            plan = plan_learner(rng, self.cohort, self.lessons, names, story)
            self.plans[key] = plan_rows(plan, self.cohort, self.mentor_id)
        return self.plans[key]


def learner_story(rng: random.Random, lessons: list, assignments: list[int], ended: bool, share_done: float) -> Story:
    """A learner who has not graduated: gave up part way, or is at it with the cohort, some waiting for a review."""
    if ended:
        return Story(studied=rng.randint(1, max(len(lessons) // 2, 1)))
    reached = max(1, min(len(lessons) - 1, int(len(lessons) * share_done * rng.uniform(0.5, 1.1))))
    if rng.random() < WAITING_SHARE and assignments:
        before = [position for position in assignments if position <= reached] or assignments[:1]
        return Story(studied=before[-1], open_work="submitted")
    return Story(studied=reached)


def add_baseline(rows: Rows, learner_id: int, product: str, rng: random.Random, lead_id: int) -> int:
    """The learner's situation at intake (as the demo's ``seed_baseline``); returns the monthly income in fen."""
    income = rng.randrange(1_500, 4_001, 100) * 100
    status = rng.choice(["idea", "offline", "offline", "online"])
    rows.add(
        Baseline.__table__,
        {
            "learner_id": learner_id,
            "monthly_income_fen": income,
            "household_size": rng.randint(3, 6),
            "business_status": status,
            "main_products": PRODUCTS[product][0],
            "channels": "offline" if status != "online" else "offline,wechat",
            "gender": rng.choice(["female", "male"]),
            "birth_year": rng.randint(1972, 2000),
            "recorded_by_id": lead_id,
        },
        with_id=False,
    )
    return income


def add_outcomes(
    rows: Rows,
    graduation_id: int,
    learner_id: int,
    graduated_on: date,
    income: int,
    product: str,
    rng: random.Random,
    mentor_id: int,
    lead_id: int,
    today: date,
) -> None:
    """Follow-ups for the waves due (one in eight skipped), each with the product sold, and support for a third."""
    product_name, unit = PRODUCTS[product]
    due = [months for months in (0, 3, 6, 12) if add_months(graduated_on, months) <= today]
    for step, months in enumerate(due):
        income = max(80_000, int(income * (1 + rng.uniform(-0.1, 0.35))) // 100 * 100)
        if rng.random() < 0.12:
            continue
        sold = rng.randint(40, 160) * (step + 1)
        on_behalf, verified = rng.random() < 0.25, rng.random() < 0.45
        period_start, period_end = default_period(add_months(graduated_on, months), today)
        follow_up_id = rows.add(
            FollowUp.__table__,
            {
                "graduation_id": graduation_id,
                "learner_id": learner_id,
                "wave_months": months,
                "period_start": period_start,
                "period_end": period_end,
                "monthly_income_fen": income,
                "revenue_fen": sold * rng.randint(30, 90) * 100,
                "channels": ",".join(code for steps in CHANNEL_STEPS[: step + 1] for code in steps),
                "households_benefiting": rng.randint(0, 6) * (step + 1),
                "people_employed": rng.randint(0, step + 1),
                "livestreams": rng.randint(0, 6) * step,
                "source": FollowUpSource.MENTOR if on_behalf else FollowUpSource.SELF,
                "recorded_by_id": mentor_id if on_behalf else learner_id,
                "verified_at": datetime.combine(period_end + timedelta(days=12), time(10), UTC) if verified else None,
                "verified_by_id": mentor_id if verified else None,
            },
        )
        rows.add(
            FollowUpQuantity.__table__,
            {"follow_up_id": follow_up_id, "product": product_name, "quantity": Decimal(sold), "unit": unit},
            with_id=False,
        )
    if rng.random() < 1 / 3:
        for kind, value_fen, given_by in rng.sample(SUPPORT, 2):
            rows.add(
                SupportRecord.__table__,
                {
                    "learner_id": learner_id,
                    "kind": kind,
                    "given_on": add_months(graduated_on, rng.randint(0, 3)),
                    "value_fen": value_fen,
                    "given_by": given_by,
                    "recorded_by_id": lead_id,
                },
                with_id=False,
            )


def finish_bulk_load() -> None:
    """Move PostgreSQL's id sequences past the ids given here, and gather planner statistics for the new rows."""
    if db.engine.dialect.name == "postgresql":
        for table in ID_TABLES:
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - our own table names
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                )
            )
    db.session.execute(text("ANALYZE"))
