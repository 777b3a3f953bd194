"""Intake services: money parsed exactly into fen, consent recorded and withdrawn, baselines audited."""

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.core.money import fen_to_yuan_text, yuan_to_fen
from lms.outcomes.audit import changed_fields, learner_audit, record_change
from lms.outcomes.intake import services as intake
from lms.outcomes.models import AuditEntry, Baseline, ReportingConsent

VALUES = {
    "monthly_income_fen": 350050,
    "household_size": 4,
    "business_status": "idea",
    "main_products": "脐橙",
    "channels": ["wechat", "kuaishou"],
    "gender": "female",
    "birth_year": 1985,
}


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("3500.5", 350050),
        ("3500.50", 350050),
        ("0", 0),
        (" 12 ", 1200),
        ("0.01", 1),
        ("3,500", 350000),
        ("3，500", 350000),
        ("8.2元", 820),
        ("¥12", 1200),
        ("３５００元", 350000),
    ],
)
def test_yuan_text_becomes_exact_fen(text, fen):
    assert yuan_to_fen(text) == fen


@pytest.mark.parametrize(
    "text", ["1e3", "-1", "", "abc", "1.234", "NaN", "Infinity", "1,000,0", "3,5000", "3万", "12斤", "9" * 40]
)
def test_anything_but_plain_yuan_is_refused(text):
    with pytest.raises(ValueError, match=r".*"):
        yuan_to_fen(text)


def test_fen_shows_back_as_the_yuan_text_typed():
    assert fen_to_yuan_text(350050) == "3500.50"
    assert fen_to_yuan_text(5) == "0.05"


def test_consent_is_recorded_then_withdrawn_with_audit(world):
    intake.record_consent(world.learner_a, True, world.learner_a)
    db.session.commit()
    intake.record_consent(world.learner_a, False, world.mentor_a)
    db.session.commit()
    consent = db.session.scalars(select(ReportingConsent)).one()
    assert consent.granted is False
    assert consent.recorded_by_id == world.mentor_a.id
    entries = db.session.scalars(learner_audit(world.learner_a)).all()
    assert [(e.action, e.changes) for e in entries] == [
        ("update", {"granted": [True, False]}),
        ("create", {"granted": [None, True]}),
    ]


def test_the_same_consent_twice_logs_nothing_new(world):
    intake.record_consent(world.learner_a, True, world.learner_a)
    intake.record_consent(world.learner_a, True, world.learner_a)
    db.session.commit()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


def test_editing_a_baseline_keeps_one_row_and_audits_only_changed_fields(world):
    intake.save_baseline(world.learner_a, world.mentor_a, VALUES)
    db.session.commit()
    intake.save_baseline(world.learner_a, world.learner_a, {**VALUES, "household_size": 5, "channels": ["kuaishou"]})
    db.session.commit()
    baseline = db.session.scalars(select(Baseline)).one()
    assert baseline.household_size == 5
    assert baseline.recorded_by_id == world.learner_a.id
    latest, first = db.session.scalars(learner_audit(world.learner_a)).all()
    assert first.action == "create"
    assert first.actor_id == world.mentor_a.id
    assert first.changes["monthly_income_fen"] == [None, 350050]
    assert first.changes["channels"] == [None, "kuaishou,wechat"]
    assert latest.action == "update"
    assert latest.changes == {"household_size": [4, 5], "channels": ["kuaishou,wechat", "kuaishou"]}


def test_saving_the_same_baseline_again_logs_nothing(world):
    intake.save_baseline(world.learner_a, world.learner_a, VALUES)
    intake.save_baseline(world.learner_a, world.learner_a, {**VALUES, "channels": ["kuaishou", "wechat"]})
    db.session.commit()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


def test_record_change_stores_only_changed_fields_and_skips_empty_updates(world):
    entry = record_change(world.lead, "support", 7, world.learner_a.id, "update", {"a": 1, "b": 2}, {"a": 1, "b": 3})
    assert entry.changes == {"b": [2, 3]}
    assert record_change(world.lead, "support", 7, world.learner_a.id, "update", {"a": 1}, {"a": 1}) is None
    assert changed_fields({}, {"on": date(2027, 1, 2)}) == {"on": [None, "2027-01-02"]}


def test_a_learner_without_baseline_needs_intake(world):
    assert intake.needs_baseline(world.learner_a)
    assert not intake.needs_baseline(world.mentor_a)
    intake.save_baseline(world.learner_a, world.learner_a, VALUES)
    assert not intake.needs_baseline(world.learner_a)
