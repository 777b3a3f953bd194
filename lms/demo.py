"""The demo program that ``lms seed-demo`` installs: a county incubator with two cohorts."""

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.auth import services as accounts
from lms.auth.models import Role, User
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, Program
from lms.courses import starter
from lms.courses.models import CohortCourse, Course
from lms.courses.starter.videos import add_demo_videos
from lms.demo_progress import seed_progress
from lms.extensions import db
from lms.outcomes import follow_up_waves as wave_services
from lms.outcomes.follow_up_rules import add_months
from lms.outcomes.models import (
    Baseline,
    FollowUp,
    FollowUpQuantity,
    FollowUpSource,
    Graduation,
    ReportingConsent,
    SupportRecord,
)
from lms.progress.certificate_services import issue_program_certificate
from lms.progress.cohort_services import program_today
from lms.timeutil import utcnow

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
]


@dataclass
class SeedResult:
    program_name: str
    password: str
    logins: list[tuple[str, str, str]] = field(default_factory=list)
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
            if learner_index == 0:
                result.logins.append((Role.LEARNER, learner.name, learner.phone))
        cohorts_learners.append((cohort, learners))
    courses = offer_starter_courses(program, program.cohorts)
    if videos:
        for language, course in zip(starter.LANGUAGES, courses, strict=True):
            changed = add_demo_videos(course, starter.starter_path(language))
            result.video_lesson_ids.extend(lesson.id for lesson in changed)
    db.session.flush()
    seed_outcomes(cohorts_learners, mentors, lead)
    db.session.flush()
    # The graduates did the course, and the others are at different points of it.
    seed_progress(cohorts_learners, [[PRODUCTS[row[3]][0] for row in spec["learners"]] for spec in COHORTS])
    return result


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


# ---- Outcomes: graduates with baselines, follow-ups across the waves, support received ----

OUTCOME_SEED = 2027
# Per cohort: how many of its learners graduated, and how many months ago (so that waves 0/3/6/12 or 0/3 are due);
# ten days less, so the latest wave fell due recently and the older ones missed are overdue.
GRADUATES = [(8, 13), (6, 4)]
GRADUATED_DAYS_LATER = 10
# Learners (cohort index, learner index) who declined to have their figures in reports.
CONSENT_DECLINED = {(0, 6), (1, 4)}
# Learners whose income fell after the course: not every business grows.
INCOME_FALLING = {(0, 5), (1, 3)}
FEMALE = {
    "江金春",
    "王秀英",
    "张丽",
    "刘小红",
    "杨桂兰",
    "赵敏",
    "周海燕",
    "吴春花",
    "孙玉梅",
    "朱秀珍",
    "林小燕",
    "郭红梅",
}
# What each demo product is called in the follow-ups, and the unit it sells in.
PRODUCTS = {
    "tea": ("高山云雾茶", "jin"),
    "arrowroot powder": ("葛根粉", "jin"),
    "honey": ("土蜂蜜", "bottle"),
    "dried bamboo shoots": ("笋干", "jin"),
    "navel oranges": ("赣南脐橙", "box"),
    "handwoven baskets": ("竹编篮", "piece"),
    "free-range eggs": ("土鸡蛋", "box"),
    "homestay": ("农家腊肉", "jin"),
    "arrowroot noodles": ("葛根粉条", "jin"),
    "tea oil": ("山茶油", "bottle"),
    "rice noodles": ("于都米粉", "jin"),
    "vegetables": ("高山蔬菜", "kg"),
    "sweet potato vermicelli": ("红薯粉", "jin"),
    "dried persimmons": ("柿饼", "box"),
    "black goats": ("黑山羊肉", "kg"),
    "handmade tofu skin": ("手工腐竹", "jin"),
    "chestnuts": ("板栗", "kg"),
}
# Channels a graduate adds as the business grows: the first waves sell at the market and on WeChat.
CHANNEL_STEPS = [["offline", "wechat"], ["kuaishou"], ["pinduoduo"], ["taobao", "youzan"]]
SUPPORT = [
    ("traffic_credit", 500_000, "快手乡村振兴流量扶持"),
    ("loan", 3_000_000, "县农村信用合作社"),
    ("equipment", 86_000, "县商务局（补光灯、手机支架）"),
    ("platform_introduction", 0, "拼多多农产品上行项目"),
]


def seed_outcomes(cohorts_learners: list[tuple[Cohort, list[User]]], mentors: list[User], lead: User) -> None:
    """Graduate most of the demo learners, with believable baselines, follow-ups and support; adds nothing twice."""
    today = program_today()
    for cohort_index, (cohort, learners) in enumerate(cohorts_learners):
        count, months_ago = GRADUATES[cohort_index]
        graduated_on = add_months(today, -months_ago) + timedelta(days=GRADUATED_DAYS_LATER)
        mentor = mentors[COHORTS[cohort_index]["mentor"]]
        for learner_index, learner in enumerate(learners[:count]):
            key = (cohort_index, learner_index)
            # One generator per learner: a learner seeded earlier never shifts another's figures.
            rng = random.Random(f"{OUTCOME_SEED}-{cohort_index}-{learner_index}")  # noqa: S311 - demo figures
            product = COHORTS[cohort_index]["learners"][learner_index][3]
            baseline = seed_baseline(learner, product, rng, lead)
            if db.session.scalar(select(ReportingConsent.id).where(ReportingConsent.learner_id == learner.id)) is None:
                db.session.add(
                    ReportingConsent(learner_id=learner.id, granted=key not in CONSENT_DECLINED, recorded_by_id=lead.id)
                )
            graduation = seed_graduation(learner, cohort, graduated_on, lead)
            seed_follow_ups(graduation, baseline, product, key, rng, mentor, today)
            if learner_index % 3 == 0:
                seed_support(learner, rng, lead, graduated_on)
    db.session.flush()
    # The graduates whose latest wave is still open hear about it, as the daily command would tell them.
    wave_services.notify_due_follow_ups(today)


