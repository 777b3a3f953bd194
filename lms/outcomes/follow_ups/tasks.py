"""Queued jobs of follow-ups: the daily reminders."""

from lms.core.extensions import db
from lms.core.queue import crontab, periodic_job
from lms.outcomes.follow_ups import waves


# 01:00 UTC is 09:00 in China: reminders arrive in the morning. Every scheduler enqueues it; each wave is
# claimed in the database as it is told (``waves.claim_reminder``), so two machines tell each graduate once.
@periodic_job(crontab(minute="0", hour="1"))
def send_follow_up_reminders() -> int:
    """Tell each graduate whose follow-up fell due, once per wave."""
    sent = waves.notify_due_follow_ups()
    db.session.commit()
    return sent
