"""Queued jobs of the notifications area: each email and text message delivered as its own job, and sweeps.

The outbox row stays the record (attempts, last error, next try); a job only ever sends a row
it has claimed, so a job, a retry, the sweep and `lms send-mail` never send one email twice.
"""

from flask import current_app
from huey.exceptions import RetryTask

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.queue import crontab, enqueue_after_commit, job, periodic_job
from lms.notifications import mail, sms
from lms.notifications.models import OutboxEmail, OutboxSms, SmsState
from lms.notifications.sms_providers import sms_provider

# A job retries this many times on the outbox's backoff (1, 2, 4 ... minutes); the sweep goes on after that.
JOB_ATTEMPTS = 6


@job()
def deliver_email(email_id: int) -> bool:
    """Send one outbox email; a failure is recorded on its row and tried again when the row says."""
    settings = mail.smtp_settings(current_app.config)
    if settings is None:
        return False  # it waits in the outbox until a mail server is configured
    email = mail.deliver_email(settings, email_id)
    if email is None or email.sent_at is not None:
        return email is not None
    if email.attempts < JOB_ATTEMPTS:
        raise RetryTask(eta=email.next_attempt_at)
    return False


@periodic_job(crontab(minute="*/5"))
def deliver_due_emails() -> int:
    """Every five minutes: whatever is due in the outbox (jobs lost or given up, mail server back)."""
    settings = mail.smtp_settings(current_app.config)
    if settings is None:
        return 0
    report = mail.deliver_due(settings, utcnow())
    db.session.commit()
    return report.sent


def send_after_commit(email: OutboxEmail) -> OutboxEmail:
    """Deliver the email once the transaction that wrote it commits."""
    enqueue_after_commit(db.session(), deliver_email, email.id)
    return email


@job()
def deliver_sms(sms_id: int) -> bool:
    """Send one text message; a provider that did not answer means a retry when its row says."""
    message = sms.deliver_sms(sms_provider(current_app.config), sms_id)
    if message is None or message.state != SmsState.WAITING:
        return message is not None and message.state == SmsState.SENT
    if message.attempts < JOB_ATTEMPTS:
        raise RetryTask(eta=message.next_attempt_at)
    return False


@periodic_job(crontab(minute="*/5"))
def deliver_due_sms() -> int:
    """Every five minutes: held messages whose morning came, and those a lost or given-up job left."""
    sent = sms.deliver_due_sms(sms_provider(current_app.config), utcnow())
    db.session.commit()
    return sent


def text_after_commit(message: OutboxSms) -> OutboxSms:
    """Send the message once the transaction that wrote it commits; a held one goes with the sweep at its time."""
    if message.state == SmsState.WAITING:
        enqueue_after_commit(db.session(), deliver_sms, message.id)
    return message
