"""Consent and the baseline at intake: money parsed exactly, every change audited."""

from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.roles import Role
from lms.media.models import MediaFile
from lms.outcomes.audit import record_change
from lms.outcomes.models import SALES_CHANNELS, Baseline, ReportingConsent
from lms.outcomes.products.services import learner_program, product_list

BASELINE_FIELDS = (
    "monthly_income_fen",
    "household_size",
    "business_status",
    "main_products",
    "channels",
    "gender",
    "birth_year",
)


def consent_of(learner: User) -> ReportingConsent | None:
    """The learner's consent decision, or None when they have not decided yet."""
    return db.session.scalar(select(ReportingConsent).where(ReportingConsent.learner_id == learner.id))


def baseline_of(learner: User) -> Baseline | None:
    """The learner's baseline, or None before intake."""
    return db.session.scalar(select(Baseline).where(Baseline.learner_id == learner.id))


def needs_baseline(user: User) -> bool:
    """Is this a learner with no baseline yet (their home page links to the intake form)?"""
    if user.role != Role.LEARNER:
        return False
    return db.session.scalar(select(Baseline.id).where(Baseline.learner_id == user.id)) is None


def record_consent(learner: User, granted: bool, actor: User, paper_form: MediaFile | None = None) -> ReportingConsent:
    """Record or change the learner's consent to use their figures in reports; audited. Staff recording a decision
    taken on paper attach the photo of the signed form (``paper_form``)."""
    consent = consent_of(learner)
    if consent is None:
        consent = ReportingConsent(
            learner_id=learner.id, granted=granted, recorded_by_id=actor.id, paper_form=paper_form
        )
        db.session.add(consent)
        db.session.flush()
        record_change(actor, "consent", consent.id, learner.id, "create", {}, {"granted": granted})
        record_consent_event(learner, granted, actor)
        return consent
    if consent.granted == granted:
        return consent  # pressing the same button twice changes nothing and logs nothing
    before = {"granted": consent.granted}
    consent.granted = granted
    consent.decided_at = utcnow()
    consent.recorded_by_id = actor.id
    db.session.flush()
    record_change(actor, "consent", consent.id, learner.id, "update", before, {"granted": granted})
    record_consent_event(learner, granted, actor)
    return consent


def record_consent_event(learner: User, granted: bool, actor: User) -> None:
    record_security_event(
        SecurityEventKind.CONSENT_CHANGED, user=learner, actor=actor, detail="granted" if granted else "refused"
    )


def baseline_values(baseline: Baseline) -> dict:
    """The audited fields of a baseline, as the audit log stores them."""
    return {field: getattr(baseline, field) for field in BASELINE_FIELDS}


def listed_products_text(learner: User, product_ids: list[int], typed: str) -> str:
    """The main products as stored: the ticked products of the program's list and the typed names mapped to it,
    under their listed names, then the typed names it lacks."""
    products = product_list(learner_program(learner))
    named, others = products.split(typed)
    ticked = set(product_ids) | {product.id for product in named}
    return ", ".join([product.name for product in products.products if product.id in ticked] + others)


def save_baseline(learner: User, actor: User, values: dict) -> Baseline:
    """Create or update the learner's one baseline from clean values; audit the fields that changed."""
    chosen = set(values.get("channels") or ())
    # Stored in a fixed order, so re-saving the same ticks is not logged as a change.
    clean = {
        **values,
        "channels": ",".join(code for code in SALES_CHANNELS if code in chosen),
        "main_products": listed_products_text(learner, values.get("product_ids") or [], values["main_products"]),
    }
    clean = {field: clean[field] for field in BASELINE_FIELDS}
    baseline = baseline_of(learner)
    if baseline is None:
        baseline = Baseline(learner_id=learner.id, recorded_by_id=actor.id, **clean)
        db.session.add(baseline)
        db.session.flush()
        record_change(actor, "baseline", baseline.id, learner.id, "create", {}, clean)
        return baseline
    before = baseline_values(baseline)
    if before == clean:
        return baseline
    for field, value in clean.items():
        setattr(baseline, field, value)
    baseline.recorded_by_id = actor.id
    db.session.flush()
    record_change(actor, "baseline", baseline.id, learner.id, "update", before, clean)
    return baseline
