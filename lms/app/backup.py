"""Backups: the database and the stored files in one tar archive, and its restore into an empty database.

SQLite is copied with its online backup API (a consistent copy while the app runs); PostgreSQL with
``pg_dump --format=custom`` and ``pg_restore``. The stored files are copied out of the store, whichever
it is; with object storage, ``--objects manifest`` writes only the list of keys (the bucket keeps its own
copies). ``manifest.json`` says what the archive holds and how many rows each table had.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL

from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.media.models import MediaFile
from lms.media.stores import current_store

FORMAT = 1
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.pgdump"
FILES_FOLDER = "files"
MANIFEST = "manifest.json"


class BackupError(UserFacingError):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class Summary:
    archive: Path
    tables: dict[str, int]
    files: int


def table_counts() -> dict[str, int]:
    """Rows in each of the app's tables."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def migration_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def libpq_arguments(url: URL) -> tuple[list[str], dict[str, str], str | None]:
    """pg_dump/pg_restore options, environment (password, options) and the schema the URL's search_path names."""
    arguments = ["--host", url.host or "localhost", "--port", str(url.port or 5432), "--dbname", url.database or ""]
    if url.username:
        arguments += ["--username", url.username]
    environment = {**os.environ, "PGPASSWORD": url.password or ""} if url.password else dict(os.environ)
    options = url.query.get("options") or ""
    schema = None
    if "search_path=" in options:
        schema = options.split("search_path=", 1)[1].split()[0].split(",")[0]
        environment["PGOPTIONS"] = options
    return arguments, environment, schema


def run_tool(command: list[str], environment: dict[str, str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    done = subprocess.run([tool, *command[1:]], env=environment, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


def dump_database(folder: Path) -> str:
    """The database into ``folder``; returns its file name."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        target = folder / SQLITE_FILE
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_FILE
    if url.get_backend_name() == "postgresql":
        arguments, environment, schema = libpq_arguments(url)
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *arguments]
        command += ["--file", str(folder / POSTGRES_FILE)]
        if schema:
            command += ["--schema", schema]
        run_tool(command, environment)
        return POSTGRES_FILE
    raise BackupError(f"backups know SQLite and PostgreSQL, not {url.get_backend_name()}")


def copy_files(folder: Path, with_objects: bool) -> list[dict]:
    """Every stored file's key, size and type; with ``with_objects`` its bytes too."""
    store = current_store()
    listed = []
    for key, content_type, size in db.session.execute(
        select(MediaFile.path, MediaFile.content_type, MediaFile.size_bytes).order_by(MediaFile.id)
    ):
        listed.append({"key": key, "content_type": content_type, "size": size})
        if with_objects:
            target = folder / FILES_FOLDER / key
            target.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.closing(store.open(key)) as source, target.open("wb") as output:
                shutil.copyfileobj(source, output)
    return listed


def backup(destination: Path, with_objects: bool = True) -> Summary:
    """Write ``lms-backup-<time>.tar`` into ``destination`` (a folder) and say what it holds."""
    destination.mkdir(parents=True, exist_ok=True)
    archive = destination / f"lms-backup-{utcnow():%Y%m%dT%H%M%SZ}.tar"
    with tempfile.TemporaryDirectory(dir=destination) as work:
        folder = Path(work)
        tables = table_counts()
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(),
            "database": db.engine.url.get_backend_name(),
            "database_file": dump_database(folder),
            "revision": migration_revision(),
            "tables": tables,
            "files_included": with_objects,
            "files": copy_files(folder, with_objects),
        }
        db.session.rollback()
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        partial = archive.with_suffix(".tar.part")
        with tarfile.open(partial, "w") as tar:
            for path in sorted(folder.iterdir()):
                tar.add(path, arcname=path.name)
        partial.rename(archive)
    return Summary(archive, tables, len(manifest["files"]))


def ensure_empty_database() -> None:
    present = inspect(db.engine).get_table_names()
    if present:
        raise BackupError(
            f"the database already has tables ({', '.join(sorted(present)[:5])}…): restore into a new, empty database"
        )


def ensure_empty_store(listed: list[dict]) -> None:
    store = current_store()
    taken = [entry["key"] for entry in listed if store.exists(entry["key"])]
    if taken:
        raise BackupError(f"{len(taken)} stored file(s) are already there (such as {taken[0]}): use an empty store")


def load_database(folder: Path, manifest: dict) -> None:
    url = db.engine.url
    if manifest["database"] != url.get_backend_name():
        raise BackupError(f"this backup holds a {manifest['database']} database; the app uses {url.get_backend_name()}")
    if url.get_backend_name() == "sqlite":
        db.engine.dispose()
        source = sqlite3.connect(folder / manifest["database_file"])
        target = sqlite3.connect(url.database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    arguments, environment, _schema = libpq_arguments(url)
    environment.pop("PGOPTIONS", None)  # the dump names its schema itself
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    run_tool([*command, *arguments, str(folder / manifest["database_file"])], environment)
    db.engine.dispose()


def restore(archive: Path) -> Summary:
    """Load a backup into the app's database, which must be empty, and its files into the store."""
    if not archive.is_file():
        raise BackupError(f"no backup at {archive}")
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(folder, filter="data")
            manifest = json.loads((folder / MANIFEST).read_text())
        except (tarfile.TarError, OSError, ValueError, KeyError) as error:
            raise BackupError(f"{archive} is not a backup this app wrote ({type(error).__name__})") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{archive} is a backup of format {manifest.get('format')}, not {FORMAT}")
        ensure_empty_database()
        if manifest["files_included"]:
            ensure_empty_store(manifest["files"])
        load_database(folder, manifest)
        store = current_store()
        if manifest["files_included"]:
            for entry in manifest["files"]:
                store.save(entry["key"], folder / FILES_FOLDER / entry["key"], entry["content_type"])
    return Summary(archive, table_counts(), len(manifest["files"]))
