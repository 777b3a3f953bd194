"""Recording follow-ups: checking the figures, saving, editing, verifying and deleting them, with their audit."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.core.calendar import program_today, utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.media import storage
from lms.media.models import MediaKind
from lms.outcomes.audit import record_change
from lms.outcomes.follow_ups.rules import is_unusual_income, wave_due_on
from lms.outcomes.follow_ups.waves import baseline_income, latest_graduation
from lms.outcomes.models import (
    QUANTITY_UNITS,
    SALES_CHANNELS,
    AuditEntry,
    FollowUp,
    FollowUpEvidence,
    FollowUpQuantity,
    FollowUpSource,
    Graduation,
)
from lms.outcomes.products.services import product_list, resolve_quantity

MAX_EVIDENCE = 3
MAX_PRODUCTS = 3
AUDITED_FIELDS = (
    "wave_months",
    "period_start",
    "period_end",
    "monthly_income_fen",
    "revenue_fen",
    "channels",
    "households_benefiting",
    "people_employed",
    "livestreams",
    "shop_link",
    "notes",
    "source",
    "unusual_confirmed",
    "verified_at",
    "verified_by_id",
)


class FollowUpRefused(UserFacingError):  # noqa: N818 - read as "the follow-up was refused"
    """A follow-up that cannot be saved; ``message`` says why, ``field`` names the form field when there is one."""

    def __init__(self, message, field: str | None = None, existing: FollowUp | None = None):
        super().__init__(message)
        self.field = field
        self.existing = existing


class UnusualIncome(FollowUpRefused):
    """The income is far from the baseline: saved only once the person entering it confirms it."""


# ---- Recording ----


@dataclass
class FollowUpValues:
    """Clean values of one follow-up: money already in fen, channels as codes; a unit left empty is the product's."""

    period_start: date
    period_end: date
    monthly_income_fen: int
    revenue_fen: int
    quantities: list[tuple[str, Decimal, str]] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    households_benefiting: int = 0
    people_employed: int = 0
    livestreams: int = 0
    shop_link: str = ""
    notes: str = ""
    unusual_confirmed: bool = False
    # The listed product each quantity maps to (None for a name the list lacks), set by map_products.
    product_ids: list[int | None] = field(default_factory=list)


def map_products(values: FollowUpValues, graduation: Graduation) -> None:
    """Map each typed product name to the program's list and fill an empty unit with the product's usual one."""
    products = product_list(graduation.cohort.program)
    quantities, product_ids = [], []
    for text, quantity, unit in values.quantities:
        product, unit = resolve_quantity(products, text, unit)
        if unit is None:
            raise FollowUpRefused(
                _l("Choose a unit for “%(product)s”: it is not on the program's product list.", product=text.strip())
            )
        quantities.append((text, quantity, unit))
        product_ids.append(product.id if product else None)
    values.quantities, values.product_ids = quantities, product_ids


def quantities_text(follow_up: FollowUp) -> str:
    return "; ".join(f"{row.product} {row.quantity.normalize():f} {row.unit}" for row in follow_up.quantities)


def audited_values(follow_up: FollowUp) -> dict:
    values = {name: getattr(follow_up, name) for name in AUDITED_FIELDS}
    values["quantities"] = quantities_text(follow_up)
    values["evidence"] = len(follow_up.evidence)
    return values


def check_values(values: FollowUpValues) -> None:
    """The rules every way in must meet (the form checks them first, with field messages)."""
    for name in ("monthly_income", "revenue"):
        amount = getattr(values, f"{name}_fen")
        if amount is None or amount < 0:
            raise FollowUpRefused(_l("The value cannot be negative."), name)
    for name in ("households_benefiting", "people_employed", "livestreams"):
        number = getattr(values, name)
        if number is None or number < 0:
            raise FollowUpRefused(_l("The number cannot be negative."), name)
    if values.period_end < values.period_start:
        raise FollowUpRefused(_l("The end of the period must not be before its start."), "period_end")
    if len(values.quantities) > MAX_PRODUCTS:
        raise FollowUpRefused(_l("Give at most %(count)d products.", count=MAX_PRODUCTS))
    for product, quantity, unit in values.quantities:
        if not product.strip() or quantity < 0 or unit not in QUANTITY_UNITS:
            raise FollowUpRefused(_l("Give each product a name, a quantity that is not negative and a unit."))
    if set(values.channels) - set(SALES_CHANNELS):
        raise FollowUpRefused(_l("Choose the channels from the list."), "channels")


