"""Follow-up services: the schedule, due and overdue waves (in Python and in SQL), recording, refusals, verification."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.outcomes.follow_ups import lists as list_services
from lms.outcomes.follow_ups import services
from lms.outcomes.follow_ups import waves as wave_services
from lms.outcomes.follow_ups.rules import OVERDUE_AFTER_DAYS, wave_due_on
from lms.outcomes.follow_ups.services import FollowUpRefused, FollowUpValues, UnusualIncome
from lms.outcomes.follow_ups.waves import WaveState
from lms.outcomes.models import AuditEntry, FollowUp, FollowUpQuantity, Graduation
from tests.factories import EnrollmentFactory

TODAY = date(2026, 11, 29)


def values(**changes) -> FollowUpValues:
    data = {
        "period_start": date(2026, 9, 1),
        "period_end": date(2026, 9, 30),
        "monthly_income_fen": 420_050,
        "revenue_fen": 1_250_000,
        "quantities": [("赣南脐橙", Decimal("1200"), "jin"), ("honey", Decimal("35.5"), "bottle")],
        "channels": ["wechat", "kuaishou"],
        "households_benefiting": 12,
        "people_employed": 2,
        "livestreams": 8,
        "shop_link": "https://shop.example.org/oranges",
        "notes": "Good season.",
    }
    return FollowUpValues(**{**data, **changes})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ---- Schedule ----


@pytest.mark.parametrize(
    ("typed", "months"),
    [("0, 3, 6, 12", [0, 3, 6, 12]), ("0，3，6", [0, 3, 6]), ("12", [12]), ("0,6,12,24,", [0, 6, 12, 24])],
)
def test_a_schedule_is_read_from_comma_separated_months(typed, months):
    assert wave_services.parse_schedule(typed) == months


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "Enter at least one month"),
        ("3, 0", "ascending order"),
        ("0, 3, 3", "3 is given twice"),
        ("0, 61", "from 0 to 60"),
        ("0, three", "not a whole number"),
        ("-1", "not a whole number"),
        ("1.5", "not a whole number"),
        (",".join(str(n) for n in range(13)), "at most 12"),
        ("９", "not a whole number"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_reason(typed, problem):
    with pytest.raises(ValueError, match=problem):
        wave_services.parse_schedule(typed)


# ---- Waves: due, overdue, collected ----


def test_a_graduate_of_13_months_ago_has_all_four_default_waves_due(world):
    graduation = world.graduate(graduated_on=date(2025, 10, 15))
    waves = wave_services.waves_of([graduation], TODAY)
    assert [(wave.months, wave.due_on, wave.state) for wave in waves] == [
        (0, date(2025, 10, 15), WaveState.OVERDUE),
        (3, date(2026, 1, 15), WaveState.OVERDUE),
        (6, date(2026, 4, 15), WaveState.OVERDUE),
        (12, date(2026, 10, 15), WaveState.OVERDUE),
    ]


def test_a_wave_is_due_for_30_days_then_overdue():
    due_on = date(2026, 10, 1)
    assert wave_services.wave_state(due_on, due_on - timedelta(days=1), False) == WaveState.UPCOMING
    assert wave_services.wave_state(due_on, due_on, False) == WaveState.DUE
    assert wave_services.wave_state(due_on, due_on + timedelta(days=OVERDUE_AFTER_DAYS), False) == WaveState.DUE
    assert wave_services.wave_state(due_on, due_on + timedelta(days=OVERDUE_AFTER_DAYS + 1), False) == WaveState.OVERDUE
    assert wave_services.wave_state(due_on, due_on + timedelta(days=400), True) == WaveState.COLLECTED


def test_the_sql_list_agrees_with_the_calendar_around_month_ends(world):
    """Graduations on every day of a stretch (month ends included): SQL states equal the Python ones."""
    learners = [EnrollmentFactory(cohort=world.cohort_a).learner for _ in range(70)]
    start = date(2026, 4, 20)
    graduations = [
        Graduation(learner_id=learner.id, cohort_id=world.cohort_a.id, graduated_on=start + timedelta(days=index))
        for index, learner in enumerate(learners)
    ]
    db.session.add_all(graduations)
    db.session.commit()
    today = date(2026, 8, 31)
    expected = {}
    for wave in wave_services.waves_of(graduations, today):
        if wave.state != WaveState.UPCOMING:
            expected[(wave.graduation.id, wave.months)] = wave.state.value
    rows = list_services.wave_rows(world.lead, today)
    listed = list_services.list_page(rows, "all", 1, 1000)
    assert {(row.graduation_id, row.wave_months): row.state for row in listed} == expected
    assert all(row.due_on == wave_due_on(row.graduated_on, row.wave_months) for row in listed)
    due_dates = [row.due_on for row in list_services.list_page(rows, "open", 1, 1000)]
    assert due_dates == sorted(due_dates)  # the oldest first


def test_undone_graduations_and_other_programs_schedules_count_as_they_should(world):
    graduation = world.graduate()
    graduation.undone_at = utcnow()
    world.program.follow_up_months = "0,6"
    db.session.commit()
    assert list_services.state_counts(list_services.wave_rows(world.lead, TODAY)) == {}
    graduation.undone_at = None
    db.session.commit()
    rows = list_services.list_page(list_services.wave_rows(world.lead, TODAY), "all", 1, 50)
    assert [row.wave_months for row in rows] == [0, 6]


def test_a_mentor_lists_only_graduates_active_in_their_cohorts(world):
    world.graduate()
    world.graduate(learner=world.learner_b, cohort=world.cohort_b)
    mentor_rows = list_services.list_page(list_services.wave_rows(world.mentor_a, TODAY), "all", 1, 50)
    assert {row.learner_id for row in mentor_rows} == {world.learner_a.id}
    lead_rows = list_services.list_page(list_services.wave_rows(world.lead, TODAY), "all", 1, 50)
    assert {row.learner_id for row in lead_rows} == {world.learner_a.id, world.learner_b.id}
    assert list_services.open_counts(world.mentor_a, TODAY) == {"due": 0, "overdue": 4}


# ---- Recording and its refusals ----


def test_a_graduate_records_their_own_follow_up_in_fen_with_an_audit_entry(world):
    graduation = world.graduate()
    follow_up = services.record_follow_up(world.learner_a, world.learner_a, 12, values(), today=TODAY)
    db.session.commit()
    assert (follow_up.graduation_id, follow_up.wave_months, follow_up.source) == (graduation.id, 12, "self")
    assert (follow_up.monthly_income_fen, follow_up.revenue_fen) == (420_050, 1_250_000)
    assert follow_up.channels == "kuaishou,wechat"  # the fixed order of SALES_CHANNELS
    assert [(q.product, q.quantity, q.unit) for q in follow_up.quantities] == [
        ("赣南脐橙", Decimal("1200.00"), "jin"),
        ("honey", Decimal("35.50"), "bottle"),
    ]
    assert not follow_up.verified
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "follow-up"))
    assert (entry.action, entry.actor_id, entry.learner_id) == ("create", world.learner_a.id, world.learner_a.id)
    assert entry.changes["monthly_income_fen"] == [None, 420_050]
    assert entry.changes["quantities"] == [None, "赣南脐橙 1200 jin; honey 35.5 bottle"]


def test_a_learner_who_has_not_graduated_is_refused(world):
    with pytest.raises(FollowUpRefused, match="has not graduated"):
        services.record_follow_up(world.learner_a, world.mentor_a, 0, values(), today=TODAY)
    graduation = world.graduate()
    graduation.undone_at = utcnow()
    db.session.commit()
    with pytest.raises(FollowUpRefused, match="has not graduated"):
        services.record_follow_up(world.learner_a, world.mentor_a, 0, values(), today=TODAY)
    assert count(FollowUp) == 0


def test_a_wave_outside_the_schedule_or_not_yet_due_is_refused_but_wave_0_is_open_at_once(world):
    world.graduate(graduated_on=TODAY - timedelta(days=100))
    with pytest.raises(FollowUpRefused, match="not in the program's schedule") as refused:
        services.record_follow_up(world.learner_a, world.learner_a, 4, values(), today=TODAY)
    assert refused.value.field == "wave"
    with pytest.raises(FollowUpRefused, match="opens on"):
        services.record_follow_up(world.learner_a, world.learner_a, 6, values(), today=TODAY)
    services.record_follow_up(world.learner_a, world.learner_a, 0, values(), today=TODAY)
    services.record_follow_up(world.learner_a, world.learner_a, 3, values(), today=TODAY)
    assert count(FollowUp) == 2


def test_a_second_follow_up_for_the_same_wave_is_refused_and_names_the_first(world):
    world.graduate()
    first = services.record_follow_up(world.learner_a, world.learner_a, 3, values(), today=TODAY)
    db.session.commit()
    with pytest.raises(FollowUpRefused, match="recorded already") as refused:
        services.record_follow_up(world.learner_a, world.mentor_a, 3, values(), today=TODAY)
    assert refused.value.existing.id == first.id


def test_a_double_submit_race_meets_the_constraint_and_gets_the_message(world, monkeypatch):
    """Both requests passed the check before either wrote: the database's one_per_wave decides."""
    world.graduate()
    services.record_follow_up(world.learner_a, world.learner_a, 3, values(), today=TODAY)
    db.session.commit()
    real_find = services.find_follow_up
    calls = []

    def not_seen_yet(graduation, months):
        calls.append(months)
        return None if len(calls) == 1 else real_find(graduation, months)

    monkeypatch.setattr(services, "find_follow_up", not_seen_yet)
    with pytest.raises(FollowUpRefused, match="recorded already") as refused:
        services.record_follow_up(world.learner_a, world.learner_a, 3, values(), today=TODAY)
    assert refused.value.existing is not None
    db.session.rollback()
    assert count(FollowUp) == 1
    assert count(FollowUpQuantity) == 2
    assert db.session.scalar(select(func.count()).where(AuditEntry.entity == "follow-up")) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"monthly_income_fen": -1},
        {"revenue_fen": -100},
        {"households_benefiting": -3},
        {"livestreams": -1},
        {"period_end": date(2026, 8, 1)},
        {"quantities": [("tea", Decimal("-2"), "kg")]},
        {"quantities": [("tea", Decimal("2"), "tonne")]},
        {"channels": ["xianyu"]},
    ],
)
def test_values_a_form_would_refuse_are_refused_by_the_service_too(world, changes):
    world.graduate()
    with pytest.raises(FollowUpRefused):
        services.record_follow_up(world.learner_a, world.learner_a, 3, values(**changes), today=TODAY)
    db.session.rollback()
    assert count(FollowUp) == 0


