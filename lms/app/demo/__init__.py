"""The demo program that ``lms seed-demo`` installs: a county incubator with two cohorts."""

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.app.demo.outcomes import PRODUCTS, seed_outcomes
from lms.app.demo.progress import seed_progress
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, Program
from lms.core.calendar import add_months, program_today
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses import starter
from lms.courses.models import CohortCourse, Course
from lms.courses.starter.videos import add_demo_videos
from lms.learning.models.submission import Submission
from lms.learning.services.submissions import REVIEWABLE_STATES
from lms.outcomes.follow_ups.waves import home_follow_ups

PROGRAM_NAME = "赣南乡村电商孵化计划"
LEAD = ("周丽华", "lead@demo.example.org", "13800000001")
MENTORS = [
    ("江建华", "mentor1@demo.example.org", "13800000011"),
    ("刘芳", "mentor2@demo.example.org", "13800000012"),
]
COHORTS = [
    {
        "name": "横峰县第一期",
        "province": "江西省",
        "city": "上饶市",
        "county": "横峰县",
        "invite_code": "HENGFENG",
        # Months before the seed day the cohort started and ended: its graduates are a year into follow-ups.
        "ran_months_ago": (17, 13),
        "mentor": 0,
        "learners": [
            ("江金春", "岑阳镇", "葛源村", "tea"),
            ("王秀英", "岑阳镇", "港边村", "arrowroot powder"),
            ("李建国", "葛源镇", "枫林村", "honey"),
            ("张丽", "葛源镇", "石桥村", "tea"),
            ("刘小红", "莲荷乡", "贵溪村", "dried bamboo shoots"),
            ("陈伟", "莲荷乡", "三联村", "navel oranges"),
            ("杨桂兰", "姚家乡", "兴安村", "handwoven baskets"),
            ("黄志强", "姚家乡", "塘湾村", "free-range eggs"),
            ("赵敏", "龙门畈乡", "畈上村", "homestay"),
            ("周海燕", "龙门畈乡", "黄家村", "arrowroot noodles"),
        ],
    },
    {
        "name": "于都县第一期",
        "province": "江西省",
        "city": "赣州市",
        "county": "于都县",
        "invite_code": "YUDU2027",
        "ran_months_ago": (8, 4),
        # Yudu was a national-level poverty-stricken county: the impact report counts its graduates apart.
        "poverty_county": True,
        "mentor": 1,
        "learners": [
            ("吴春花", "贡江镇", "长征村", "navel oranges"),
            ("徐明", "罗坳镇", "步前村", "tea oil"),
            ("孙玉梅", "罗坳镇", "大桥村", "rice noodles"),
            ("胡军", "梓山镇", "潭头村", "vegetables"),
            ("朱秀珍", "梓山镇", "山坪村", "sweet potato vermicelli"),
            ("高磊", "银坑镇", "窑前村", "honey"),
            ("林小燕", "银坑镇", "平安村", "dried persimmons"),
            ("何勇", "岭背镇", "谢屋村", "black goats"),
            ("郭红梅", "车溪乡", "坳脑村", "handmade tofu skin"),
            ("马俊", "车溪乡", "坪坑村", "chestnuts"),
        ],
    },
    {
        # Under way: its invite code still works, and its learners are mid-course.
        "name": "石城县第一期",
        "province": "江西省",
        "city": "赣州市",
        "county": "石城县",
        "invite_code": "SHICHENG",
        "ran_months_ago": (1, -3),
        "mentor": 0,
        "learners": [
            ("赖春燕", "琴江镇", "大畲村", "tea"),
            ("温志华", "小松镇", "丹溪村", "navel oranges"),
            ("曾秀兰", "屏山镇", "长溪村", "honey"),
            ("黄德明", "木兰乡", "小姑村", "chestnuts"),
        ],
    },
]
# The cohorts whose graduates have outcomes: those that have ended.
ENDED_COHORTS = 2
UNDER_WAY = 2


@dataclass
class SeedResult:
    program_name: str
    password: str
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    # One learner of each stage (what she is at, name, mobile number), and a cohort one may still join.
    stages: list[tuple[str, str, str]] = field(default_factory=list)
    open_cohort: tuple[str, str] | None = None
    # Lessons given a demo video: their renditions are made once the seed is committed.
    video_lesson_ids: list[int] = field(default_factory=list)


def demo_password(given: str | None) -> str:
    """The given password, else the one kept from an earlier seed, else a new random one."""
    keep = Path(current_app.instance_path) / "demo_password"
    if given:
        keep.write_text(given)
        return given
    if keep.exists():
        return keep.read_text().strip()
    password = secrets.token_urlsafe(9)
    keep.write_text(password)
    keep.chmod(0o600)
    return password


def ensure_user(name: str, role: str, email: str | None, phone: str, password: str, **place: str) -> User:
    user = db.session.scalar(select(User).where(User.phone == accounts.normalize_phone(phone)))
    if user is None:
        user = accounts.create_user(name=name, role=role, password=password, email=email, phone=phone)
        for field, value in place.items():
            setattr(user, field, value)
        return user
    if not accounts.verify_password(user, password):
        accounts.change_password(user, password)
    return user