def check_plausible(learner: User, values: FollowUpValues) -> None:
    if values.unusual_confirmed:
        return
    if is_unusual_income(baseline_income(learner), values.monthly_income_fen):
        raise UnusualIncome(
            _l("This income is much higher than at intake. Please check it, then confirm it is right."),
            "monthly_income",
        )


def store_evidence(uploads: list[FileStorage], actor: User) -> list:
    """Check and keep the photos; a bad one refuses the follow-up (the request's rollback removes the others)."""
    stored = []
    for upload in uploads:
        try:
            stored.append(storage.store_upload(upload, MediaKind.IMAGE, actor))
        except storage.UploadRefused as refused:
            raise FollowUpRefused(refused.message, "evidence") from refused
    return stored


def apply_values(follow_up: FollowUp, values: FollowUpValues) -> None:
    chosen = set(values.channels)
    follow_up.period_start = values.period_start
    follow_up.period_end = values.period_end
    follow_up.monthly_income_fen = values.monthly_income_fen
    follow_up.revenue_fen = values.revenue_fen
    follow_up.channels = ",".join(code for code in SALES_CHANNELS if code in chosen)
    follow_up.households_benefiting = values.households_benefiting
    follow_up.people_employed = values.people_employed
    follow_up.livestreams = values.livestreams
    follow_up.shop_link = values.shop_link.strip()
    follow_up.notes = values.notes.strip()
    product_ids = values.product_ids or [None] * len(values.quantities)
    wanted = [
        (product.strip(), quantity, unit, product_id)
        for (product, quantity, unit), product_id in zip(values.quantities, product_ids, strict=True)
    ]
    current = [(row.product, row.quantity, row.unit, row.product_id) for row in follow_up.quantities]
    if wanted != current:  # rewritten only when changed, so an unchanged save touches no rows
        follow_up.quantities = [FollowUpQuantity(product=p, quantity=q, unit=u, product_id=i) for p, q, u, i in wanted]


def find_follow_up(graduation: Graduation, months: int) -> FollowUp | None:
    return db.session.scalar(
        select(FollowUp).where(FollowUp.graduation_id == graduation.id, FollowUp.wave_months == months)
    )


def already_recorded(existing: FollowUp | None) -> FollowUpRefused:
    return FollowUpRefused(
        _l("The follow-up for this wave is recorded already: open it to change it."), "wave", existing
    )


def check_wave(graduation: Graduation | None, months: int, today: date) -> None:
    """Refuse a follow-up for no graduation, a wave outside the schedule, or one not due yet."""
    if graduation is None:
        raise FollowUpRefused(_l("This learner has not graduated: follow-ups start at graduation."))
    if months not in graduation.cohort.program.follow_up_waves:
        raise FollowUpRefused(_l("This follow-up is not in the program's schedule."), "wave")
    due_on = wave_due_on(graduation.graduated_on, months)
    if months and due_on > today:
        raise FollowUpRefused(_l("This follow-up opens on %(date)s.", date=due_on.isoformat()), "wave")


def record_follow_up(
    learner: User,
    actor: User,
    months: int,
    values: FollowUpValues,
    uploads: list[FileStorage] | None = None,
    *,
    verify: bool = False,
    today: date | None = None,
) -> FollowUp:
    """Record a graduate's follow-up for one wave of their latest graduation; raises FollowUpRefused."""
    graduation = latest_graduation(learner)
    check_wave(graduation, months, today or program_today())
    existing = find_follow_up(graduation, months)
    if existing is not None:
        raise already_recorded(existing)
    map_products(values, graduation)
    check_values(values)
    check_plausible(learner, values)
    uploads = uploads or []
    if len(uploads) > MAX_EVIDENCE:
        raise FollowUpRefused(_l("Add at most %(count)d photos.", count=MAX_EVIDENCE), "evidence")
    stored = store_evidence(uploads, actor)
    on_behalf = actor.id != learner.id
    follow_up = FollowUp(
        graduation_id=graduation.id,
        learner_id=learner.id,
        wave_months=months,
        source=FollowUpSource.MENTOR if on_behalf else FollowUpSource.SELF,
        unusual_confirmed=values.unusual_confirmed
        and is_unusual_income(baseline_income(learner), values.monthly_income_fen),
        recorded_by_id=actor.id,
    )
    apply_values(follow_up, values)
    follow_up.evidence = [FollowUpEvidence(media=media_file) for media_file in stored]
    if verify and on_behalf:
        follow_up.verified_at = utcnow()
        follow_up.verified_by_id = actor.id
    try:
        # The one_per_wave constraint settles a double submit: the second one gets the message, not a 500.
        with db.session.begin_nested():
            db.session.add(follow_up)
    except IntegrityError:
        raise already_recorded(find_follow_up(graduation, months)) from None
    record_change(actor, "follow-up", follow_up.id, learner.id, "create", {}, audited_values(follow_up))
    return follow_up


