"""The product list of a program: matching typed names to it, keeping it, and mapping rows typed before it existed."""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.cohorts.enrolment.current import current_enrolment
from lms.cohorts.models import Cohort, Program
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.outcomes.models import QUANTITY_UNITS, FollowUp, FollowUpQuantity, Graduation, Product

NAME_MAX = 100
ALIASES_MAX = 2000
# Lists of products typed in one box: "脐橙、蜂蜜", "tea, honey", one per line.
PRODUCT_SEPARATORS = re.compile(r"[,，、;；/\n]+")
# 1 jin is exactly 0.5 kg: quantities in either convert to the product's usual unit when it is a weight.
WEIGHT_IN_KG = {"kg": Decimal(1), "jin": Decimal("0.5")}


class ProductRefused(UserFacingError):  # noqa: N818 - read as "the product was refused"
    """A product that cannot be saved; ``message`` says why."""


def normalise_product(text: str) -> str:
    """The form a typed name is matched in: full-width folded, any letter case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def program_products(program: Program) -> Select:
    """A select of the program's products, by name."""
    return select(Product).where(Product.program_id == program.id).order_by(Product.name)


@dataclass
class ProductList:
    """A program's products loaded once, to map any number of typed names without a query each."""

    products: list[Product]

    def __post_init__(self):
        self.by_spelling: dict[str, Product] = {}
        for product in self.products:
            for spelling in (product.name, *product.alias_list):
                self.by_spelling.setdefault(normalise_product(spelling), product)

    def match(self, text: str) -> Product | None:
        """The listed product this typed name is, by its name or an alias, or None."""
        return self.by_spelling.get(normalise_product(text))

    def split(self, text: str) -> tuple[list[Product], list[str]]:
        """A box listing several products: the listed ones it names, and the pieces that match none."""
        listed: list[Product] = []
        others: list[str] = []
        for piece in PRODUCT_SEPARATORS.split(text or ""):
            piece = piece.strip()
            if not piece:
                continue
            product = self.match(piece)
            if product is None:
                if piece not in others:
                    others.append(piece)
            elif product not in listed:
                listed.append(product)
        return listed, others


def product_list(program: Program | None) -> ProductList:
    """The program's products, ready to match names (an empty list for no program)."""
    if program is None:
        return ProductList([])
    return ProductList(list(db.session.scalars(program_products(program))))


def learner_program(learner: User) -> Program | None:
    """The program of the learner's current cohort, whose product list her intake picks from."""
    current = current_enrolment(learner.id).subquery()
    return db.session.scalar(
        select(Program).join(Cohort, Cohort.program_id == Program.id).join(current, current.c.cohort_id == Cohort.id)
    )


def resolve_quantity(products: ProductList, text: str, unit: str | None) -> tuple[Product | None, str | None]:
    """The listed product a typed name maps to, and the unit: as chosen, else the product's usual one."""
    product = products.match(text)
    if not unit and product is not None:
        unit = product.default_unit
    return product, unit or None


def converted_quantity(product: Product | None, quantity: Decimal, unit: str) -> tuple[Decimal, str]:
    """A quantity in the product's usual unit when both are weights (jin and kg), else as it was given."""
    if product is None or unit == product.default_unit:
        return quantity, unit
    if unit in WEIGHT_IN_KG and product.default_unit in WEIGHT_IN_KG:
        return quantity * WEIGHT_IN_KG[unit] / WEIGHT_IN_KG[product.default_unit], product.default_unit
    return quantity, unit


# ---- Keeping the list ----


def clean_aliases(text: str, name: str) -> list[str]:
    seen: dict[str, str] = {normalise_product(name): name}
    kept: list[str] = []
    for line in PRODUCT_SEPARATORS.split(text or ""):
        line = line.strip()
        if line and normalise_product(line) not in seen:
            seen[normalise_product(line)] = line
            kept.append(line)
    return kept


def check_product(program: Program, name: str, aliases: list[str], unit: str, product: Product | None) -> None:
    if not name or len(name) > NAME_MAX:
        raise ProductRefused(_l("Give the product a name of up to %(max)d characters.", max=NAME_MAX))
    if any(len(alias) > NAME_MAX for alias in aliases) or len("\n".join(aliases)) > ALIASES_MAX:
        raise ProductRefused(_l("Each other name may be up to %(max)d characters.", max=NAME_MAX))
    if unit not in QUANTITY_UNITS:
        raise ProductRefused(_l("Choose the product's usual unit from the list."))
    others = product_list(program)
    for spelling in (name, *aliases):
        taken = others.match(spelling)
        if taken is not None and taken is not product:
            raise ProductRefused(_l("“%(spelling)s” already names %(product)s.", spelling=spelling, product=taken.name))


def save_product(program: Program, name: str, aliases_text: str, unit: str, product: Product | None = None) -> Product:
    """Add a product to the program's list or change one, then map the rows typed with its names before."""
    name = " ".join((name or "").split())
    aliases = clean_aliases(aliases_text, name)
    check_product(program, name, aliases, unit, product)
    if product is None:
        product = Product(program_id=program.id)
    product.name, product.aliases, product.default_unit = name, "\n".join(aliases), unit
    try:
        with db.session.begin_nested():
            db.session.add(product)
    except IntegrityError:
        raise ProductRefused(_l("The program lists a product of that name already.")) from None
    map_typed_names(program)
    return product


def delete_product(product: Product) -> None:
    """Take a product off the list; the rows that named it keep the name as typed, no longer mapped."""
    db.session.delete(product)
    db.session.flush()


def program_quantities(program: Program):
    """The where-clause that keeps the quantity rows of the program's graduates."""
    return FollowUpQuantity.follow_up_id.in_(
        select(FollowUp.id)
        .join(Graduation, Graduation.id == FollowUp.graduation_id)
        .join(Cohort, Cohort.id == Graduation.cohort_id)
        .where(Cohort.program_id == program.id)
    )


def map_typed_names(program: Program) -> int:
    """Map the program's unmapped quantity rows whose typed name is a listed product's; a fixed number of queries."""
    products = product_list(program)
    typed = db.session.scalars(
        select(FollowUpQuantity.product)
        .where(FollowUpQuantity.product_id.is_(None), program_quantities(program))
        .distinct()
    ).all()
    by_product: dict[int, list[str]] = {}
    for text in typed:
        product = products.match(text)
        if product is not None:
            by_product.setdefault(product.id, []).append(text)
    mapped = 0
    for product_id, texts in by_product.items():
        result = db.session.execute(
            update(FollowUpQuantity)
            .where(
                FollowUpQuantity.product_id.is_(None),
                FollowUpQuantity.product.in_(texts),
                program_quantities(program),
            )
            .values(product_id=product_id)
            .execution_options(synchronize_session=False)
        )
        mapped += result.rowcount
    db.session.expire_all()
    return mapped
