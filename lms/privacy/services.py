"""A learner's data: her download, her deletion request, its decision, anonymisation, and retention."""

import secrets
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Text, select, update

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.cohorts.models import Cohort, Enrollment, Program
from lms.cohorts.policies import led_program_ids
from lms.core.calendar import add_months, utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.security import is_admin
from lms.media import exports
from lms.media.models import ExportJob
from lms.media.tasks import request_export as request_media_export
from lms.notifications.channels import resume_sms
from lms.outcomes.models import FollowUp, FollowUpEvidence, Graduation
from lms.privacy.export import write_export
from lms.privacy.models import DeletionRequest, DeletionState
from lms.privacy.records import collect_records, mapped_class, media_columns

PERSONAL_DATA = "personal_data"  # the kind of export that is a learner's ZIP
ANONYMISED_NAME = "—"
# Whole rows that go: what she was told, and nothing any figure counts.
DELETED_TABLES = frozenset({"notifications"})
# Short text columns that are free text too (long ones are Text, emptied everywhere).
FREE_TEXT = {
    "submission_versions": ("link",),
    "follow_ups": ("shop_link",),
    "support_records": ("given_by",),
    # Her number goes; the message's kind, state and cost stay for the program's counts.
    "sms_outbox": ("to_number", "provider_message_id"),
}
# Tables whose JSON columns are her words too: an audit line's changes, a text message's template parameters.
FREE_JSON = frozenset({"audit_entries", "sms_outbox"})


class DataRequestRefused(UserFacingError):  # noqa: N818 - read as "the request was refused"
    """A request about a learner's data that cannot be taken; ``message`` says why."""


# ---- Her download ----


def latest_export(learner: User) -> ExportJob | None:
    return exports.latest_export(PERSONAL_DATA, learner)


def request_export(learner: User, locale: str) -> ExportJob:
    """Ask for a fresh ZIP, built by a job once the request commits; one being built is the answer to asking again."""
    return request_media_export(PERSONAL_DATA, {}, learner, f"my-data-{utcnow():%Y%m%d}.zip", locale)


def write_personal_data(parameters: dict, learner: User, out) -> int:
    """The export job's writer: the ZIP of everything kept about the learner who asked; the rows it holds."""
    return sum(len(rows) for rows in write_export(learner, out).tables.values())


exports.register_export(PERSONAL_DATA, write_personal_data, "application/zip")


def record_export_downloaded(export: ExportJob) -> None:
    record_security_event(SecurityEventKind.DATA_EXPORTED, user=export.requested_by, actor=export.requested_by)


# ---- Her deletion request ----


def open_request(learner: User) -> DeletionRequest | None:
    """Her request waiting for a lead, if any."""
    return db.session.scalar(
        select(DeletionRequest).where(
            DeletionRequest.learner_id == learner.id, DeletionRequest.state == DeletionState.REQUESTED
        )
    )


def latest_request(learner: User) -> DeletionRequest | None:
    return db.session.scalar(
        select(DeletionRequest)
        .where(DeletionRequest.learner_id == learner.id)
        .order_by(DeletionRequest.id.desc())
        .limit(1)
    )


def request_deletion(learner: User) -> DeletionRequest:
    """She asks us to delete what we hold about her; asking twice is one request."""
    existing = open_request(learner)
    if existing is not None:
        return existing
    request = DeletionRequest(learner_id=learner.id, state=DeletionState.REQUESTED)
    db.session.add(request)
    db.session.flush()
    record_security_event(SecurityEventKind.DATA_REQUEST, user=learner, actor=learner, detail="deletion requested")
    return request


def withdraw_request(request: DeletionRequest) -> DeletionRequest:
    """She changes her mind while it waits."""
    require_waiting(request)
    request.state, request.decided_at = DeletionState.WITHDRAWN, utcnow()
    db.session.flush()
    record_security_event(SecurityEventKind.DATA_REQUEST, user=request.learner, detail="deletion withdrawn")
    return request


def require_waiting(request: DeletionRequest) -> None:
    if request.state != DeletionState.REQUESTED:
        raise DataRequestRefused(_l("This request has been decided already."))


def refuse_request(request: DeletionRequest, actor: User, note: str) -> DeletionRequest:
    """A lead says why the records must stay (the learner reads the note)."""
    require_waiting(request)
    note = (note or "").strip()
    if not note:
        raise DataRequestRefused(_l("Write why her records must be kept: she will read it."))
    request.state, request.note = DeletionState.REFUSED, note[:2000]
    request.decided_at, request.decided_by_id = utcnow(), actor.id
    db.session.flush()
    record_security_event(SecurityEventKind.DATA_REQUEST, user=request.learner, actor=actor, detail="deletion refused")
    return request


