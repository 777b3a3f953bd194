"""Consent and the baseline at intake: money parsed exactly, every change audited."""

import re
from decimal import Decimal

from sqlalchemy import select

from lms.auth.models import Role, User
from lms.extensions import db
from lms.outcomes.audit import record_change
from lms.outcomes.models import Baseline, ReportingConsent
from lms.timeutil import utcnow

CHANNEL_CODES = ("kuaishou", "taobao", "tmall", "jd", "pinduoduo", "youzan", "wechat", "offline", "other")
BASELINE_FIELDS = (
    "monthly_income_fen",
    "household_size",
    "business_status",
    "main_products",
    "channels",
    "gender",
    "birth_year",
)
# Plain digits with at most two decimals: no exponents ("1e3"), signs, NaN or thousands separators,
# so what the learner typed is exactly what is stored. Nine digits of yuan fit a BigInteger of fen easily.
YUAN_PATTERN = re.compile(r"\d{1,9}(\.\d{1,2})?")


def yuan_to_fen(text: str) -> int:
    """Parse an amount in yuan such as "3500.5" into whole fen (350050); ValueError if it is not one."""
    cleaned = (text or "").strip()
    if not YUAN_PATTERN.fullmatch(cleaned):
        raise ValueError(cleaned)
    return int(Decimal(cleaned) * 100)


def fen_to_yuan_text(fen: int | None) -> str:
    """Show fen as the yuan text a form field holds ("3500.50"), exactly, without floats."""
    if fen is None:
        return ""
    return f"{fen // 100}.{fen % 100:02d}"


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


def record_consent(learner: User, granted: bool, actor: User) -> ReportingConsent:
    """Record or change the learner's consent to use their figures in reports; audited."""
    consent = consent_of(learner)
    if consent is None:
        consent = ReportingConsent(learner_id=learner.id, granted=granted, recorded_by_id=actor.id)
        db.session.add(consent)
        db.session.flush()
        record_change(actor, "consent", consent.id, learner.id, "create", {}, {"granted": granted})
        return consent
    if consent.granted == granted:
        return consent  # pressing the same button twice changes nothing and logs nothing
    before = {"granted": consent.granted}
    consent.granted = granted
    consent.decided_at = utcnow()
    consent.recorded_by_id = actor.id
    db.session.flush()
    record_change(actor, "consent", consent.id, learner.id, "update", before, {"granted": granted})
    return consent


def baseline_values(baseline: Baseline) -> dict:
    """The audited fields of a baseline, as the audit log stores them."""
    return {field: getattr(baseline, field) for field in BASELINE_FIELDS}


def save_baseline(learner: User, actor: User, values: dict) -> Baseline:
    """Create or update the learner's one baseline from clean values; audit the fields that changed."""
    chosen = set(values.get("channels") or ())
    # Stored in a fixed order, so re-saving the same ticks is not logged as a change.
    clean = {**values, "channels": ",".join(code for code in CHANNEL_CODES if code in chosen)}
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
