"""Support given to graduates' businesses: recording, deleting, and the program's totals in SQL."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.cohorts.enrolment.current import current_enrolments
from lms.cohorts.models import Cohort, Program
from lms.cohorts.policies import managed_cohort_ids
from lms.core.extensions import db
from lms.core.money import DEFAULT_CURRENCY, yuan_to_fen
from lms.outcomes.audit import record_change
from lms.outcomes.models import SupportRecord

AUDITED_FIELDS = ("kind", "given_on", "value_fen", "given_by", "notes")


def learner_support(learner: User) -> Select:
    """A learner's support records, newest first."""
    return (
        select(SupportRecord)
        .where(SupportRecord.learner_id == learner.id)
        .order_by(SupportRecord.given_on.desc(), SupportRecord.id.desc())
    )


def learner_support_total(learner: User) -> int:
    """The value of all of a learner's support, in fen, summed by the database."""
    total = select(func.coalesce(func.sum(SupportRecord.value_fen), 0)).where(SupportRecord.learner_id == learner.id)
    return int(db.session.scalar(total))


def audited_values(record: SupportRecord) -> dict:
    return {field: getattr(record, field) for field in AUDITED_FIELDS}


def add_support(learner: User, actor: User, data: dict) -> SupportRecord:
    """Record support a learner's business received; ``data["value_yuan"]`` is a Decimal."""
    record = SupportRecord(
        learner_id=learner.id,
        kind=data["kind"],
        given_on=data["given_on"],
        value_fen=yuan_to_fen(data["value_yuan"]),
        given_by=data["given_by"].strip(),
        notes=(data.get("notes") or "").strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    record_change(actor, "support", record.id, learner.id, "create", {}, audited_values(record))
    return record


def delete_support(record: SupportRecord, actor: User) -> None:
    """Delete a support record, keeping its values in the audit log."""
    before = audited_values(record)
    record_change(actor, "support", record.id, record.learner_id, "delete", before, {})
    db.session.delete(record)
    db.session.flush()


# ---- The program's overview ----


@dataclass(frozen=True)
class KindTotal:
    kind: str
    currency: str
    count: int
    value_fen: int


@dataclass(frozen=True)
class CohortTotal:
    cohort_id: int | None
    cohort_name: str | None
    currency: str
    count: int
    value_fen: int


def counted_support(viewer: User, cohort_id: int | None = None):
    """Support records with the cohort and currency each counts under, optionally of one cohort: for a lead, only
    those counted under a cohort of her programs (a learner's current cohort, as everywhere in these totals)."""
    current = current_enrolments().subquery()
    query = (
        select(
            SupportRecord.id.label("record_id"),
            SupportRecord.kind,
            SupportRecord.value_fen,
            Cohort.id.label("cohort_id"),
            Cohort.name.label("cohort_name"),
            func.coalesce(Program.currency, DEFAULT_CURRENCY).label("currency"),
        )
        .outerjoin(current, current.c.learner_id == SupportRecord.learner_id)
        .outerjoin(Cohort, Cohort.id == current.c.cohort_id)
        .outerjoin(Program, Program.id == Cohort.program_id)
    )
    if cohort_id is not None:
        query = query.where(Cohort.id == cohort_id)
    managed = managed_cohort_ids(viewer)
    if managed is not None:
        query = query.where(Cohort.id.in_(managed))
    return query.subquery()


def totals_by_kind(viewer: User, cohort_id: int | None = None) -> list[KindTotal]:
    """Count and value of support per kind (and currency, so that different currencies never add up)."""
    counted = counted_support(viewer, cohort_id)
    rows = db.session.execute(
        select(counted.c.kind, counted.c.currency, func.count(), func.sum(counted.c.value_fen))
        .group_by(counted.c.kind, counted.c.currency)
        .order_by(counted.c.kind, counted.c.currency)
    )
    return [KindTotal(kind, currency, count, int(value or 0)) for kind, currency, count, value in rows]


def totals_by_cohort(viewer: User, cohort_id: int | None = None) -> list[CohortTotal]:
    """Count and value of support per cohort a learner is currently in; learners in none come last."""
    counted = counted_support(viewer, cohort_id)
    rows = db.session.execute(
        select(
            counted.c.cohort_id,
            counted.c.cohort_name,
            counted.c.currency,
            func.count(),
            func.sum(counted.c.value_fen),
        )
        .group_by(counted.c.cohort_id, counted.c.cohort_name, counted.c.currency)
        .order_by(counted.c.cohort_id.is_(None), counted.c.cohort_name, counted.c.currency)
    )
    return [CohortTotal(*row[:4], int(row[4] or 0)) for row in rows]


def recent_support(viewer: User, cohort_id: int | None = None) -> Select:
    """The most recently recorded support (optionally of one cohort's learners; for a lead, of her programs'
    cohorts, as the totals count them), learners loaded alongside."""
    query = (
        select(SupportRecord)
        .options(joinedload(SupportRecord.learner))
        .order_by(SupportRecord.created_at.desc(), SupportRecord.id.desc())
    )
    managed = managed_cohort_ids(viewer)
    if cohort_id is not None or managed is not None:
        current = current_enrolments().subquery()
        query = query.join(current, current.c.learner_id == SupportRecord.learner_id)
        if cohort_id is not None:
            query = query.where(current.c.cohort_id == cohort_id)
        if managed is not None:
            query = query.where(current.c.cohort_id.in_(managed))
    return query


def cohorts_of_learners(learner_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each learner's current cohort name and program currency, for a page of records, in one query."""
    if not learner_ids:
        return {}
    current = current_enrolments(learner_ids).subquery()
    rows = db.session.execute(
        select(current.c.learner_id, Cohort.name, Program.currency)
        .join(Cohort, Cohort.id == current.c.cohort_id)
        .join(Program, Program.id == Cohort.program_id)
    )
    return {learner_id: (name, currency) for learner_id, name, currency in rows}
