"""Rules shared by every way a follow-up arrives or is counted: the wave calendar, the plausibility check, and the
filters the dashboard, its exports and the follow-up lists read from the query string."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Request
from sqlalchemy import and_, or_
from werkzeug.datastructures import MultiDict

from lms.cohorts.models import Cohort
from lms.core.calendar import add_months
from lms.core.web import MAX_ID
from lms.outcomes.models import SALES_CHANNELS, Baseline, FollowUp, Graduation

# Income this many times the baseline (or more) is unusual: the person entering it is asked to confirm.
UNUSUAL_INCOME_FACTOR = 10
# With no income at baseline, a monthly income above this (in fen: 20,000 yuan) is unusual.
UNUSUAL_INCOME_FROM_ZERO_FEN = 2_000_000
# Days after its due date before a follow-up counts as overdue.
OVERDUE_AFTER_DAYS = 30


def wave_due_on(graduated_on: date, wave_months: int) -> date:
    return add_months(graduated_on, wave_months)


def latest_graduation_date_due(today: date, wave_months: int) -> date:
    """Graduations on or before this date have the wave due by ``today``: the cut-off a SQL count compares with."""
    # Due dates never decrease as graduation dates grow, so the due graduations are all those up to one day;
    # add_months clamps month ends, so step from the first guess to the exact last day.
    cutoff = add_months(today, -wave_months)
    while wave_due_on(cutoff + timedelta(days=1), wave_months) <= today:
        cutoff += timedelta(days=1)
    while wave_due_on(cutoff, wave_months) > today:
        cutoff -= timedelta(days=1)
    return cutoff


def is_unusual_income(baseline_fen: int | None, income_fen: int) -> bool:
    """True when a reported monthly income is far enough from the baseline that it should be confirmed."""
    if baseline_fen is None:
        return False
    if baseline_fen == 0:
        return income_fen > UNUSUAL_INCOME_FROM_ZERO_FEN
    return income_fen >= baseline_fen * UNUSUAL_INCOME_FACTOR


@dataclass(frozen=True)
class ReportFilters:
    """What a report is narrowed to. Unknown or garbled values are ignored (the whole program is shown)."""

    cohort_id: int | None = None
    county: str = ""
    poverty: bool | None = None  # True: poverty-stricken counties only; False: the others
    gender: str = ""
    channel: str = ""
    date_from: date | None = None  # graduation date, inclusive
    date_to: date | None = None
    verified_only: bool = False

    @classmethod
    def from_request(cls, request: Request) -> "ReportFilters":
        return cls.from_args(request.args)

    @classmethod
    def from_args(cls, args: MultiDict) -> "ReportFilters":
        """The filters of query-string arguments (a request's, or those an export job kept)."""

        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(args.get(name, "")[:10])
            except ValueError:
                return None

        cohort_id = args.get("cohort", type=int)
        poverty = {"yes": True, "no": False}.get(args.get("poverty", ""))
        gender = args.get("gender", "")
        channel = args.get("channel", "")
        return cls(
            cohort_id=cohort_id if cohort_id and 0 < cohort_id <= MAX_ID else None,
            # PostgreSQL refuses NUL characters in a parameter: a garbled URL must not reach it with one.
            county=args.get("county", "").replace("\x00", "")[:50].strip(),
            poverty=poverty,
            gender=gender if gender in ("female", "male", "other", "unspecified") else "",
            channel=channel if channel in SALES_CHANNELS else "",
            date_from=day("from"),
            date_to=day("to"),
            verified_only=args.get("verified") == "yes",
        )

    def query_args(self) -> dict:
        """The filters as query-string arguments, for links that keep them (exports, breakdowns, pages)."""
        args = {
            "cohort": self.cohort_id,
            "county": self.county or None,
            "poverty": {True: "yes", False: "no"}.get(self.poverty),
            "gender": self.gender or None,
            "channel": self.channel or None,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "verified": "yes" if self.verified_only else None,
        }
        return {key: value for key, value in args.items() if value is not None}

    def graduate_conditions(self) -> list:
        """Conditions on Graduation, Cohort and Baseline; the query must join all three (Baseline outer is fine)."""
        conditions = []
        if self.cohort_id:
            conditions.append(Graduation.cohort_id == self.cohort_id)
        if self.county:
            conditions.append(Cohort.county == self.county)
        if self.poverty is not None:
            conditions.append(Cohort.poverty_county.is_(self.poverty))
        if self.gender:
            conditions.append(Baseline.gender == self.gender)
        if self.date_from:
            conditions.append(Graduation.graduated_on >= self.date_from)
        if self.date_to:
            conditions.append(Graduation.graduated_on <= self.date_to)
        return conditions

    def follow_up_conditions(self) -> list:
        """Conditions on FollowUp rows: the channel named in them, and verified figures only when asked."""
        conditions = []
        if self.channel:
            # Channels are stored comma-separated; match a whole code, not a part of another.
            stored = FollowUp.channels
            conditions.append(
                or_(
                    stored == self.channel,
                    stored.like(f"{self.channel},%"),
                    stored.like(f"%,{self.channel}"),
                    stored.like(f"%,{self.channel},%"),
                )
            )
        if self.verified_only:
            conditions.append(FollowUp.verified_at.is_not(None))
        return conditions

    def all_conditions(self):
        return and_(True, *self.graduate_conditions(), *self.follow_up_conditions())
