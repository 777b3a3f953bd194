"""Support records: exact amounts in fen, totals per kind and cohort in SQL, deletion audited, who sees what."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.cohorts.models import Enrollment, EnrollmentStatus
from lms.cohorts.services import viewable_cohorts
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.money import yuan_to_fen
from lms.outcomes.models import AuditEntry, SupportRecord
from lms.outcomes.support import services as support_services
from tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory, UserFactory

VALID = {"kind": "traffic_credit", "given_on": "2026-03-01", "value_yuan": "5000", "given_by": "Kuaishou"}


def post_support(client, learner, **changes):
    return client.post(f"/learners/{learner.id}/support", data={**VALID, **changes})


def record_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SupportRecord))


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def make_record(learner, kind="loan", value_fen=100, given_on=date(2026, 1, 1)) -> SupportRecord:
    record = SupportRecord(learner_id=learner.id, kind=kind, given_on=given_on, value_fen=value_fen, given_by="x")
    db.session.add(record)
    return record


# ---- Amounts: exact, in fen, never a float ----


def test_the_seeds_500_million_yuan_of_traffic_credits_is_stored_in_fen(client, auth, world):
    auth.login(world.lead)
    response = post_support(client, world.learner_a, value_yuan="500000000")
    assert response.status_code == 302
    record = db.session.scalar(select(SupportRecord))
    assert record.value_fen == 50_000_000_000
    assert isinstance(record.value_fen, int)
    assert (record.kind, record.given_on, record.given_by) == ("traffic_credit", date(2026, 3, 1), "Kuaishou")
    page = client.get(f"/learners/{world.learner_a.id}/support").get_data(as_text=True)
    assert "500,000,000.00" in page


@pytest.mark.parametrize(
    ("typed", "fen"), [("3500.50", 350_050), ("0", 0), ("0.01", 1), ("1,234.5", 123_450), (" 12 ", 1200)]
)
def test_amounts_in_yuan_become_exact_fen(client, auth, world, typed, fen):
    auth.login(world.lead)
    assert post_support(client, world.learner_a, value_yuan=typed).status_code == 302
    assert db.session.scalar(select(SupportRecord.value_fen)) == fen


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", "Use at most 2 decimal places, for example 12.5."),
        ("-5", "The number cannot be negative."),
        ("abc", "is not a number. Type digits, for example 8.2 or 3,500."),
        ("1e5", "is not a number. Type digits, for example 8.2 or 3,500."),
        ("NaN", "is not a number. Type digits, for example 8.2 or 3,500."),
        ("5万", "in digits only, for example 50000."),
        ("9" * 40, "This number is too large."),
        ("", "Enter the value in yuan; 0 when it had no money value."),
        ("   ", "Enter the value in yuan; 0 when it had no money value."),
    ],
)
def test_bad_amounts_are_refused_with_a_message_and_nothing_written(client, auth, world, typed, message):
    auth.login(world.lead)
    response = post_support(client, world.learner_a, value_yuan=typed)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="value_yuan-error"' in page
    assert message in page
    assert record_count() == 0
    assert audit_count() == 0


def test_a_date_in_the_future_or_a_missing_giver_is_refused(client, auth, world):
    auth.login(world.lead)
    tomorrow = (program_today() + timedelta(days=1)).isoformat()
    page = post_support(client, world.learner_a, given_on=tomorrow, given_by=" ").get_data(as_text=True)
    assert "The date cannot be in the future." in page
    assert "Enter who gave it." in page
    assert post_support(client, world.learner_a, kind="gift").status_code == 200
    assert record_count() == 0


def test_yuan_to_fen_refuses_fractions_of_a_fen():
    assert yuan_to_fen(Decimal("500000000")) == 50_000_000_000
    with pytest.raises(ValueError, match="decimal"):
        yuan_to_fen(Decimal("0.001"))


# ---- The learner's list ----


def test_the_learner_sees_their_own_list_and_total_read_only(client, auth, world):
    make_record(world.learner_a, "loan", 500_000, date(2026, 2, 1))
    make_record(world.learner_a, "equipment", 123_456, date(2026, 3, 1))
    make_record(world.learner_b, "loan", 999_900)
    db.session.commit()
    auth.login(world.learner_a)
    page = client.get(f"/learners/{world.learner_a.id}/support").get_data(as_text=True)
    assert "Small loan" in page
    assert "Equipment" in page
    assert "5,000.00" in page
    assert "1,234.56" in page
    assert "6,234.56" in page  # the total
    assert "9,999.00" not in page  # learner B's
    assert "Record support" not in page
    assert "/delete" not in page


def test_amounts_follow_the_locale(client, auth, world):
    make_record(world.learner_a, "loan", 350_050)
    db.session.commit()
    world.learner_a.locale = "zh_Hans"
    db.session.commit()
    auth.login(world.learner_a)
    assert "¥3,500.50" in client.get(f"/learners/{world.learner_a.id}/support").get_data(as_text=True)


def test_a_learner_cannot_add_support_even_to_their_own_list(client, auth, world):
    auth.login(world.learner_a)
    assert post_support(client, world.learner_a).status_code == 403
    assert record_count() == 0


def test_a_mentor_sees_their_cohorts_learners_but_cannot_add(client, auth, world):
    make_record(world.learner_a, "loan", 500_000)
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get(f"/learners/{world.learner_a.id}/support").get_data(as_text=True)
    assert "5,000.00" in page
    assert "Record support" not in page
    assert post_support(client, world.learner_a).status_code == 403
    assert record_count() == 1


def test_another_cohorts_mentor_and_learner_find_nothing(client, auth, world):
    make_record(world.learner_a, "loan", 500_000)
    db.session.commit()
    auth.login(world.mentor_b)
    assert client.get(f"/learners/{world.learner_a.id}/support").status_code == 404
    auth.logout()
    auth.login(world.learner_b)
    assert client.get(f"/learners/{world.learner_a.id}/support").status_code == 404


# ---- Audit ----


def test_adding_and_deleting_are_audited_with_the_values(client, auth, world):
    auth.login(world.lead)
    post_support(client, world.learner_a, value_yuan="3500.50", notes="For the livestream room")
    record = db.session.scalar(select(SupportRecord))
    record_id = record.id
    created = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "create"))
    assert (created.entity, created.entity_id, created.learner_id, created.actor_id) == (
        "support",
        record_id,
        world.learner_a.id,
        world.lead.id,
    )
    assert created.changes["value_fen"] == [None, 350_050]
    assert created.changes["given_on"] == [None, "2026-03-01"]

    confirm = client.get(f"/support/{record_id}/delete").get_data(as_text=True)
    assert "3,500.50" in confirm
    assert "Delete support record" in confirm
    assert record_count() == 1  # looking at the confirmation deletes nothing
    response = client.post(f"/support/{record_id}/delete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/learners/{world.learner_a.id}/support")
    assert record_count() == 0
    deleted = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delete"))
    assert deleted.entity_id == record_id
    assert deleted.actor_id == world.lead.id
    assert deleted.changes == {
        "given_by": ["Kuaishou", None],
        "given_on": ["2026-03-01", None],
        "kind": ["traffic_credit", None],
        "notes": ["For the livestream room", None],
        "value_fen": [350_050, None],
    }


def test_mentors_and_learners_cannot_delete(client, auth, world):
    record = make_record(world.learner_a)
    db.session.commit()
    for user in (world.mentor_a, world.learner_a):
        auth.login(user)
        assert client.post(f"/support/{record.id}/delete").status_code == 403
        auth.logout()
    assert record_count() == 1
    assert audit_count() == 0


# ---- The program's overview ----


@pytest.fixture
def spread(world):
    """A small hand-counted set: cohort A, cohort B, a learner moved from A to B, a learner in no cohort."""
    moved = EnrollmentFactory(cohort=world.cohort_a, status=EnrollmentStatus.MOVED).learner
    db.session.add(Enrollment(cohort_id=world.cohort_b.id, learner_id=moved.id))
    loner = UserFactory()
    make_record(world.learner_a, "loan", 500_000)  # A
    make_record(world.learner_a, "traffic_credit", 1_000_000)  # A
    make_record(world.learner_b, "loan", 250_050)  # B
    make_record(moved, "equipment", 80_000)  # B: counted where the learner is now
    make_record(moved, "loan", 0)  # B
    make_record(loner, "training", 30_000)  # no cohort
    db.session.commit()
    return world


def test_totals_per_kind_and_cohort_match_a_hand_count(spread):
    by_kind = {
        (row.kind, row.currency): (row.count, row.value_fen) for row in support_services.totals_by_kind(spread.admin)
    }
    assert by_kind == {
        ("equipment", "CNY"): (1, 80_000),
        ("loan", "CNY"): (3, 750_050),
        ("traffic_credit", "CNY"): (1, 1_000_000),
        ("training", "CNY"): (1, 30_000),
    }
    by_cohort = [(row.cohort_name, row.count, row.value_fen) for row in support_services.totals_by_cohort(spread.admin)]
    assert by_cohort == [("Cohort A", 2, 1_500_000), ("Cohort B", 3, 330_050), (None, 1, 30_000)]


def test_the_cohort_filter_narrows_totals_and_records(spread):
    cohort_b = spread.cohort_b.id
    assert [
        (row.kind, row.count, row.value_fen) for row in support_services.totals_by_kind(spread.admin, cohort_b)
    ] == [
        ("equipment", 1, 80_000),
        ("loan", 2, 250_050),
    ]
    assert [(row.cohort_name, row.value_fen) for row in support_services.totals_by_cohort(spread.admin, cohort_b)] == [
        ("Cohort B", 330_050)
    ]
    assert len(db.session.scalars(support_services.recent_support(spread.admin, cohort_b)).all()) == 3


def test_a_lead_counts_only_the_support_of_her_programs(spread):
    """Another program's lead counts none of it; the program's lead, her cohorts' and not the learner in none."""
    assert support_services.totals_by_kind(spread.other_lead) == []
    assert support_services.totals_by_cohort(spread.other_lead) == []
    assert db.session.scalars(support_services.recent_support(spread.other_lead)).all() == []
    assert viewable_cohorts(spread.other_lead) == []
    by_cohort = [(row.cohort_name, row.value_fen) for row in support_services.totals_by_cohort(spread.lead)]
    assert by_cohort == [("Cohort A", 1_500_000), ("Cohort B", 330_050)]
    assert len(db.session.scalars(support_services.recent_support(spread.lead)).all()) == 5