def update_follow_up(
    follow_up: FollowUp,
    actor: User,
    values: FollowUpValues,
    uploads: list[FileStorage] | None = None,
    remove_evidence: list[int] | None = None,
    *,
    verify: bool = False,
) -> FollowUp:
    """Change a follow-up; staff keep it verified only by ticking the box again. Raises FollowUpRefused."""
    map_products(values, follow_up.graduation)
    check_values(values)
    learner = follow_up.learner
    # A figure confirmed before stays confirmed while it is unchanged.
    if follow_up.unusual_confirmed and follow_up.monthly_income_fen == values.monthly_income_fen:
        values.unusual_confirmed = True
    check_plausible(learner, values)
    uploads = uploads or []
    removing = [item for item in follow_up.evidence if item.id in set(remove_evidence or ())]
    if len(follow_up.evidence) - len(removing) + len(uploads) > MAX_EVIDENCE:
        raise FollowUpRefused(
            _l("A follow-up holds at most %(count)d photos: remove one first.", count=MAX_EVIDENCE), "evidence"
        )
    before = audited_values(follow_up)
    stored = store_evidence(uploads, actor)
    apply_values(follow_up, values)
    follow_up.unusual_confirmed = values.unusual_confirmed and is_unusual_income(
        baseline_income(learner), values.monthly_income_fen
    )
    for item in removing:
        follow_up.evidence.remove(item)
    follow_up.evidence.extend(FollowUpEvidence(media=media_file) for media_file in stored)
    db.session.flush()
    for item in removing:
        storage.delete_media(item.media)
    if actor.id != learner.id:
        if not verify:
            follow_up.verified_at = None
            follow_up.verified_by_id = None
        elif follow_up.verified_at is None or audited_values(follow_up) != before:
            follow_up.verified_at = utcnow()
            follow_up.verified_by_id = actor.id
    follow_up.recorded_by_id = actor.id
    db.session.flush()
    record_change(actor, "follow-up", follow_up.id, learner.id, "update", before, audited_values(follow_up))
    return follow_up


def verify_follow_up(follow_up: FollowUp, actor: User) -> FollowUp:
    """Mark the figures checked against evidence by ``actor``; verifying twice changes nothing."""
    if follow_up.verified_at is not None:
        return follow_up
    before = audited_values(follow_up)
    follow_up.verified_at = utcnow()
    follow_up.verified_by_id = actor.id
    db.session.flush()
    record_change(actor, "follow-up", follow_up.id, follow_up.learner_id, "update", before, audited_values(follow_up))
    return follow_up


def delete_follow_up(follow_up: FollowUp, actor: User) -> None:
    """Delete a follow-up and its photos, keeping its values in the audit log."""
    record_change(actor, "follow-up", follow_up.id, follow_up.learner_id, "delete", audited_values(follow_up), {})
    files = [item.media for item in follow_up.evidence]
    db.session.delete(follow_up)
    db.session.flush()
    for media_file in files:
        storage.delete_media(media_file)


def load_follow_up(follow_up_id: int) -> FollowUp | None:
    """A follow-up with what its page shows loaded alongside."""
    return db.session.scalar(
        select(FollowUp)
        .options(
            joinedload(FollowUp.learner),
            joinedload(FollowUp.graduation).joinedload(Graduation.cohort).joinedload(Cohort.program),
            joinedload(FollowUp.verified_by),
            joinedload(FollowUp.recorded_by),
            selectinload(FollowUp.quantities),
            selectinload(FollowUp.evidence).joinedload(FollowUpEvidence.media),
        )
        .where(FollowUp.id == follow_up_id)
    )


def follow_up_history(follow_up: FollowUp) -> Select:
    """The audit entries of one follow-up, newest first, with who made each."""
    return (
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        .where(AuditEntry.entity == "follow-up", AuditEntry.entity_id == follow_up.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )


def user_names(user_ids: set[int]) -> dict[int, str]:
    """Names of the people an audit history mentions by id, in one query."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())
