"""``flask --app wsgi lms backup`` and ``lms restore``: the database and stored files, out and back in."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.app import backup as backups


@click.command("backup")
@click.option(
    "--to",
    "destination",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("backups"),
    show_default=True,
    help="Folder the archive is written into.",
)
@click.option(
    "--objects",
    type=click.Choice(["include", "manifest"]),
    default="include",
    show_default=True,
    help="Copy the stored files into the archive, or only list them (object storage keeps its own copies).",
)
@with_appcontext
def backup(destination, objects):
    """Write the database and the stored files into one archive, while the app runs."""
    try:
        summary = backups.backup(destination, with_objects=objects == "include")
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(summary.tables.values())
    done = "copied" if objects == "include" else "listed"
    tables = len(summary.tables)
    click.echo(f"Backup written to {summary.archive}: {rows} rows in {tables} tables, {summary.files} file(s) {done}.")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore(archive):
    """Load a backup into an empty database (and its files into the store); refuses a database with tables."""
    try:
        summary = backups.restore(archive)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    rows = sum(summary.tables.values())
    click.echo(f"Restored {archive}: {rows} rows in {len(summary.tables)} tables, {summary.files} file(s).")
