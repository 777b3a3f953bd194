"""The email outbox: a request only writes a row; a queued job (``notifications/tasks.py``) or
`lms send-mail` delivers it over SMTP.

A message is never deleted. A failed try is counted, its error kept, and the next try waits
1, 2, 4 ... minutes, at most 6 hours. Each message is claimed with a conditional UPDATE and
committed on its own, so two senders running at once, or a crash halfway, never send one twice.
"""

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import func, select, update

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.notifications.models import OutboxEmail

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# A sender that dies while holding a message gives it back after this long.
CLAIM_FOR = timedelta(minutes=10)
BATCH_SIZE = 100
SMTP_TIMEOUT_SECONDS = 30
ERROR_MAX_CHARS = 1000


def queue_email(to_address: str, subject: str, body: str) -> OutboxEmail:
    """Write an email to the outbox; the queue sends it once the transaction commits."""
    # A header cannot hold a line break (it would let text inject headers): keep the subject on one line.
    email = OutboxEmail(to_address=to_address.strip(), subject=" ".join(subject.split())[:300], body=body)
    db.session.add(email)
    db.session.flush()
    return email


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 1 minute, doubled each time, at most 6 hours."""
    doubled = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16)
    return min(doubled, LONGEST_RETRY)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    use_ssl: bool
    sender: str


def smtp_settings(config) -> SmtpSettings | None:
    """The mail server settings from the app config, or None while the host or sender is missing."""
    host, sender = config.get("LMS_SMTP_HOST"), config.get("LMS_MAIL_FROM")
    if not host or not sender:
        return None
    return SmtpSettings(
        host=host,
        port=int(config.get("LMS_SMTP_PORT") or 587),
        username=config.get("LMS_SMTP_USERNAME") or "",
        password=config.get("LMS_SMTP_PASSWORD") or "",
        starttls=bool(config.get("LMS_SMTP_STARTTLS", True)),
        use_ssl=bool(config.get("LMS_SMTP_SSL", False)),
        sender=sender,
    )


def pending_emails():
    """A select of the emails not sent yet, the next to try first."""
    return (
        select(OutboxEmail).where(OutboxEmail.sent_at.is_(None)).order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
    )


def pending_count() -> int:
    """How many emails wait in the outbox."""
    return db.session.scalar(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.sent_at.is_(None)))


def recently_sent(limit: int = 50):
    """A select of the last emails sent, newest first."""
    return (
        select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_not(None))
        .order_by(OutboxEmail.sent_at.desc(), OutboxEmail.id.desc())
        .limit(limit)
    )


def due_email_ids(now: datetime, limit: int) -> list[int]:
    query = (
        select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def claim_email(email_id: int, now: datetime) -> OutboxEmail | None:
    """Take one due email for this sender (a conditional UPDATE), or None when another sender has it."""
    result = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email_id, OutboxEmail.sent_at.is_(None), OutboxEmail.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM_FOR)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.get(OutboxEmail, email_id, populate_existing=True)


def record_sent(email: OutboxEmail, now: datetime) -> None:
    email.sent_at = now
    email.last_error = ""
    db.session.commit()


def record_failure(email: OutboxEmail, error: Exception | str, now: datetime) -> None:
    email.attempts += 1
    email.last_error = (str(error) or type(error).__name__)[:ERROR_MAX_CHARS]
    email.next_attempt_at = now + retry_delay(email.attempts)
    db.session.commit()


def build_message(email: OutboxEmail, sender: str) -> EmailMessage:
    """The email as MIME: UTF-8 text; smtplib encodes a non-ASCII subject (RFC 2047) when it sends."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(email.body)
    return message


def open_connection(settings: SmtpSettings) -> smtplib.SMTP:
    """Connect (TLS from the start, or STARTTLS) and sign in to the mail server."""
    context = ssl.create_default_context()
    if settings.use_ssl:
        connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if settings.starttls and not settings.use_ssl:
            connection.starttls(context=context)
        if settings.username:
            connection.login(settings.username, settings.password)
    except Exception:
        connection.close()
        raise
    return connection


def close_connection(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_email(settings: SmtpSettings, email_id: int, now: datetime | None = None) -> OutboxEmail | None:
    """Send one email if it is due, on a connection of its own; its row after the try, None when not tried."""
    now = now or utcnow()
    email = claim_email(email_id, now)
    if email is None:
        return None
    try:
        connection = open_connection(settings)
    except (OSError, smtplib.SMTPException) as error:
        record_failure(email, error, now)
        return email
    try:
        connection.send_message(build_message(email, settings.sender))
    except (smtplib.SMTPException, OSError, ValueError) as error:
        record_failure(email, error, now)
    else:
        record_sent(email, utcnow())
    finally:
        close_connection(connection)
    return email


def deliver_due(settings: SmtpSettings, now: datetime | None = None, limit: int = BATCH_SIZE) -> DeliveryReport:
    """Send the emails that are due, each committed on its own (a job for the command, not a request)."""
    now = now or utcnow()
    report = DeliveryReport()
    email_ids = due_email_ids(now, limit)
    db.session.commit()
    if not email_ids:
        return report
    try:
        connection = open_connection(settings)
    except (OSError, smtplib.SMTPException) as error:
        # The server is down or refused us: every due message counts one failed try and waits.
        for email_id in email_ids:
            email = claim_email(email_id, now)
            if email is not None:
                record_failure(email, error, now)
                report.failed += 1
        report.errors.append(str(error) or type(error).__name__)
        return report
    try:
        for email_id in email_ids:
            email = claim_email(email_id, now)
            if email is None:
                continue
            try:
                connection.send_message(build_message(email, settings.sender))
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                # The connection is gone: the rest stay due for the next run.
                record_failure(email, error, now)
                report.failed += 1
                report.errors.append(str(error) or type(error).__name__)
                break
            except (smtplib.SMTPException, ValueError) as error:
                # This message was refused (bad address, too large): the others may still go.
                record_failure(email, error, now)
                report.failed += 1
                report.errors.append(str(error) or type(error).__name__)
                continue
            record_sent(email, utcnow())
            report.sent += 1
    finally:
        close_connection(connection)
    return report