def waiting_requests(viewer: User):
    """A select of the requests waiting for a decision that ``viewer`` may decide, oldest first."""
    query = (
        select(DeletionRequest)
        .join(User, User.id == DeletionRequest.learner_id)
        .where(DeletionRequest.state == DeletionState.REQUESTED)
        .order_by(DeletionRequest.requested_at, DeletionRequest.id)
    )
    if not is_admin(viewer):
        from_programs = (
            select(Enrollment.learner_id)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(Cohort.program_id.in_(led_program_ids(viewer)))
        )
        query = query.where(DeletionRequest.learner_id.in_(from_programs))
    return query


# ---- Anonymisation: the person goes, the figures stay ----


def anonymise_learner(learner: User, actor: User, request: DeletionRequest | None = None) -> User:
    """Remove her name, phone, email, free text and files; keep counts and money, no longer linkable to her."""
    if request is not None:
        require_waiting(request)
    records = collect_records(learner.id)
    for table_name, rows in records.tables.items():
        forget_rows(table_name, rows)
    accounts.switch_off_account(learner, actor)
    if learner.phone:
        resume_sms(learner.phone)  # her number's stop goes with her number: it says nothing of the next holder
    learner.name, learner.phone, learner.locale = ANONYMISED_NAME, None, None
    learner.email = f"anonymised-{secrets.token_hex(8)}@invalid"
    learner.township = learner.village = ""
    learner.password_hash = accounts.unusable_password_hash()
    if request is not None:
        request.state, request.decided_at, request.decided_by_id = DeletionState.ANONYMISED, utcnow(), actor.id
    db.session.flush()
    record_security_event(SecurityEventKind.DATA_REQUEST, user=learner, actor=actor, detail="anonymised")
    return learner


def forget_rows(table_name: str, rows: list[dict]) -> None:
    """Empty the free text of her rows in one table, and let go of the files they name (their rows deleted)."""
    table = db.metadata.tables[table_name]
    model = mapped_class(table_name)
    ids = [row["id"] for row in rows] if "id" in table.columns else []
    if model is None or not ids:
        return
    if table_name in DELETED_TABLES:
        for item in db.session.scalars(select(model).where(model.id.in_(ids))):
            db.session.delete(item)
        return
    files = media_columns(table)
    if files:
        for item in db.session.scalars(select(model).where(model.id.in_(ids))):
            if any(not table.columns[column].nullable for column in files):
                db.session.delete(item)  # a row that is only the file: both go (media ownership)
            else:
                for column in files:
                    setattr(item, column, None)
        db.session.flush()
    cleared = {column.name: "" for column in table.columns if isinstance(column.type, Text)}
    cleared.update(dict.fromkeys(FREE_TEXT.get(table_name, ()), ""))
    cleared.update(
        {column.name: {} for column in table.columns if isinstance(column.type, JSON) and table_name in FREE_JSON}
    )
    if cleared:
        db.session.execute(update(table).where(table.c.id.in_(ids)).values(**cleared))


# ---- Retention per program ----


def set_retention(program: Program, months: int | None) -> Program:
    program.evidence_retention_months = months
    db.session.flush()
    return program


def claim_retention_run(program_id: int, today: date) -> bool:
    """Claim today's retention run of a program: true on one machine only (a conditional UPDATE)."""
    result = db.session.execute(
        update(Program)
        .where(Program.id == program_id)
        .where((Program.retention_ran_on.is_(None)) | (Program.retention_ran_on < today))
        .values(retention_ran_on=today)
    )
    return result.rowcount == 1


def expired_evidence(program: Program, today: date):
    """A select of the evidence photos of the program's follow-ups older than its retention allows."""
    cutoff = add_months(today, -program.evidence_retention_months)
    return (
        select(FollowUpEvidence)
        .join(FollowUp, FollowUp.id == FollowUpEvidence.follow_up_id)
        .join(Graduation, Graduation.id == FollowUp.graduation_id)
        .join(Cohort, Cohort.id == Graduation.cohort_id)
        .where(Cohort.program_id == program.id, FollowUpEvidence.created_at < start_of(cutoff))
    )


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def apply_retention(today: date) -> int:
    """Delete what each program keeps no longer (evidence photos past their months); each program once a day."""
    deleted = 0
    programs = db.session.scalars(select(Program).where(Program.evidence_retention_months.is_not(None))).all()
    for program in programs:
        if not claim_retention_run(program.id, today):
            continue
        for evidence in db.session.scalars(expired_evidence(program, today)):
            db.session.delete(evidence)
            deleted += 1
        db.session.flush()
    return deleted
