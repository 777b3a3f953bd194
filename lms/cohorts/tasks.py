"""Queued jobs of the cohorts area: running confirmed imports (of learners here, of follow-ups in outcomes)."""

from datetime import timedelta

from lms.accounts.models import User
from lms.cohorts.imports import kept
from lms.core.extensions import db
from lms.core.queue import crontab, enqueue_after_commit, job, periodic_job

# A confirmed import still waiting after this long lost its job (a worker stopped): it is enqueued again.
LOST_AFTER = timedelta(minutes=10)


@job(retries=2, retry_delay=60)
def run_import_job(token: str) -> str | None:
    """Run one confirmed import (one that another worker ran already makes this do nothing)."""
    return kept.run_import(token)


def queue_import(token: str | None, kind: str, lead: User, parameters: dict) -> bool:
    """Confirm the previewed file of this token; its import runs once the request commits. False: no file."""
    if not kept.queue_import(token, kind, lead, parameters):
        return False
    enqueue_after_commit(db.session(), run_import_job, token)
    return True


@periodic_job(crontab(minute="*/10"))
def tend_imports() -> int:
    """Every ten minutes: run again the confirmed imports whose job was lost."""
    tokens = kept.waiting_imports(LOST_AFTER)
    for token in tokens:
        run_import_job(token)
    return len(tokens)
