"""The demo's outcomes: graduates with baselines, follow-ups across the waves, and support received."""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from lms.accounts.models import User
from lms.certificates.services import issue_program_certificate
from lms.cohorts.models import Cohort
from lms.core.calendar import add_months, program_today, utcnow
from lms.core.extensions import db
from lms.outcomes.follow_ups import waves as wave_services
from lms.outcomes.models import (
    Baseline,
    FollowUp,
    FollowUpQuantity,
    FollowUpSource,
    Graduation,
    ReportingConsent,
    SupportRecord,
)

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


def seed_outcomes(
    cohorts_learners: list[tuple[Cohort, list[User]]], mentors: list[User], products: list[list[str]], lead: User
) -> None:
    """Graduate most of the demo learners, with believable baselines, follow-ups and support; adds nothing twice.

    ``mentors`` gives each cohort's mentor, and ``products`` each learner's product (a key of PRODUCTS), cohort by
    cohort.
    """
    today = program_today()
    for cohort_index, (cohort, learners) in enumerate(cohorts_learners):
        count, months_ago = GRADUATES[cohort_index]
        graduated_on = add_months(today, -months_ago) + timedelta(days=GRADUATED_DAYS_LATER)
        mentor = mentors[cohort_index]
        for learner_index, learner in enumerate(learners[:count]):
            key = (cohort_index, learner_index)
            # One generator per learner: a learner seeded earlier never shifts another's figures.
            rng = random.Random(f"{OUTCOME_SEED}-{cohort_index}-{learner_index}")  # noqa: S311 - demo figures
            product = products[cohort_index][learner_index]
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
