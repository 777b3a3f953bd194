"""Large exports built by a queue job, streamed to a file and kept in the store, then downloaded by whoever asked.

An area registers how each kind of export is written (``register_export``): the follow-up CSV for leads, a
learner's ZIP of everything kept about her. A request asks for one (``tasks.request_export``) and shows its page,
where the file appears once it is ready. The job claims the export in the database as a conversion does, so a
repeated or stolen job writes it once, and one whose worker stopped is taken up again by ``exports_to_resume``.
Exports are kept for ``KEEP_DAYS``; only the person who asked sees the file (and admins, as for every file).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, or_, select, update

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.media import storage
from lms.media.access import register_access_rule
from lms.media.models import ExportJob, ExportStatus, MediaFile, MediaKind

# How a kind of export is written: (its selection, who asked, a stream) -> rows written. The stream is text for
# CSV, bytes for any other type.
ExportWriter = Callable[[dict, User, IO], int]
CSV = "text/csv"


@dataclass(frozen=True)
class ExportKind:
    write: ExportWriter
    content_type: str


EXPORT_KINDS: dict[str, ExportKind] = {}
# A claim is not renewed while the file is written: an export must finish within it (the whole program's
# follow-ups, 166,000 of them, take under two minutes).
CLAIM_MINUTES = 30
KEEP_DAYS = 7
# An export nobody has taken this long after it was asked for is enqueued again (its job was lost).
RESUME_AFTER = timedelta(minutes=5)


def register_export(kind: str, writer: ExportWriter, content_type: str = CSV) -> None:
    """Say how exports of ``kind`` are written; the writer runs in the job with the asker's language."""
    EXPORT_KINDS[kind] = ExportKind(writer, content_type)


def latest_export(kind: str, user: User) -> ExportJob | None:
    """The newest export of ``kind`` that ``user`` asked for, whatever its state."""
    return db.session.scalar(
        select(ExportJob)
        .where(ExportJob.requested_by_id == user.id, ExportJob.kind == kind)
        .order_by(ExportJob.id.desc())
        .limit(1)
    )


def expires_at(export: ExportJob) -> datetime | None:
    """When a finished export's file is deleted."""
    return export.created_at + timedelta(days=KEEP_DAYS) if export.finished_at else None


def new_export(kind: str, parameters: dict, user: User, filename: str, locale: str) -> tuple[ExportJob, bool]:
    """The export of this selection under way for ``user``, else a new one; and whether it is new."""
    under_way = select(ExportJob).where(
        ExportJob.requested_by_id == user.id,
        ExportJob.kind == kind,
        ExportJob.status.in_([ExportStatus.WAITING, ExportStatus.RUNNING]),
    )
    for export in db.session.scalars(under_way):
        if export.parameters == parameters:
            return export, False
    export = ExportJob(kind=kind, parameters=parameters, filename=filename, locale=locale, requested_by_id=user.id)
    db.session.add(export)
    db.session.flush()
    return export, True


def claim_export(export_id: int) -> datetime | None:
    """Take the export for this worker (a conditional UPDATE): the claim's end, which says the claim is this
    worker's, or None when the export is done or another worker holds it."""
    now = utcnow()
    claimed_until = now + timedelta(minutes=CLAIM_MINUTES)
    taken = db.session.execute(
        update(ExportJob)
        .where(
            ExportJob.id == export_id,
            or_(
                ExportJob.status == ExportStatus.WAITING,
                (ExportJob.status == ExportStatus.RUNNING) & (ExportJob.claimed_until < now),
            ),
        )
        .values(status=ExportStatus.RUNNING, claimed_until=claimed_until)
    ).rowcount
    db.session.commit()
    return claimed_until if taken else None


def build_export(export_id: int) -> ExportJob | None:
    """Write the export's file row by row to the work folder, keep it in the store and mark it ready.

    Commits. The file is never whole in memory; a writer's error marks the export failed (the page says so).
    """
    claim = claim_export(export_id)
    if claim is None:
        return None
    export = db.session.get(ExportJob, export_id)
    kind = EXPORT_KINDS[export.kind]
    path = storage.new_incoming_path("." + storage.EXTENSIONS[kind.content_type])
    try:
        with force_locale(export.locale), open_for(path, kind.content_type) as out:
            rows = kind.write(export.parameters, export.requested_by, out)
        kept = storage.keep_file(path, MediaKind.EXPORT, kind.content_type, export.filename, export.requested_by)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("export %s failed", export_id)
        db.session.execute(
            update(ExportJob).where(ExportJob.id == export_id).values(status=ExportStatus.FAILED, finished_at=utcnow())
        )
        db.session.commit()
        return None
    finally:
        storage.discard_file(path)
    # Only while the claim is still this worker's: one that ran out and was taken again is the other's to finish.
    finished = db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == export_id, ExportJob.status == ExportStatus.RUNNING, ExportJob.claimed_until == claim)
        .values(status=ExportStatus.READY, rows=rows, finished_at=utcnow(), file_id=kept.id)
    ).rowcount
    if not finished:
        storage.delete_media(kept)
    db.session.commit()
    db.session.refresh(export)
    return export if finished else None


def open_for(path, content_type: str) -> IO:
    if content_type == CSV:
        # UTF-8 with a BOM: spreadsheets on Chinese Windows then read it right.
        return path.open("w", encoding="utf-8-sig", newline="")
    return path.open("wb")


def exports_to_resume() -> list[int]:
    """Exports whose job was lost: waiting a while, or running under a claim that ran out."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(ExportJob.id).where(
                or_(
                    (ExportJob.status == ExportStatus.WAITING) & (ExportJob.created_at < now - RESUME_AFTER),
                    (ExportJob.status == ExportStatus.RUNNING) & (ExportJob.claimed_until < now),
                )
            )
        )
    )


def delete_old_exports() -> int:
    """Delete exports older than ``KEEP_DAYS``, their files with them (once the caller commits)."""
    cutoff = utcnow() - timedelta(days=KEEP_DAYS)
    file_ids = list(db.session.scalars(select(ExportJob.file_id).where(ExportJob.created_at < cutoff)))
    deleted = db.session.execute(delete(ExportJob).where(ExportJob.created_at < cutoff)).rowcount
    for media_file in db.session.scalars(select(MediaFile).where(MediaFile.id.in_([i for i in file_ids if i]))):
        storage.delete_media(media_file)
    return deleted


def can_view_export_file(user: User, media_file: MediaFile) -> bool | None:
    """An export's file: only the person who asked for it (it holds what she may see, not what others may)."""
    if media_file.kind != MediaKind.EXPORT:
        return None
    return media_file.uploaded_by_id is not None and media_file.uploaded_by_id == user.id


register_access_rule(can_view_export_file, personal=True)
