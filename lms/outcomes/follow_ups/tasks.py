"""Queued jobs of follow-ups: the daily reminders."""

from lms.core.extensions import db
from lms.core.queue import crontab, periodic_job
from lms.outcomes.follow_ups import waves


# 01:00 UTC is 09:00 in China: reminders arrive in the morning. Every scheduler enqueues it; each wave and
# its second reminder are claimed in the database as told (``waves.claim_reminder``, ``claim_second_reminder``),
# so two machines tell each graduate once.
@periodic_job(crontab(minute="0", hour="1"))
def send_follow_up_reminders() -> int:
    """Tell each graduate whose follow-up fell due, once per wave, and once more when it is still missing later."""
    sent = waves.notify_due_follow_ups() + waves.notify_missing_follow_ups()
    db.session.commit()
    return sent