def test_currencies_are_never_added_together(world):
    dollars = CohortFactory(program=ProgramFactory(currency="USD"), name="Dollar cohort")
    abroad = EnrollmentFactory(cohort=dollars).learner
    make_record(world.learner_a, "loan", 100)
    make_record(abroad, "loan", 200)
    db.session.commit()
    by_kind = {(row.kind, row.currency): row.value_fen for row in support_services.totals_by_kind(world.admin)}
    assert by_kind == {("loan", "CNY"): 100, ("loan", "USD"): 200}


def test_the_overview_page_shows_totals_and_filters(client, auth, spread):
    auth.login(spread.lead)
    page = client.get("/support").get_data(as_text=True)
    assert "7,500.50" in page  # loans
    assert "15,000.00" in page  # cohort A
    assert "In no cohort" not in page  # a learner in none is no lead's: an admin counts her
    filtered = client.get(f"/support?cohort={spread.cohort_a.id}").get_data(as_text=True)
    assert "15,000.00" in filtered
    assert "3,300.50" not in filtered
    auth.logout()
    auth.login(spread.admin)
    assert "In no cohort" in client.get("/support").get_data(as_text=True)


def overview_queries(client, count_queries) -> int:
    with count_queries() as queries:
        assert client.get("/support").status_code == 200
    return len(queries)


def test_the_overview_runs_the_same_queries_for_3_or_30_records(client, auth, world, count_queries):
    auth.login(world.lead)
    learners = [world.learner_a, world.learner_b]
    for index in range(3):
        make_record(learners[index % 2], value_fen=index)
    db.session.commit()
    few = overview_queries(client, count_queries)
    for index in range(27):
        extra = EnrollmentFactory(cohort=world.cohort_b if index % 2 else world.cohort_a).learner
        make_record(extra, "equipment", value_fen=index)
    db.session.commit()
    assert overview_queries(client, count_queries) == few
