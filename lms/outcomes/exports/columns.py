"""The columns of the one-row-per-follow-up export, named once for the CSV and the data dictionary page, and how
each writes its cells."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lms.core.calendar import program_zone
from lms.core.spreadsheets import spreadsheet_safe


def fen_text(fen: int | None) -> str:
    """Fen as an exact decimal of the main unit (350050 → "3500.50"); integer arithmetic, never a float."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{part:02d}"


def quantity_text(quantity: Decimal) -> str:
    """A quantity without trailing zeros: 1000.00 → "1000", 12.50 → "12.5"."""
    return format(Decimal(quantity).normalize(), "f")


def whole_text(value: int | None) -> str:
    return "" if value is None else str(int(value))


def yes_no(value: bool | None) -> str:
    return "yes" if value else "no"


def day_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def local_day_text(value: datetime | None) -> str:
    """A stored UTC time as the day it was in the program's time zone."""
    return value.astimezone(program_zone()).date().isoformat() if value else ""


def codes_text(value: str | None) -> str:
    """Comma-separated stored codes as the import reads them back: separated by ";"."""
    return spreadsheet_safe(";".join(code for code in (value or "").split(",") if code))


def free_text(value: str | None) -> str:
    """Text someone typed: a spreadsheet must show it, never run it as a formula."""
    return spreadsheet_safe(value or "")


@dataclass(frozen=True)
class ExportColumn:
    """One column of the follow-up export, as the CSV writes it and the data dictionary describes it."""

    key: str
    header: object  # lazy string: the CSV's header cell, in the reader's language
    meaning: object
    kind: object  # type and unit
    cell: Callable[[object], str]
    iris: str = ""  # IRIS+ metric code, where one matches


MONEY = _l("decimal, in the program's currency (see currency), 2 decimals")
WHOLE = _l("whole number")
DAY = _l("date, YYYY-MM-DD")
TEXT = _l("text")
YES_NO = _l("yes or no")

FOLLOW_UP_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("follow_up_id", _l("Follow-up ID"), _l("Number of the follow-up record."), WHOLE, whole_text),
    ExportColumn(
        "learner_id",
        _l("Learner ID"),
        _l(
            "Number of the graduate's account; the same in every row of one graduate. Count distinct values for "
            "the number of client individuals."
        ),
        WHOLE,
        whole_text,
        "PI4060",
    ),
    ExportColumn("learner_name", _l("Learner name"), _l("The graduate's name."), TEXT, free_text),
    ExportColumn("cohort", _l("Cohort"), _l("The cohort the learner graduated from."), TEXT, free_text),
    ExportColumn("county", _l("County"), _l("The cohort's county."), TEXT, free_text),
    ExportColumn(
        "poverty_county",
        _l("Poverty-stricken county"),
        _l("Whether the cohort is in a national-level poverty-stricken county (a poor client household)."),
        YES_NO,
        yes_no,
        "PI1726",
    ),
    ExportColumn(
        "gender",
        _l("Gender"),
        _l("From the intake baseline: female, male, other or unspecified; empty without a baseline."),
        _l("code"),
        free_text,
    ),
    ExportColumn("birth_year", _l("Birth year"), _l("From the intake baseline."), _l("year"), whole_text),
    ExportColumn(
        "household_size",
        _l("Household size"),
        _l("People in the graduate's household, from the intake baseline."),
        _l("people"),
        whole_text,
        "PI4548",
    ),
    ExportColumn(
        "currency",
        _l("Currency"),
        _l("The currency of the program's money columns (CNY: yuan)."),
        _l("ISO 4217 code"),
        free_text,
    ),
    ExportColumn(
        "baseline_monthly_income",
        _l("Baseline monthly income"),
        _l("Monthly household income at intake."),
        MONEY,
        fen_text,
    ),
    ExportColumn("graduated_on", _l("Graduated on"), _l("The date graduation was confirmed for."), DAY, day_text),
    ExportColumn(
        "wave_months",
        _l("Wave (months)"),
        _l("Months after graduation this follow-up belongs to (0 = at graduation)."),
        _l("months"),
        whole_text,
    ),
    ExportColumn("period_start", _l("Period start"), _l("First day of the period the figures cover."), DAY, day_text),
    ExportColumn("period_end", _l("Period end"), _l("Last day of the period the figures cover."), DAY, day_text),
    ExportColumn("monthly_income", _l("Monthly income"), _l("Monthly household income at the wave."), MONEY, fen_text),
    ExportColumn(
        "income_change",
        _l("Income change"),
        _l("Monthly income minus baseline monthly income; negative when it fell, empty without a baseline."),
        MONEY,
        fen_text,
    ),
    ExportColumn("revenue", _l("Revenue"), _l("Sales revenue in the period."), MONEY, fen_text),
    ExportColumn(
        "quantities",
        _l("Quantities sold"),
        _l(
            'Quantities sold in the period, as "product quantity unit", several separated by "; ". Units: kg, jin '
            "(500 g), piece, box, bottle."
        ),
        TEXT,
        free_text,
    ),
    ExportColumn(
        "channels",
        _l("Sales channels"),
        _l(
            "Channels used, separated by ';': kuaishou, douyin, taobao, tmall, jd, pinduoduo, youzan, wechat, offline, other."  # noqa: E501 - one message to translate
        ),
        _l("codes"),
        codes_text,
    ),
    ExportColumn(
        "households_benefiting",
        _l("Households benefiting"),
        _l("Households (suppliers, neighbours) the business helps."),
        _l("households"),
        whole_text,
    ),
    ExportColumn(
        "people_employed",
        _l("People employed"),
        _l("People the graduate's business employs (jobs at the supported enterprise)."),
        _l("people"),
        whole_text,
        "PI3687",
    ),
    ExportColumn("livestreams", _l("Livestreams"), _l("Livestreams held in the period."), WHOLE, whole_text),
    ExportColumn("shop_link", _l("Shop link"), _l("Address of the graduate's online shop."), TEXT, free_text),
    ExportColumn(
        "verified",
        _l("Verified"),
        _l("yes: a mentor checked the figures against evidence; no: self-reported."),
        YES_NO,
        yes_no,
    ),
    ExportColumn("verified_on", _l("Verified on"), _l("The day the figures were verified."), DAY, local_day_text),
    ExportColumn(
        "source",
        _l("Source"),
        _l("Who entered it: self (the graduate), mentor (a mentor or lead), import (from a CSV file)."),
        _l("code"),
        free_text,
    ),
    ExportColumn("notes", _l("Notes"), _l("Notes entered with the follow-up."), TEXT, free_text),
)

COLUMNS_BY_KEY = {column.key: column for column in FOLLOW_UP_COLUMNS}
