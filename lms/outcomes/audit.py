"""The outcomes audit log: who changed which record, and only the fields that changed."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from lms.cohorts.policies import managed_learner_ids
from lms.core.extensions import db
from lms.outcomes.models import AuditEntry


def _plain(value):
    """Turn a value into something JSON can store and a person can read back."""
    # The changes column is JSON: dates, decimals and enums must be stored as text, not objects.
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def changed_fields(before: dict, after: dict) -> dict:
    """Return {field: [old, new]} for every field whose value differs between before and after."""
    changes = {}
    for field in sorted(set(before) | set(after)):
        old, new = _plain(before.get(field)), _plain(after.get(field))
        if old != new:
            changes[field] = [old, new]
    return changes


def record_change(actor, entity, entity_id, learner_id, action, before: dict, after: dict) -> AuditEntry | None:
    """Add an AuditEntry holding only the changed fields; nothing when an update changed nothing."""
    changes = changed_fields(before or {}, after or {})
    # A create/delete/undo is worth logging even without field changes; a no-op update is not.
    if not changes and action == "update":
        return None
    entry = AuditEntry(
        actor_id=getattr(actor, "id", actor),
        entity=entity,
        entity_id=entity_id,
        learner_id=getattr(learner_id, "id", learner_id),
        action=action,
        changes=changes,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def learner_audit(learner) -> Select:
    """Select a learner's audit entries, newest first, with each entry's actor loaded."""
    learner_id = getattr(learner, "id", learner)
    return (
        select(AuditEntry)
        .where(AuditEntry.learner_id == learner_id)
        .options(joinedload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )


def program_audit(viewer, entity: str | None = None) -> Select:
    """Select the audit entries this person reads (a lead: about the learners who are or were in her programs;
    an admin: every one), of one kind of record when given, newest first, with actor and learner loaded."""
    query = (
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor), joinedload(AuditEntry.learner))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    learners = managed_learner_ids(viewer)
    if learners is not None:
        query = query.where(AuditEntry.learner_id.in_(learners))
    if entity:
        query = query.where(AuditEntry.entity == entity)
    return query
