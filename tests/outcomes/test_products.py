"""A program's product list: typed names map to it, follow-ups, imports and the intake pick from it, and the impact
page counts 脐橙 and 赣南脐橙 as one product in one unit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.outcomes.follow_ups import services as follow_up_services
from lms.outcomes.follow_ups.rules import ReportFilters
from lms.outcomes.follow_ups.services import FollowUpRefused
from lms.outcomes.impact import services as impact_services
from lms.outcomes.impact.selection import Selection
from lms.outcomes.imports import services as import_services
from lms.outcomes.intake import services as intake
from lms.outcomes.models import FollowUpQuantity, Product
from lms.outcomes.products import services
from tests.factories import ProgramFactory, follow_up, graduate
from tests.outcomes.test_follow_up_import import HEADER, line
from tests.outcomes.test_follow_up_services import TODAY, values
from tests.outcomes.test_follow_up_views import post_new
from tests.outcomes.test_intake_services import VALUES


@pytest.fixture
def oranges(world):
    product = services.save_product(world.program, "脐橙", "赣南脐橙\nNavel orange", "jin")
    db.session.commit()
    return product


# ---- Matching ----


@pytest.mark.parametrize("typed", ["脐橙", " 赣南 脐橙 ", "navel ORANGE", "Ｎａｖｅｌ　orange"])
def test_a_typed_name_matches_by_name_or_alias_whatever_its_case_spaces_or_width(world, oranges, typed):
    assert services.product_list(world.program).match(typed) is oranges


def test_an_unlisted_name_matches_nothing(world, oranges):
    assert services.product_list(world.program).match("蜂蜜") is None


def test_a_box_listing_several_products_splits_into_listed_and_others(world, oranges):
    listed, others = services.product_list(world.program).split("赣南脐橙、蜂蜜, 脐橙；竹篮")
    assert (listed, others) == ([oranges], ["蜂蜜", "竹篮"])


# ---- Keeping the list ----


def test_a_name_or_alias_of_another_product_is_refused(world, oranges):
    with pytest.raises(services.ProductRefused, match="already names 脐橙"):
        services.save_product(world.program, "Oranges", "赣南脐橙", "kg")
    with pytest.raises(services.ProductRefused, match="already names 脐橙"):
        services.save_product(world.program, "NAVEL orange", "", "kg")
    assert db.session.scalar(select(func.count()).select_from(Product)) == 1


@pytest.mark.parametrize(("name", "unit", "problem"), [("", "jin", "a name"), ("蜂蜜", "tonne", "usual unit")])
def test_a_product_without_a_name_or_a_known_unit_is_refused(world, name, unit, problem):
    with pytest.raises(services.ProductRefused, match=problem):
        services.save_product(world.program, name, "", unit)


def test_other_programs_lists_are_apart(world, oranges):
    other = ProgramFactory()
    assert services.product_list(other).match("脐橙") is None
    services.save_product(other, "脐橙", "", "kg")  # the same name in another program is its own product


def test_adding_an_alias_maps_the_rows_typed_before(world):
    graduation = world.graduate()
    old = follow_up(graduation, 3, quantities=[("赣南脐橙 ", "200", "kg"), ("蜂蜜", "5", "bottle")])
    db.session.commit()
    product = services.save_product(world.program, "脐橙", "赣南脐橙", "jin")
    db.session.commit()
    assert [(row.product, row.product_id) for row in old.quantities] == [("赣南脐橙 ", product.id), ("蜂蜜", None)]


def test_a_product_taken_off_the_list_leaves_its_rows_unmapped_with_their_names(world, oranges):
    graduation = world.graduate()
    old = follow_up(graduation, 3, quantities=[("脐橙", "200", "jin")])
    services.map_typed_names(world.program)
    db.session.commit()
    services.delete_product(oranges)
    db.session.commit()
    db.session.refresh(old.quantities[0])
    assert (old.quantities[0].product, old.quantities[0].product_id) == ("脐橙", None)


# ---- Follow-ups and imports pick from it ----


def test_a_follow_up_maps_its_products_and_takes_the_usual_unit_when_none_is_chosen(world, oranges):
    world.graduate()
    quantities = [("赣南脐橙", Decimal("1200"), ""), ("honey", Decimal("35.5"), "bottle")]
    recorded = follow_up_services.record_follow_up(
        world.learner_a, world.learner_a, 12, values(quantities=quantities), today=TODAY
    )
    db.session.commit()
    assert [(q.product, q.unit, q.product_id) for q in recorded.quantities] == [
        ("赣南脐橙", "jin", oranges.id),
        ("honey", "bottle", None),
    ]


def test_an_unlisted_product_without_a_unit_is_refused_and_nothing_is_written(world, oranges):
    world.graduate()
    with pytest.raises(FollowUpRefused, match="Choose a unit for “蜂蜜”"):
        follow_up_services.record_follow_up(
            world.learner_a, world.learner_a, 12, values(quantities=[("蜂蜜", Decimal(3), "")]), today=TODAY
        )


def test_the_follow_up_form_offers_the_list_and_refuses_an_unlisted_product_without_a_unit(
    client, auth, world, oranges
):
    world.graduate(graduated_on=program_today() - timedelta(days=13 * 31))
    auth.login(world.learner_a)
    page = client.get(f"/learners/{world.learner_a.id}/follow-ups/new?wave=3").get_data(as_text=True)
    assert '<datalist id="program-products"><option value="脐橙"></datalist>' in page
    assert "Its usual unit" in page
    refused = post_new(client, world.learner_a, **{"products-0-product": "蜂蜜", "products-0-unit": ""})
    assert refused.status_code == 409
    assert "Choose a unit for “蜂蜜”: it is not on the program's product list." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FollowUpQuantity)) == 0
    saved = post_new(client, world.learner_a, **{"products-0-product": "navel orange", "products-0-unit": ""})
    assert saved.status_code == 302
    row = db.session.scalars(select(FollowUpQuantity)).one()
    assert (row.product, row.unit, row.product_id) == ("navel orange", "jin", oranges.id)


def test_an_import_maps_products_and_a_listed_one_may_leave_out_its_unit(app, world, oranges):
    graduation = world.graduate(graduated_on=date(2024, 1, 15), consent=True)
    content = HEADER + line(world.learner_a, "3", product="赣南脐橙", quantity="300", unit="")
    with app.test_request_context():
        preview = import_services.preview_follow_up_import(content.encode(), world.lead)
        assert preview.ok, preview.rows[0].errors
        assert import_services.confirm_follow_up_import(content.encode(), world.lead, False) == 1
    row = db.session.scalars(select(FollowUpQuantity)).one()
    assert (row.follow_up.graduation_id, row.unit, row.product_id) == (graduation.id, "jin", oranges.id)


def test_an_import_refuses_an_unlisted_product_without_a_unit(app, world, oranges):
    world.graduate(graduated_on=date(2024, 1, 15), consent=True)
    content = HEADER + line(world.learner_a, "3", product="蜂蜜", quantity="3", unit="")
    with app.test_request_context():
        preview = import_services.preview_follow_up_import(content.encode(), world.lead)
    assert preview.rows[0].errors == ["Give a unit for 蜂蜜: it is not on the program's product list."]


# ---- The intake picks from it ----


def test_the_intake_keeps_ticked_and_typed_products_under_their_listed_names(world, oranges):
    honey = services.save_product(world.program, "蜂蜜", "", "bottle")
    baseline = intake.save_baseline(
        world.learner_a, world.learner_a, {**VALUES, "product_ids": [honey.id], "main_products": "赣南脐橙、竹篮"}
    )
    assert baseline.main_products == "脐橙, 蜂蜜, 竹篮"


def test_the_intake_form_ticks_the_listed_products_and_leaves_the_others_typed(client, auth, world, oranges):
    intake.record_consent(world.learner_a, True, world.learner_a)
    intake.save_baseline(world.learner_a, world.learner_a, {**VALUES, "main_products": "赣南脐橙, 竹篮"})
    db.session.commit()
    auth.login(world.learner_a)
    page = client.get(f"/learners/{world.learner_a.id}/intake").get_data(as_text=True)
    assert f'<input checked id="products-0" name="products" type="checkbox" value="{oranges.id}"> 脐橙' in page
    assert "Other products" in page
    assert "\n竹篮</textarea>" in page.replace("\r\n", "\n")


# ---- The impact page groups by product ----


def test_the_impact_figures_add_listed_products_up_in_their_usual_unit(world, oranges):
    for product, quantity, unit in [("脐橙", "500", "jin"), ("赣南脐橙", "200", "kg"), ("Navel orange", "3", "box")]:
        graduation = graduate(world.cohort_a, consent=True)
        follow_up(graduation, 3, quantities=[(product, quantity, unit)])
    services.map_typed_names(world.program)
    db.session.commit()
    selection = Selection(world.program, ReportFilters(), "cohort", program_today())
    total = impact_services.impact_report(selection).total
    assert {(q.product, q.unit): (q.quantity, q.graduates) for q in total.quantities} == {
        ("脐橙", "jin"): (Decimal(900), 2),  # 500 jin + 200 kg (400 jin)
        ("脐橙", "box"): (Decimal(3), 1),  # boxes are no weight: apart
    }


def test_the_product_page_adds_changes_and_takes_off_products(client, auth, world, oranges):
    auth.login(world.lead)
    page = client.get(f"/programs/{world.program.id}/products").get_data(as_text=True)
    assert "赣南脐橙, Navel orange" in page
    refused = client.post(
        f"/programs/{world.program.id}/products", data={"name": "赣南脐橙", "aliases": "", "default_unit": "kg"}
    )
    assert refused.status_code == 400
    assert "“赣南脐橙” already names 脐橙." in refused.get_data(as_text=True)
    added = client.post(
        f"/programs/{world.program.id}/products", data={"name": "蜂蜜", "aliases": "土蜂蜜", "default_unit": "bottle"}
    )
    assert added.status_code == 302
    changed = client.post(
        f"/products/{oranges.id}/edit", data={"name": "脐橙", "aliases": "赣南脐橙", "default_unit": "kg"}
    )
    assert changed.status_code == 302
    assert (oranges.aliases, oranges.default_unit) == ("赣南脐橙", "kg")
    gone = client.post(f"/products/{oranges.id}/delete", data={})
    assert gone.status_code == 302
    names = db.session.scalars(select(Product.name).where(Product.program_id == world.program.id)).all()
    assert names == ["蜂蜜"]
