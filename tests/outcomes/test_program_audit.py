"""The program's audit log: every outcome change in one list for leads, filterable by kind of record."""

from datetime import date
from decimal import Decimal

from lms.core.extensions import db
from lms.outcomes.intake import services as intake
from lms.outcomes.support import services as support_services


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
