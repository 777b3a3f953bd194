"""Queued jobs of a learner's data: building her download, and the daily retention run."""

from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.queue import crontab, enqueue_after_commit, job, periodic_job
from lms.privacy import services

EXPORT_RETRIES = 2


@job(retries=EXPORT_RETRIES, retry_delay=60, context=True)
def build_data_export(export_id: int, task=None) -> None:
    """Build one learner's ZIP; after the last retry it is marked failed, so her page says so."""
    try:
        services.build_export(export_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        if task is None or task.retries == 0:
            services.mark_export_failed(export_id)
            db.session.commit()
        raise


def build_after_commit(export_id: int) -> None:
    """Build the ZIP once the request that asked for it commits."""
    enqueue_after_commit(db.session(), build_data_export, export_id)


# 18:40 UTC is the small hours in China. Every scheduler enqueues it; each program's run is claimed in the
# database (``services.claim_retention_run``), so two machines delete each photo once.
@periodic_job(crontab(minute="40", hour="18"))
def apply_retention() -> int:
    """Delete what programs keep no longer, and downloads past their days."""
    deleted = services.apply_retention(program_today())
    db.session.commit()
    services.expire_exports()
    db.session.commit()
    return deleted
