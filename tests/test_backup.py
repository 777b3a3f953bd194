"""`lms backup` and `lms restore`: a backup restored into an empty database holds every row and every file."""

import json
import secrets
import tarfile
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url, select

from lms.app import backup as backups
from lms.app import create_app, demo
from lms.core.extensions import db
from lms.media.models import MediaFile
from lms.media.stores import current_store

pytestmark = pytest.mark.commits


def every_row() -> dict[str, list[tuple]]:
    """Each table's rows, ordered by the primary key."""
    rows = {}
    for table in db.metadata.sorted_tables:
        rows[table.name] = [tuple(row) for row in db.session.execute(select(table).order_by(*table.primary_key))]
    return rows


@contextmanager
def empty_database(app, folder: Path):
    """A URL for a new, empty database of the kind the tests run on; dropped afterwards."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    name = f"lms_restore_{secrets.token_hex(4)}"
    server = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def stored_file(key: str, data: bytes, folder: Path) -> MediaFile:
    source = folder / "upload.part"
    source.write_bytes(data)
    current_store().save(key, source, "text/vtt")
    media = MediaFile(kind="captions", path=key, original_name="zh.vtt", content_type="text/vtt", size_bytes=len(data))
    db.session.add(media)
    return media


@pytest.fixture
def filled(world, tmp_path):
    """The demo program, the test world and a stored file, committed."""
    demo.seed("demo-pass-2027", videos=False)
    key = f"captions/backup/{secrets.token_hex(8)}.vtt"
    stored_file(key, b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xe4\xbd\xa0\xe5\xa5\xbd\n", tmp_path)
    db.session.commit()
    yield key
    db.session.remove()
    current_store().delete(key)


def test_a_backup_restored_into_an_empty_database_holds_every_row_and_file(app, filled, tmp_path):
    before = every_row()
    assert sum(map(len, before.values())) > 100
    summary = backups.backup(tmp_path / "backups")
    assert summary.archive.name.startswith("lms-backup-")
    assert summary.files == 1
    with tarfile.open(summary.archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["tables"] == {name: len(rows) for name, rows in before.items()}
    with empty_database(app, tmp_path) as url:
        restored = create_app({"SQLALCHEMY_DATABASE_URI": url, "LMS_UPLOAD_PATH": str(tmp_path / "uploads")})
        with restored.app_context():
            try:
                backups.restore(summary.archive)
                after = every_row()
                with current_store().open(filled) as copy:
                    assert copy.read().endswith("你好\n".encode())
            finally:
                db.session.remove()
                db.engine.dispose()
    assert after == before


def test_the_commands_back_up_and_refuse_to_restore_over_a_database_with_tables(app, filled, tmp_path):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["lms", "backup", "--to", str(tmp_path), "--objects", "manifest"])
    assert made.exit_code == 0, made.output
    assert "Backup written to" in made.output
    assert "1 file(s) listed" in made.output
    [archive] = tmp_path.glob("lms-backup-*.tar")
    with tarfile.open(archive) as tar:
        assert not [name for name in tar.getnames() if name.startswith("files/")]
    refused = runner.invoke(args=["lms", "restore", str(archive)])
    assert refused.exit_code != 0
    assert "the database already has tables" in refused.output
    assert "restore into a new, empty database" in refused.output


@pytest.mark.parametrize("content", [None, b"not a tar file", "tar without manifest"])
def test_restoring_something_that_is_not_a_backup_says_so_before_anything_is_touched(app, tmp_path, content):
    archive = tmp_path / "backup.tar"
    if content == "tar without manifest":
        (tmp_path / "other.txt").write_text("x")
        with tarfile.open(archive, "w") as tar:
            tar.add(tmp_path / "other.txt", arcname="other.txt")
    elif content is not None:
        archive.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["lms", "restore", str(archive)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    expected = "no backup at" if content is None else "is not a backup this app wrote"
    assert expected in result.output