def learner_phone(cohort_index: int, learner_index: int) -> str:
    return f"139{cohort_index + 1:02d}00{learner_index + 1:04d}"


def seed(password: str | None = None, *, videos: bool = True) -> SeedResult:
    """Create (or find) the demo program, its staff, cohorts and learners."""
    password = demo_password(password)
    result = SeedResult(PROGRAM_NAME, password)
    program = db.session.scalar(select(Program).where(Program.name == PROGRAM_NAME))
    if program is None:
        program = cohorts.create_program({"name": PROGRAM_NAME, "currency": "CNY"})
    lead = ensure_user(*LEAD[:1], Role.LEAD, LEAD[1], LEAD[2], password)
    result.logins.append((Role.LEAD, lead.name, lead.email))
    if lead not in program.leads:
        program.leads.append(lead)  # a lead runs only the programs she leads
    mentors = [ensure_user(name, Role.MENTOR, email, phone, password) for name, email, phone in MENTORS]
    result.logins.extend((Role.MENTOR, mentor.name, mentor.email) for mentor in mentors)
    cohorts_learners = []
    today = program_today()
    for cohort_index, spec in enumerate(COHORTS):
        cohort = db.session.scalar(select(Cohort).where(Cohort.invite_code == spec["invite_code"]))
        if cohort is None:
            started, ended = spec["ran_months_ago"]
            cohort = cohorts.create_cohort(
                program,
                {**spec, "starts_on": add_months(today, -started), "ends_on": add_months(today, -ended)},
            )
            cohort.invite_code = spec["invite_code"]
        cohorts.assign_mentor(cohort, mentors[spec["mentor"]])
        learners = []
        for learner_index, (name, township, village, _product) in enumerate(spec["learners"]):
            phone = learner_phone(cohort_index, learner_index)
            learner = ensure_user(name, Role.LEARNER, None, phone, password, township=township, village=village)
            cohorts.enroll_learner(cohort, learner)
            learners.append(learner)
        cohorts_learners.append((cohort, learners))
    courses = offer_starter_courses(program, program.cohorts)
    if videos:
        for language, course in zip(starter.LANGUAGES, courses, strict=True):
            changed = add_demo_videos(course, starter.starter_path(language))
            result.video_lesson_ids.extend(lesson.id for lesson in changed)
    db.session.flush()
    products = [[row[3] for row in spec["learners"]] for spec in COHORTS]
    ended = cohorts_learners[:ENDED_COHORTS]
    seed_outcomes(ended, [mentors[spec["mentor"]] for spec in COHORTS[:ENDED_COHORTS]], products, lead)
    db.session.flush()
    # The graduates did the course, and the others are at different points of it.
    seed_progress(cohorts_learners, [[PRODUCTS[key][0] for key in keys] for keys in products])
    db.session.flush()
    result.stages = learner_stages(cohorts_learners)
    open_cohort = cohorts_learners[UNDER_WAY][0]
    result.open_cohort = (open_cohort.name, open_cohort.invite_code)
    return result


def learner_stages(cohorts_learners: list[tuple[Cohort, list[User]]]) -> list[tuple[str, str, str]]:
    """One learner to sign in as for each stage: mid-course, waiting for a review, a graduate due a follow-up."""
    under_way = cohorts_learners[UNDER_WAY][1]
    waiting = set(
        db.session.scalars(
            select(Submission.learner_id).where(
                Submission.learner_id.in_([learner.id for learner in under_way]),
                Submission.state.in_(REVIEWABLE_STATES),
            )
        )
    )
    stages = []
    mid_course = next((learner for learner in under_way if learner.id not in waiting), None)
    if mid_course is not None:
        stages.append(("mid-course", mid_course.name, mid_course.phone))
    waiting_one = next((learner for learner in under_way if learner.id in waiting), None)
    if waiting_one is not None:
        stages.append(("waiting for review", waiting_one.name, waiting_one.phone))
    for _cohort, learners in cohorts_learners[:ENDED_COHORTS]:
        due = next((learner for learner in learners if getattr(home_follow_ups(learner), "due", None)), None)
        if due is not None:
            stages.append(("graduate, follow-up due", due.name, due.phone))
            break
    return stages


def offer_starter_courses(program: Program, cohorts: list[Cohort]) -> list[Course]:
    """Install the starter course in both languages; the Chinese one is required, the English one offered."""
    courses = []
    for language in starter.LANGUAGES:
        course, _created = starter.import_course(starter.starter_path(language), program)
        courses.append(course)
        offered = set(db.session.scalars(select(CohortCourse.cohort_id).where(CohortCourse.course_id == course.id)))
        for cohort in cohorts:
            if cohort.id not in offered:
                db.session.add(CohortCourse(cohort=cohort, course=course, required=language == "zh_Hans"))
    return courses
