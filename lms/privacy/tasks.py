"""Queued jobs of a learner's data: the daily retention run (her download is built by the media area's export
job)."""

from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.queue import crontab, periodic_job
from lms.privacy import services


# 18:40 UTC is the small hours in China. Every scheduler enqueues it; each program's run is claimed in the
# database (``services.claim_retention_run``), so two machines delete each photo once.
@periodic_job(crontab(minute="40", hour="18"))
def apply_retention() -> int:
    """Delete what programs keep no longer."""
    deleted = services.apply_retention(program_today())
    db.session.commit()
    return deleted
