"""A program's monthly budget for text messages: a cap its leads set, and a warning at 80 %.

The month is the program's calendar month (in its zone), and a message is counted in the month it was sent
(``in_month``). A message that would pass the cap is
held (reason "cost_cap") until the next month begins, or until a lead raises the cap; codes are
never held by it. When the month's spending reaches 80 % of the cap, the program's leads are told
once that month (a row per program and month claims it).

The programs are the cohorts area's: it registers which program pays for a person's messages and
what a program's cap is, and answers the warning signal with a notification to its leads.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from blinker import Namespace
from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from lms.core.calendar import add_months, program_zone
from lms.core.extensions import db
from lms.notifications.models import WENT_STATES, OutboxSms, SmsCapWarning, SmsKind, SmsState

COST_CAP = "cost_cap"
# The warning's share of the cap, as a fraction of whole numbers (exact, no floats).
WARN_NUMERATOR, WARN_DENOMINATOR = 4, 5

signals = Namespace()
# Sent with the program's id and the month's first day, once a month per program.
cap_nearly_reached = signals.signal("sms-cap-nearly-reached")

_program_of: list[Callable[[list[int]], dict[int, int]]] = []
_cap_of: list[Callable[[int], int | None]] = []


def register_program_of(answer: Callable[[list[int]], dict[int, int]]) -> None:
    """Name the function that says which program pays for each person's messages (one query for all)."""
    _program_of[:] = [answer]


def register_cost_cap(answer: Callable[[int], int | None]) -> None:
    """Name the function that reads a program's monthly cap in fen (None: no cap)."""
    _cap_of[:] = [answer]


def programs_of(user_ids: list[int]) -> dict[int, int]:
    return _program_of[0](user_ids) if _program_of and user_ids else {}


def cost_cap(program_id: int | None) -> int | None:
    return _cap_of[0](program_id) if _cap_of and program_id is not None else None


def month_of(moment: datetime) -> date:
    """The first day of the program's month holding ``moment``."""
    return moment.astimezone(program_zone()).date().replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's, in the program's zone."""
    zone = program_zone()
    return datetime.combine(month, time(0), zone), datetime.combine(add_months(month, 1), time(0), zone)


def in_month(month: date):
    """The one definition of a message's month, which the cap and the staff's page both count by: the month it
    was sent in, or, for one that has not gone (held, waiting, failed before sending), the month it was queued."""
    start, end = month_bounds(month)
    # coalesce(sent_at, created_at) in the month, written so that each side can use its index.
    return or_(
        and_(OutboxSms.sent_at >= start, OutboxSms.sent_at < end),
        and_(OutboxSms.sent_at.is_(None), OutboxSms.created_at >= start, OutboxSms.created_at < end),
    )


def month_spent(program_id: int, month: date) -> int:
    """What the program's text messages of that month cost, in fen: the staff's page's total (one query)."""
    return month_report([program_id], month).cost_fen


def hold_if_over_cap(message: OutboxSms, now: datetime) -> bool:
    """Hold a message that would pass its program's cap until the next month; True when it was held."""
    if message.kind == SmsKind.SIGN_IN_CODE:
        return False
    cap = cost_cap(message.program_id)
    if cap is None:
        return False
    month = month_of(now)
    if month_spent(message.program_id, month) + current_app.config["LMS_SMS_PRICE_FEN"] <= cap:
        return False
    message.state, message.error_kind = SmsState.HELD, COST_CAP
    message.next_attempt_at = month_bounds(month)[1].astimezone(now.tzinfo)
    db.session.commit()
    return True


def warn_if_nearly_spent(program_id: int | None, now: datetime) -> bool:
    """After a message went: tell the leads once a month when 80 % of the cap is spent; True when told now."""
    cap = cost_cap(program_id)
    if cap is None:
        return False
    month = month_of(now)
    if month_spent(program_id, month) * WARN_DENOMINATOR < cap * WARN_NUMERATOR:
        return False
    try:
        with db.session.begin_nested():  # two workers at once: one claims the month
            db.session.add(SmsCapWarning(program_id=program_id, month=month, created_at=now))
    except IntegrityError:
        return False
    cap_nearly_reached.send(program_id, month=month, spent=month_spent(program_id, month), cap=cap)
    db.session.commit()
    return True


def release_capped(program_id: int, now: datetime) -> int:
    """The cap was raised: what it held goes with the next sweep (each is checked against the cap again)."""
    result = db.session.execute(
        update(OutboxSms)
        .where(
            OutboxSms.program_id == program_id,
            OutboxSms.state == SmsState.HELD,
            OutboxSms.error_kind == COST_CAP,
        )
        .values(next_attempt_at=now, error_kind="")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


@dataclass(frozen=True)
class MonthReport:
    # Per kind: how many went, were delivered, failed, are held or waiting.
    kinds: dict[str, dict[str, int]]
    cost_fen: int
    # Of it, what messages of no program cost (an admin's, or of someone in none): no program's cap holds them.
    no_program_fen: int


def month_report(program_ids: list[int] | None, month: date) -> MonthReport:
    """Per kind of message of that month (``in_month``), how many went, were delivered, failed or are held, and
    what they cost in fen: one grouped query (``program_ids`` None: every message, those of no program too)."""
    query = (
        select(
            OutboxSms.kind,
            OutboxSms.state,
            OutboxSms.program_id.is_(None),
            func.count(),
            func.coalesce(func.sum(OutboxSms.cost_fen), 0),
        )
        .where(in_month(month))
        .group_by(OutboxSms.kind, OutboxSms.state, OutboxSms.program_id.is_(None))
    )
    if program_ids is not None:
        query = query.where(OutboxSms.program_id.in_(program_ids))
    kinds: dict[str, dict[str, int]] = {}
    cost = no_program = 0
    for kind, state, of_no_program, count, fen in db.session.execute(query):
        row = kinds.setdefault(kind, dict.fromkeys(("sent", "delivered", "failed", "held", "waiting"), 0))
        if state in WENT_STATES:
            row["sent"] += count
        if state in (SmsState.DELIVERED, SmsState.FAILED, SmsState.HELD, SmsState.WAITING):
            row[str(state)] += count
        cost += int(fen)
        no_program += int(fen) if of_no_program else 0
    return MonthReport(dict(sorted(kinds.items())), cost, no_program)
