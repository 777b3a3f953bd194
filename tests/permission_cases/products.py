"""Outcomes: a program's product list, and its text-message cap, kept by leads and admins; mentors and learners
are refused."""

from sqlalchemy import select

from lms.core.extensions import db
from lms.outcomes.models import Product
from lms.outcomes.products.services import save_product
from tests.permission_cases.common import MANAGER_ACTION, MANAGERS, Case, everyone, other_lead


def product_of(world) -> int:
    """A URL-builder's helper: a product on the world's program list, made once."""
    found = db.session.scalar(select(Product).where(Product.program_id == world.program.id))
    if found is None:
        found = save_product(world.program, "脐橙", "赣南脐橙", "jin")
    return found.id


def listing_program(world) -> int:
    """The world's program id, once its list holds a product."""
    product_of(world)
    return world.program.id


FORM = {"name": "蜂蜜", "aliases": "土蜂蜜", "default_unit": "bottle"}
REFUSED = everyone(400, anonymous=302, learner=403, mentor=403)
HIDDEN = everyone(404, anonymous=302, learner=403, mentor=403)

CASES: dict[str, list[Case]] = {
    "outcomes.products": [
        Case(lambda w: f"/programs/{w.program.id}/products", MANAGERS),
        Case(lambda w: f"/programs/{w.program.id}/products", MANAGER_ACTION, "POST", FORM),
        # A name another product holds, or none: the form again with the message, nothing written.
        Case(lambda w: f"/programs/{listing_program(w)}/products", REFUSED, "POST", {**FORM, "name": "赣南脐橙"}),
        Case(lambda w: f"/programs/{w.program.id}/products", REFUSED, "POST", {**FORM, "name": ""}),
        Case(lambda w: "/programs/99999999/products", HIDDEN),
    ],
    "outcomes.edit_product": [
        Case(lambda w: f"/products/{product_of(w)}/edit", MANAGERS),
        Case(lambda w: f"/products/{product_of(w)}/edit", MANAGER_ACTION, "POST", {**FORM, "name": "脐橙"}),
        Case(lambda w: f"/products/{product_of(w)}/edit", REFUSED, "POST", {**FORM, "default_unit": "tonne"}),
        Case(lambda w: "/products/99999999/edit", HIDDEN),
    ],
    "outcomes.delete_product": [
        Case(lambda w: f"/products/{product_of(w)}/delete", MANAGER_ACTION, "POST"),
        Case(lambda w: "/products/99999999/delete", HIDDEN, "POST"),
    ],
}

# A program's text-message cap: its leads and admins; another program's lead is hidden from it.
CASES["cohorts.text_messages"] = [
    Case(lambda w: f"/programs/{w.program.id}/text-messages", other_lead(MANAGERS)),
    Case(lambda w: f"/programs/{w.program.id}/text-messages", other_lead(MANAGER_ACTION), "POST", {"cap_yuan": "80"}),
    Case(lambda w: f"/programs/{w.program.id}/text-messages", other_lead(REFUSED), "POST", {"cap_yuan": "-3"}),
    Case(lambda w: "/programs/99999999/text-messages", HIDDEN),
]
# Whether a program's learners type a texted code at sign-in: the same people as its cap.
CASES["cohorts.sign_in_texts_rule"] = [
    Case(lambda w: f"/programs/{w.program.id}/sign-in-texts", other_lead(MANAGER_ACTION), "POST", {"required": "y"}),
    Case(lambda w: "/programs/99999999/sign-in-texts", HIDDEN, "POST", {"required": "y"}),
]
CASES["cohorts.text_message_report"] = [
    Case(lambda w: "/text-messages", MANAGERS),
    Case(lambda w: "/text-messages?month=2026-12", MANAGERS),
    Case(lambda w: "/text-messages?month=2026-13", REFUSED),
]
