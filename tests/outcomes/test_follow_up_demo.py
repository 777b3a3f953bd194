"""The demo seed's graduates: baselines, follow-ups across the waves and support, believable and seeded once."""

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.core.extensions import db
from lms.notifications.models import Notification
from lms.outcomes.models import Baseline, FollowUp, FollowUpQuantity, Graduation, ReportingConsent, SupportRecord
from tests.conftest import DEMO_PASSWORD, seed_demo

pytestmark = pytest.mark.demo_seeded  # one seed for the module: each test reads it, what it writes is undone

MODELS = (Graduation, Baseline, ReportingConsent, FollowUp, FollowUpQuantity, SupportRecord, Notification, Certificate)


def counts() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in MODELS}


def test_the_demo_graduates_have_believable_outcomes_and_a_second_seed_adds_nothing(app, client):
    first = counts()
    assert first["Graduation"] == 14
    assert first["Baseline"] == first["ReportingConsent"] == 14
    assert first["Certificate"] >= 14
    # 8 graduates with 4 waves due and 6 with 2: most, not all, are filled in.
    assert 30 <= first["FollowUp"] < 8 * 4 + 6 * 2
    assert first["FollowUpQuantity"] == first["FollowUp"]
    assert 3 <= first["SupportRecord"] <= 12
    assert db.session.scalar(select(func.count()).where(ReportingConsent.granted.is_(False))) == 2
    incomes = db.session.scalars(select(Baseline.monthly_income_fen)).all()
    assert all(150_000 <= income <= 400_000 for income in incomes)
    assert set(db.session.scalars(select(Baseline.gender))) == {"female", "male"}
    verified = db.session.scalar(select(func.count()).where(FollowUp.verified_at.is_not(None)))
    assert 0 < verified < first["FollowUp"]
    units = set(db.session.scalars(select(FollowUpQuantity.unit)))
    assert {"jin", "box", "bottle"} <= units
    products = set(db.session.scalars(select(FollowUpQuantity.product)))
    assert "赣南脐橙" in products

    seed_demo(app)
    assert counts() == first

    # The demo's first learner has her 12-month follow-up open: her home says so.
    jiang = db.session.scalar(select(User).where(User.phone == "+8613901000001"))
    assert client.post("/login", data={"login": "13901000001", "password": DEMO_PASSWORD}).status_code == 302
    home = client.get("/").text
    assert f"/learners/{jiang.id}/follow-ups/new?wave=12" in home
    assert "Notifications" in home
    mine = client.get(f"/learners/{jiang.id}/follow-ups").text
    assert "Self-reported" in mine or "Verified" in mine


def test_most_demo_incomes_rise_and_a_few_fall(app):
    rows = db.session.execute(
        select(FollowUp.learner_id, FollowUp.wave_months, FollowUp.monthly_income_fen, Baseline.monthly_income_fen)
        .join(Baseline, Baseline.learner_id == FollowUp.learner_id)
        .order_by(FollowUp.learner_id, FollowUp.wave_months)
    ).all()
    latest = {}
    for learner_id, _wave, income, baseline in rows:
        latest[learner_id] = (income, baseline)
    rising = sum(1 for income, baseline in latest.values() if income > baseline)
    falling = sum(1 for income, baseline in latest.values() if income < baseline)
    assert rising >= 10
    assert 1 <= falling <= 3