def seed_baseline(learner: User, product: str, rng: random.Random, lead: User) -> Baseline:
    baseline = db.session.scalar(select(Baseline).where(Baseline.learner_id == learner.id))
    values = {
        "monthly_income_fen": rng.randrange(1_500, 4_001, 100) * 100,
        "household_size": rng.randint(3, 6),
        "business_status": rng.choice(["idea", "offline", "offline", "online"]),
        "gender": "female" if learner.name in FEMALE else "male",
        "birth_year": rng.randint(1972, 2000),
    }
    if baseline is None:
        baseline = Baseline(
            learner_id=learner.id,
            main_products=PRODUCTS[product][0],
            channels="offline" if values["business_status"] != "online" else "offline,wechat",
            recorded_by_id=lead.id,
            **values,
        )
        db.session.add(baseline)
        db.session.flush()
    return baseline


def seed_graduation(learner: User, cohort: Cohort, graduated_on: date, lead: User) -> Graduation:
    graduation = db.session.scalar(
        select(Graduation).where(Graduation.learner_id == learner.id, Graduation.cohort_id == cohort.id)
    )
    if graduation is None:
        graduation = Graduation(
            learner_id=learner.id, cohort_id=cohort.id, graduated_on=graduated_on, confirmed_by_id=lead.id
        )
        db.session.add(graduation)
        db.session.flush()
        issue_program_certificate(learner, cohort.program)
    return graduation


def seed_follow_ups(
    graduation: Graduation,
    baseline: Baseline,
    product: str,
    key: tuple[int, int],
    rng: random.Random,
    mentor: User,
    today: date,
) -> None:
    """Follow-ups for most of the due waves: incomes rising for most graduates, falling for a few."""
    product_name, unit = PRODUCTS[product]
    done = set(db.session.scalars(select(FollowUp.wave_months).where(FollowUp.graduation_id == graduation.id)))
    due = [
        months
        for months in graduation.cohort.program.follow_up_waves
        if add_months(graduation.graduated_on, months) <= today
    ]
    income = baseline.monthly_income_fen
    for step, months in enumerate(due):
        growth = rng.uniform(-0.18, -0.05) if key in INCOME_FALLING else rng.uniform(0.08, 0.35)
        income = max(80_000, int(income * (1 + growth)) // 100 * 100)
        # The first learners of each cohort (the demo logins) keep their latest wave open, so the card shows;
        # a few others skipped a wave, so response rates stay below 100%.
        skipped = rng.random() < 0.12 or (key[1] == 0 and step == len(due) - 1)
        sold = rng.randint(40, 160) * (step + 1) * (2 if key == (0, 0) else 1)
        verified, on_behalf, checked_after = rng.random() < 0.45, rng.random() < 0.25, rng.randint(5, 20)
        figures = {
            "revenue_fen": sold * rng.randint(30, 90) * 100,
            # The seed's tea grower: half a year on, some 200 households sell through her.
            "households_benefiting": 200 if key == (0, 0) and months >= 6 else rng.randint(0, 6) * (step + 1),
            "people_employed": rng.randint(0, step + 1),
            "livestreams": rng.randint(0, 6) * step,
        }
        if months in done or skipped:
            continue
        period_start, period_end = wave_services.default_period(add_months(graduation.graduated_on, months), today)
        follow_up = FollowUp(
            graduation_id=graduation.id,
            learner_id=graduation.learner_id,
            wave_months=months,
            period_start=period_start,
            period_end=period_end,
            monthly_income_fen=income,
            channels=",".join(code for steps in CHANNEL_STEPS[: step + 1] for code in steps),
            source=FollowUpSource.MENTOR if on_behalf else FollowUpSource.SELF,
            recorded_by_id=mentor.id if on_behalf else graduation.learner_id,
            # Checked a couple of weeks after the period, when the mentor visited.
            verified_at=min(utcnow(), datetime.combine(period_end + timedelta(days=checked_after), time(10), UTC))
            if verified
            else None,
            verified_by_id=mentor.id if verified else None,
            **figures,
        )
        follow_up.quantities = [FollowUpQuantity(product=product_name, quantity=Decimal(sold), unit=unit)]
        db.session.add(follow_up)


def seed_support(learner: User, rng: random.Random, lead: User, graduated_on: date) -> None:
    if db.session.scalar(select(SupportRecord.id).where(SupportRecord.learner_id == learner.id).limit(1)):
        return
    for kind, value_fen, given_by in rng.sample(SUPPORT, 2):
        db.session.add(
            SupportRecord(
                learner_id=learner.id,
                kind=kind,
                given_on=add_months(graduated_on, rng.randint(0, 3)),
                value_fen=value_fen,
                given_by=given_by,
                recorded_by_id=lead.id,
            )
        )
