"""Queued jobs of the media area: sweeping what stopped processes left behind."""

from datetime import timedelta

from lms.core.extensions import db
from lms.core.queue import crontab, periodic_job
from lms.media import sweep, workspace


@periodic_job(crontab(minute="17", hour="19"))
def sweep_left_files() -> tuple[int, int]:
    """Daily (03:17 in China): stored files no row names, and work files stopped processes left, a day old."""
    swept = sweep.sweep_files(timedelta(seconds=workspace.LEFT_BEHIND_SECONDS))
    db.session.commit()
    return swept
