"""Time and dates: stored in UTC, counted in the program's time zone.

Due dates, "days without activity" and follow-up waves are days of the program's
calendar; the database only ever holds UTC moments.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def program_zone() -> ZoneInfo:
    """The program's time zone, in which its days begin and end."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def program_today() -> date:
    """Today's date in the program's time zone."""
    return datetime.now(program_zone()).date()


def end_of_day(day: date) -> datetime:
    """The UTC moment a program day ends: midnight after it, in the program's time zone."""
    return datetime.combine(day + timedelta(days=1), time(0), program_zone()).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
