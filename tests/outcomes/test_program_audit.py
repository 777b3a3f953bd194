"""The program's audit log: every outcome change in one list for leads, filterable by kind of record."""

from datetime import date
from decimal import Decimal

from lms.core.extensions import db
from lms.outcomes.audit import record_change
from lms.outcomes.intake import services as intake
from lms.outcomes.support import services as support_services
from lms.outcomes.views.audit_text import AUDITED_FIELDS, ENTITY_LABELS, FIELD_LABELS


def baseline_values(income_fen: int) -> dict:
    return {
        "monthly_income_fen": income_fen,
        "household_size": 4,
        "business_status": "idea",
        "main_products": "tea",
        "channels": ["wechat"],
        "gender": "female",
        "birth_year": 1990,
    }


def support_values() -> dict:
    return {
        "kind": "loan",
        "given_on": date(2027, 3, 1),
        "value_yuan": Decimal(5000),
        "given_by": "County bank",
        "notes": "",
    }


def test_changes_across_learners_show_with_who_and_which_learner(client, auth, world):
    intake.save_baseline(world.learner_a, world.mentor_a, baseline_values(250_000))
    support_services.add_support(world.learner_b, world.lead, support_values())
    db.session.commit()
    auth.login(world.lead)
    page = client.get("/audit").get_data(as_text=True)
    assert world.learner_a.name in page
    assert world.learner_b.name in page
    assert world.mentor_a.name in page
    assert "¥2,500.00" in page  # the baseline income, shown as money


def test_the_filter_narrows_to_one_kind_of_record(client, auth, world):
    intake.save_baseline(world.learner_a, world.mentor_a, baseline_values(250_000))
    support_services.add_support(world.learner_b, world.lead, support_values())
    db.session.commit()
    auth.login(world.lead)
    page = client.get("/audit?entity=support").get_data(as_text=True)
    assert world.learner_b.name in page
    assert world.learner_a.name not in page
    # An unknown kind shows everything rather than failing.
    page = client.get("/audit?entity=nonsense").get_data(as_text=True)
    assert world.learner_a.name in page
    assert world.learner_b.name in page


def test_the_page_takes_the_same_queries_for_few_and_many_entries(client, auth, world, count_queries):
    auth.login(world.lead)
    intake.save_baseline(world.learner_a, world.mentor_a, baseline_values(100))
    db.session.commit()
    with count_queries() as few:
        client.get("/audit")
    for number, learner in enumerate([world.learner_a, world.learner_b] * 6):
        intake.save_baseline(learner, world.lead, baseline_values(200 + number))
        db.session.commit()
    with count_queries() as many:
        page = client.get("/audit").get_data(as_text=True)
    assert world.learner_b.name in page
    assert len(many) == len(few)


def graduation_confirmed(world, learner, by):
    record_change(
        by, "graduation", 1, learner, "create", {}, {"graduated_on": date(2027, 5, 1), "confirmed_by_id": by.id}
    )


def traffic_credit(world):
    values = {**support_values(), "kind": "traffic_credit", "notes": "Spring festival push"}
    support_services.add_support(world.learner_b, world.lead, values)


def test_every_audited_field_has_a_label():
    unlabelled = [
        f"{entity}.{field}"
        for entity, fields in AUDITED_FIELDS.items()
        for field in fields
        if field not in FIELD_LABELS[entity]
    ]
    assert unlabelled == []
    assert set(AUDITED_FIELDS) == set(FIELD_LABELS) == set(ENTITY_LABELS)


def test_the_log_names_fields_and_people_in_the_reader_s_language(client, auth, world):
    graduation_confirmed(world, world.learner_a, world.lead)
    traffic_credit(world)
    db.session.commit()
    auth.login(world.lead)
    page = client.get("/audit").text
    assert f"<strong>Confirmed by:</strong> — → {world.lead.name}" in page
    assert "<strong>Graduated on:</strong> — → May 1, 2027" in page
    assert "<strong>Kind of support:</strong> — → Promotion traffic credits" in page
    assert "<strong>Notes:</strong> — → Spring festival push" in page
    for internal in ("confirmed_by_id", "traffic_credit", "notes:", "value_fen", "given_on"):
        assert internal not in page
    client.post("/language", data={"lang": "zh_Hans"})
    page = client.get("/audit").text
    assert f"<strong>确认人:</strong> — → {world.lead.name}" in page
    assert "confirmed_by_id" not in page
    assert "traffic_credit" not in page


def test_a_baseline_s_channels_are_listed_in_the_reader_s_language(client, auth, world):
    intake.save_baseline(world.learner_a, world.mentor_a, {**baseline_values(100), "channels": ["wechat", "taobao"]})
    db.session.commit()
    auth.login(world.lead)
    page = client.get("/audit").text
    assert "、" not in page.split("<h1>")[1]
    assert "WeChat and Taobao" in page or "Taobao and WeChat" in page


def test_naming_the_people_costs_one_query_however_many_are_named(client, auth, world, count_queries):
    graduation_confirmed(world, world.learner_a, world.lead)
    db.session.commit()
    auth.login(world.lead)
    with count_queries() as one:
        client.get("/audit")
    for confirmer in (world.mentor_a, world.mentor_b, world.admin):
        graduation_confirmed(world, world.learner_b, confirmer)
    db.session.commit()
    with count_queries() as many:
        page = client.get("/audit").text
    assert world.mentor_b.name in page
    assert len(many) == len(one)
