"""The text-message outbox: a request writes a row; a queued job (``notifications/tasks.py``) sends it.

Like the email outbox: a message is never deleted; it is claimed with a conditional UPDATE and
committed on its own, so two workers, a retry and the sweep never send one twice; a provider
that does not answer leaves it waiting (1, 2, 4 ... minutes, at most 6 hours, then failed).
Messages other than sign-in codes keep quiet hours (21:00-08:00 in the program's zone) and
``LMS_SMS_PER_DAY`` a person: the rest are held until the morning, or the next day.
"""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import case, func, select, update

from lms.core.calendar import program_zone, utcnow
from lms.core.extensions import db
from lms.notifications import budget
from lms.notifications.mail import CLAIM_FOR, ERROR_MAX_CHARS, retry_delay
from lms.notifications.models import OutboxSms, SmsKind, SmsState
from lms.notifications.sms_providers import OutgoingSms, SmsProvider, SmsRefusedError, SmsUnavailableError

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
# After this many tries without an answer, a message is marked failed (the sweep stops trying it).
MOST_ATTEMPTS = 10
BATCH_SIZE = 100
# A code is worth nothing once it has expired: one that could not go out by then is not sent late.
CODE_VALID = timedelta(minutes=10)
DUE_STATES = (SmsState.WAITING, SmsState.HELD)


def morning_after_quiet(moment: datetime) -> datetime:
    """The first moment at or after ``moment`` outside quiet hours, in the program's zone."""
    local = moment.astimezone(program_zone())
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, program_zone()).astimezone(moment.tzinfo)


def planned_that_day(user_id: int, moment: datetime) -> int:
    """How many messages (codes aside) are planned for this person on the program day of ``moment``."""
    zone = program_zone()
    day = moment.astimezone(zone).date()
    start = datetime.combine(day, time(0), zone)
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxSms)
        .where(
            OutboxSms.user_id == user_id,
            OutboxSms.kind != SmsKind.SIGN_IN_CODE,
            OutboxSms.planned_at >= start,
            OutboxSms.planned_at < start + timedelta(days=1),
        )
    )


def plan_delivery(user_id: int | None, kind: str, now: datetime) -> datetime:
    """When a message may go: now for a code; else after quiet hours, on a day with room under the limit."""
    if kind == SmsKind.SIGN_IN_CODE:
        return now
    moment = morning_after_quiet(now)
    if user_id is None:
        return moment
    most = current_app.config["LMS_SMS_PER_DAY"]
    while planned_that_day(user_id, moment) >= most:
        next_day = moment.astimezone(program_zone()).date() + timedelta(days=1)
        moment = datetime.combine(next_day, QUIET_UNTIL, program_zone()).astimezone(now.tzinfo)
    return moment


def queue_sms(
    to_number: str,
    text: str,
    kind: str,
    user_id: int | None = None,
    now: datetime | None = None,
    program_id: int | None = None,
    params: dict[str, str] | None = None,
    language: str = "",
):
    """Write a text message to the outbox, waiting or held until it may go; the queue sends it after the commit.

    ``params`` and ``language`` fill the provider's template of its kind (``sms_texts.SmsContent``)."""
    now = now or utcnow()
    planned = plan_delivery(user_id, str(kind), now)
    message = OutboxSms(
        user_id=user_id,
        program_id=program_id,
        to_number=to_number,
        text=text,
        kind=str(kind),
        params=params or {},
        language=language,
        state=SmsState.HELD if planned > now else SmsState.WAITING,
        planned_at=planned,
        next_attempt_at=planned,
        cost_fen=0,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    return message


def due_sms_ids(now: datetime, limit: int = BATCH_SIZE) -> list[int]:
    query = (
        select(OutboxSms.id)
        .where(OutboxSms.state.in_(DUE_STATES), OutboxSms.next_attempt_at <= now)
        .order_by(OutboxSms.next_attempt_at, OutboxSms.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def claim_sms(sms_id: int, now: datetime) -> OutboxSms | None:
    """Take one due message for this worker (a conditional UPDATE), or None when another has it."""
    result = db.session.execute(
        update(OutboxSms)
        .where(OutboxSms.id == sms_id, OutboxSms.state.in_(DUE_STATES), OutboxSms.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM_FOR, state=SmsState.WAITING)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return None
    return db.session.get(OutboxSms, sms_id, populate_existing=True)


def record_failure(message: OutboxSms, error_kind: str, error: Exception | str, now: datetime) -> None:
    message.attempts += 1
    message.error_kind = error_kind
    message.last_error = (str(error) or type(error).__name__)[:ERROR_MAX_CHARS]
    if error_kind == "unreachable" and message.attempts < MOST_ATTEMPTS:
        message.next_attempt_at = now + retry_delay(message.attempts)
    else:
        message.state = SmsState.FAILED
    db.session.commit()


def deliver_sms(provider: SmsProvider, sms_id: int, now: datetime | None = None) -> OutboxSms | None:
    """Send one message if it is due; its row after the try, None when another worker had it or it was not due."""
    now = now or utcnow()
    message = claim_sms(sms_id, now)
    if message is None:
        return None
    if message.kind == SmsKind.SIGN_IN_CODE and now - message.created_at > CODE_VALID:
        record_failure(message, "expired", "the code expired before it could be sent", now)
        return message
    if message.kind != SmsKind.SIGN_IN_CODE and morning_after_quiet(now) > now:
        # A retry or a late worker reached it at night: it waits for the morning like a new one.
        message.state, message.next_attempt_at = SmsState.HELD, morning_after_quiet(now)
        db.session.commit()
        return message
    if budget.hold_if_over_cap(message, now):
        return message
    try:
        receipt = provider.send(
            OutgoingSms(message.to_number, message.text, message.kind, message.language, message.params or {})
        )
    except SmsUnavailableError as error:
        record_failure(message, "unreachable", error, now)
    except SmsRefusedError as error:
        record_failure(message, "refused", error, now)
    else:
        message.state = SmsState.SENT
        message.sent_at = utcnow()
        message.provider_message_id = receipt.message_id[:100]
        message.cost_fen = current_app.config["LMS_SMS_PRICE_FEN"] * receipt.billed
        message.error_kind = ""
        db.session.commit()
        budget.warn_if_nearly_spent(message.program_id, now)
    return message


def deliver_due_sms(provider: SmsProvider, now: datetime | None = None, limit: int = BATCH_SIZE) -> int:
    """Send every message that is due (held ones whose morning came, retries); how many went."""
    now = now or utcnow()
    sms_ids = due_sms_ids(now, limit)
    db.session.commit()
    sent = 0
    for sms_id in sms_ids:
        message = deliver_sms(provider, sms_id, now)
        sent += message is not None and message.state == SmsState.SENT
    return sent


def unreachable_people(user_ids: list[int], kinds: tuple[str, ...]) -> set[int]:
    """Who of these people had text messages of these kinds and none reached her (all failed): one grouped query."""
    failed = func.sum(case((OutboxSms.state == SmsState.FAILED, 1), else_=0))
    return set(
        db.session.scalars(
            select(OutboxSms.user_id)
            .where(OutboxSms.user_id.in_(user_ids), OutboxSms.kind.in_([str(kind) for kind in kinds]))
            .group_by(OutboxSms.user_id)
            .having(func.count() == failed)
        )
    )
