"""Large exports built by a queue job, streamed to a file and kept in the store, then downloaded by whoever asked.

An area registers how each kind of export is written (``register_export``); a request asks for one
(``tasks.request_export``) and shows its page, where the file appears once it is ready. The job claims the
export in the database as a conversion does, so a repeated or stolen job writes it once, and one
whose worker stopped is taken up again by ``resume_exports``. Exports are kept for ``KEEP_DAYS``.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TextIO

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, or_, select, update

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.media import storage
from lms.media.models import ExportJob, ExportStatus, MediaFile, MediaKind

# How a kind of export is written: (its selection, who asked, a text stream) -> rows written.
ExportWriter = Callable[[dict, User, TextIO], int]
EXPORT_WRITERS: dict[str, ExportWriter] = {}
CLAIM_MINUTES = 30
KEEP_DAYS = 7
# An export nobody has taken this long after it was asked for is enqueued again (its job was lost).
RESUME_AFTER = timedelta(minutes=5)


def register_export(kind: str, writer: ExportWriter) -> None:
    """Say how exports of ``kind`` are written; the writer runs in the job with the asker's language."""
    EXPORT_WRITERS[kind] = writer


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
    path = storage.new_incoming_path(".csv")
    try:
        # UTF-8 with a BOM: spreadsheets on Chinese Windows then read it right.
        with force_locale(export.locale), path.open("w", encoding="utf-8-sig", newline="") as out:
            rows = EXPORT_WRITERS[export.kind](export.parameters, export.requested_by, out)
        kept = storage.keep_file(path, MediaKind.EXPORT, "text/csv", export.filename, export.requested_by)
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
