"""Queued jobs of the media area: building exports, sweeping what stopped processes left behind."""

from datetime import timedelta

from lms.core.extensions import db
from lms.core.queue import crontab, enqueue_after_commit, job, periodic_job
from lms.media import exports, sweep, workspace
from lms.media.models import ExportJob


@periodic_job(crontab(minute="17", hour="19"))
def sweep_left_files() -> sweep.Swept:
    """Daily (03:17 in China): stored files no row names, work files stopped processes left and files held for
    forms never sent, a day old."""
    swept = sweep.sweep_files(timedelta(seconds=workspace.LEFT_BEHIND_SECONDS))
    db.session.commit()
    return swept


@job(retries=2, retry_delay=60)
def build_export_job(export_id: int) -> None:
    """Build one export (a worker that took it already, or a finished one, makes this do nothing)."""
    exports.build_export(export_id)


def request_export(kind: str, parameters: dict, user, filename: str, locale: str) -> ExportJob:
    """Ask for an export of this selection (the one under way when there is one), built once the request commits."""
    export, made = exports.new_export(kind, parameters, user, filename, locale)
    if made:
        enqueue_after_commit(db.session(), build_export_job, export.id)
    return export


@periodic_job(crontab(minute="*/10"))
def tend_exports() -> int:
    """Every ten minutes: take up exports whose job was lost, and delete those past their days."""
    for export_id in exports.exports_to_resume():
        build_export_job(export_id)
    deleted = exports.delete_old_exports()
    db.session.commit()
    return deleted