def test_douyin_is_a_sales_channel_as_lesson_three_teaches(world):
    world.graduate()
    follow_up = services.record_follow_up(
        world.learner_a, world.learner_a, 3, values(channels=["wechat", "douyin"]), today=TODAY
    )
    assert follow_up.channels == "douyin,wechat"


def test_an_income_ten_times_the_baseline_asks_for_confirmation(world):
    world.graduate(baseline_fen=200_000)
    with pytest.raises(UnusualIncome):
        services.record_follow_up(
            world.learner_a, world.learner_a, 3, values(monthly_income_fen=2_000_000), today=TODAY
        )
    follow_up = services.record_follow_up(
        world.learner_a, world.learner_a, 3, values(monthly_income_fen=2_000_000, unusual_confirmed=True), today=TODAY
    )
    assert follow_up.unusual_confirmed
    # Just under ten times is ordinary growth: no question, and nothing marked.
    ordinary = services.record_follow_up(
        world.learner_a, world.learner_a, 6, values(monthly_income_fen=1_999_999, unusual_confirmed=True), today=TODAY
    )
    assert not ordinary.unusual_confirmed


def test_without_a_baseline_no_income_is_unusual(world):
    world.graduate(baseline_fen=None)
    follow_up = services.record_follow_up(
        world.learner_a, world.learner_a, 3, values(monthly_income_fen=90_000_000), today=TODAY
    )
    assert follow_up.monthly_income_fen == 90_000_000


