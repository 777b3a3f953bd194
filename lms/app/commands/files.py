"""``flask --app wsgi lms sweep-files``: delete stored files that no record names any more."""

from datetime import timedelta

import click
from flask.cli import with_appcontext

from lms.core.extensions import db
from lms.media.sweep import sweep_files


@click.command("sweep-files")
@click.option("--hours", type=click.IntRange(min=1), default=24, show_default=True, help="Only files older than this.")
@with_appcontext
def sweep_stored_files(hours):
    """Delete stored files and work files left by a process stopped between storing a file and recording it, and
    files kept for a form that was never sent."""
    swept = sweep_files(timedelta(hours=hours))
    db.session.commit()
    click.echo(
        f"{swept.orphans} stored file(s) no record names deleted; {swept.work_files} unfinished work file(s) "
        f"deleted; {swept.unused} file(s) kept for a form never sent deleted."
    )
