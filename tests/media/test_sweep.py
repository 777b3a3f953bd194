"""Sweeping: stored files no record names (a process killed between storing and committing) go, in every backend;
named files, young files and anything the upload step did not name stay."""

import os
from datetime import timedelta

from sqlalchemy import select

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.media import storage
from lms.media.models import MediaFile, MediaKind
from lms.media.stores import current_store
from lms.media.sweep import sweep_files
from tests.courses.test_media_samples import png_bytes
from tests.factories import CourseFactory

ORPHAN = "image/2026/" + "ab" * 16 + ".png"
NOT_OURS = "backups/2026/notes.txt"


def put(store, tmp_path, key: str) -> None:
    source = tmp_path / key.replace("/", "-")
    source.write_bytes(b"bytes")
    store.save(key, source, "application/octet-stream")


def test_only_stored_files_no_record_names_are_swept(store, tmp_path):
    source = tmp_path / "cover.png"
    source.write_bytes(png_bytes())
    named = storage.store_local_file(source, MediaKind.IMAGE, "cover.png", "image/png")
    CourseFactory(cover=named)
    db.session.commit()
    put(store, tmp_path, ORPHAN)
    put(store, tmp_path, NOT_OURS)
    assert sweep_files(timedelta(hours=1)) == (0, 0, 0)  # too young: its row may be about to commit
    orphans, _work_files, _unused = sweep_files(timedelta(0))
    assert orphans >= 1  # earlier tests' files, whose rows the test database rolled back, go too
    assert not store.exists(ORPHAN)
    assert store.exists(named.path)
    assert store.exists(NOT_OURS)
    store.delete(NOT_OURS)


def test_the_command_sweeps_unfinished_work_files_too(app, tmp_path):
    put(current_store(), tmp_path, ORPHAN)
    old_work_file = storage.new_incoming_path(".mp4")
    old_work_file.write_bytes(b"half a rendition")
    young_work_file = storage.new_incoming_path(".mp4")
    young_work_file.write_bytes(b"being written")
    two_days_ago = (old_work_file.stat().st_mtime - 2 * 24 * 3600,) * 2
    os.utime(old_work_file, two_days_ago)
    os.utime(current_store().path(ORPHAN), two_days_ago)
    result = app.test_cli_runner().invoke(args=["lms", "sweep-files"])
    assert result.exit_code == 0, result.output
    assert "1 stored file(s) no record names deleted; 1 unfinished work file(s) deleted;" in result.output
    assert not old_work_file.exists()
    assert young_work_file.exists()
    young_work_file.unlink()


def test_a_file_held_for_a_form_never_sent_goes_once_a_day_old(store, tmp_path):
    """A photo kept after a refused hand-in has a row but no owner; if she never sends the form, it is swept."""
    source = tmp_path / "photo.png"
    source.write_bytes(png_bytes())
    held_long_ago, held_now, used = (
        storage.store_local_file(source, MediaKind.IMAGE, "photo.png", "image/png") for _ in range(3)
    )
    CourseFactory(cover=used)
    for media_file in (held_long_ago, used):
        media_file.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    path = held_long_ago.path
    assert sweep_files(timedelta(days=1)).unused == 1
    db.session.commit()
    assert set(db.session.scalars(select(MediaFile.id))) >= {held_now.id, used.id}
    assert db.session.get(MediaFile, held_long_ago.id) is None
    assert not store.exists(path)
    assert store.exists(held_now.path)
    assert store.exists(used.path)