# ---- Verification, editing, deleting ----


def test_a_mentor_enters_on_behalf_and_verifies_against_evidence(world):
    world.graduate()
    follow_up = services.record_follow_up(world.learner_a, world.mentor_a, 3, values(), verify=True, today=TODAY)
    assert (follow_up.source, follow_up.verified_by_id, follow_up.recorded_by_id) == (
        "mentor",
        world.mentor_a.id,
        world.mentor_a.id,
    )
    assert follow_up.verified_at is not None


def test_a_graduate_cannot_verify_their_own_figures(world):
    world.graduate()
    follow_up = services.record_follow_up(world.learner_a, world.learner_a, 3, values(), verify=True, today=TODAY)
    assert not follow_up.verified


def test_verifying_later_is_audited_once(world):
    world.graduate()
    follow_up = services.record_follow_up(world.learner_a, world.learner_a, 3, values(), today=TODAY)
    services.verify_follow_up(follow_up, world.mentor_a)
    services.verify_follow_up(follow_up, world.lead)
    db.session.commit()
    assert follow_up.verified_by_id == world.mentor_a.id
    updates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).all()
    assert len(updates) == 1
    assert updates[0].changes["verified_by_id"] == [None, world.mentor_a.id]


def test_an_edit_is_audited_with_old_and_new_values(world):
    world.graduate()
    follow_up = services.record_follow_up(world.learner_a, world.learner_a, 3, values(), today=TODAY)
    services.update_follow_up(
        follow_up, world.learner_a, values(monthly_income_fen=450_000, quantities=[("tea", Decimal("50"), "kg")])
    )
    db.session.commit()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
    assert entry.changes["monthly_income_fen"] == [420_050, 450_000]
    assert entry.changes["quantities"] == ["赣南脐橙 1200 jin; honey 35.5 bottle", "tea 50 kg"]
    assert "revenue_fen" not in entry.changes
    # Saving the same values again writes no audit line.
    services.update_follow_up(
        follow_up, world.learner_a, values(monthly_income_fen=450_000, quantities=[("tea", Decimal("50"), "kg")])
    )
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "update")) == 1


