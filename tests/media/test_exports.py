"""Exports built by a queue job: written once into the store, taken up again when a job is lost, failures said,
and deleted with their files after their days."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.media import exports, tasks
from lms.media.models import ExportJob, ExportStatus, MediaFile


def write_lines(parameters: dict, user, out) -> int:
    for number in range(parameters["lines"]):
        out.write(f"{user.name},{number}\r\n")
    return parameters["lines"]


def refuse(parameters: dict, user, out) -> int:
    raise RuntimeError("the writer broke")


def taken_meanwhile(parameters: dict, user, out) -> int:
    """As if the claim ran out while writing and another worker took the export again."""
    db.session.execute(
        update(ExportJob).where(ExportJob.kind == "test-taken").values(claimed_until=utcnow() + timedelta(hours=1))
    )
    return write_lines({"lines": 1}, user, out)


exports.register_export("test-lines", write_lines)
exports.register_export("test-taken", taken_meanwhile)
exports.register_export("test-refused", refuse)


def ask(kind: str, user, **parameters) -> ExportJob:
    export = tasks.request_export(kind, parameters, user, "lines.csv", "en")
    db.session.commit()
    return export


@pytest.mark.parametrize("store", ["s3"], indirect=True)
def test_an_export_is_written_once_into_the_store(app, world, job_queue, store):
    export = ask("test-lines", world.lead, lines=3)
    assert job_queue.names() == ["build_export_job"]
    tasks.build_export_job(export.id)  # a second job for the same export (a scheduler's, a retry) does nothing
    assert job_queue.run() == 2
    db.session.refresh(export)
    assert (export.status, export.rows) == (ExportStatus.READY, 3)
    key = export.file.path
    assert key.startswith("export/")
    assert key.endswith(".csv")
    assert store.read(key) == f"\ufeff{world.lead.name},0\r\n{world.lead.name},1\r\n{world.lead.name},2\r\n".encode()
    assert ask("test-lines", world.lead, lines=3).id != export.id  # a finished one is not given again


def test_a_lost_job_is_taken_up_again_and_a_failure_is_said(client, auth, world, job_queue):
    lost = ask("test-lines", world.lead, lines=1)
    broken = ask("test-refused", world.lead)
    job_queue.run()
    db.session.refresh(broken)
    assert broken.status == ExportStatus.FAILED
    auth.login(world.lead)
    assert "could not be prepared" in client.get(f"/exports/{broken.id}").text
    # A worker stopped while writing: its claim runs out, and the export is built again.
    lost.status, lost.claimed_until = ExportStatus.RUNNING, utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert exports.exports_to_resume() == [lost.id]
    tasks.tend_exports()
    job_queue.run()
    db.session.refresh(lost)
    assert lost.status == ExportStatus.READY
    assert '<span class="hint">1 KB</span>' in client.get(f"/exports/{lost.id}").text  # sized as on every page


def test_exports_are_deleted_with_their_files_after_their_days(app, world, job_queue, store):
    export = ask("test-lines", world.lead, lines=1)
    job_queue.run()
    export_id, key = export.id, export.file.path
    assert store.exists(key)
    export.created_at = utcnow() - timedelta(days=exports.KEEP_DAYS, minutes=1)
    db.session.commit()
    assert exports.delete_old_exports() == 1
    db.session.commit()
    assert db.session.get(ExportJob, export_id) is None
    assert not store.exists(key)


def test_a_worker_whose_claim_was_taken_does_not_finish_the_export(world, job_queue):
    export = ask("test-taken", world.lead)
    job_queue.run()
    db.session.refresh(export)
    assert (export.status, export.file_id) == (ExportStatus.RUNNING, None)  # the other worker's to finish
    assert db.session.scalar(select(func.count()).select_from(MediaFile)) == 0  # its file went with it