def test_a_mentors_edit_keeps_the_verification_only_when_ticked_again(world):
    world.graduate()
    follow_up = services.record_follow_up(world.learner_a, world.mentor_a, 3, values(), verify=True, today=TODAY)
    services.update_follow_up(follow_up, world.mentor_a, values(livestreams=9), verify=True)
    assert follow_up.verified
    services.update_follow_up(follow_up, world.mentor_a, values(livestreams=10), verify=False)
    assert not follow_up.verified


def test_a_confirmed_unusual_income_stays_confirmed_while_unchanged(world):
    world.graduate(baseline_fen=100_000)
    follow_up = services.record_follow_up(
        world.learner_a, world.learner_a, 3, values(monthly_income_fen=5_000_000, unusual_confirmed=True), today=TODAY
    )
    services.update_follow_up(follow_up, world.learner_a, values(monthly_income_fen=5_000_000, notes="More."))
    assert follow_up.unusual_confirmed
    with pytest.raises(UnusualIncome):
        services.update_follow_up(follow_up, world.learner_a, values(monthly_income_fen=6_000_000))


def test_deleting_keeps_the_values_in_the_audit_log(world):
    world.graduate()
    follow_up = services.record_follow_up(world.learner_a, world.learner_a, 3, values(), today=TODAY)
    follow_up_id = follow_up.id
    services.delete_follow_up(follow_up, world.lead)
    db.session.commit()
    assert count(FollowUp) == 0
    assert count(FollowUpQuantity) == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delete"))
    assert (entry.entity_id, entry.actor_id) == (follow_up_id, world.lead.id)
    assert entry.changes["monthly_income_fen"] == [420_050, None]


def test_the_default_period_is_the_month_before_the_due_date():
    assert wave_services.default_period(date(2026, 10, 15), TODAY) == (date(2026, 9, 1), date(2026, 9, 30))
    assert wave_services.default_period(date(2026, 3, 1), TODAY) == (date(2026, 2, 1), date(2026, 2, 28))
