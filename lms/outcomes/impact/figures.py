"""Every figure of the aggregate report, group by group, with what it rests on: the list the export writes, the
dashboard marks, and the withholding rules (disclosure.py) read.

Each figure gives its ``n`` on the unit it adds up: follow-ups for revenue, quantities and income changes, graduates
for counts of graduates and for what is summed per graduate (support, households, jobs at the latest follow-up).
Figures of one cell (a family of figures, in one group, wave and part) rest on the same records and are withheld
together.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from lms.core.money import FEN_PER_YUAN
from lms.outcomes.impact.selection import ENROLMENT_DIMENSIONS, TOTAL
from lms.outcomes.impact.services import Group, ImpactReport

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
VERIFIED, SELF_REPORTED = "verified", "self-reported"
# Units a figure may give instead of its metric's own: the program's currency, per month, or a quantity's unit.
CURRENCY, PER_MONTH = "currency", "per month"


def yuan(fen: int | Decimal) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(CENT, ROUND_HALF_UP)


def percent_number(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(TENTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class Size:
    """What a cell rests on: records (the unit it adds up), the people they belong to, and how many of each the
    follow-up filters (or a channel group's channel) leave out of it, against the same figures without them."""

    records: int
    people: int
    left_out: int = 0
    left_out_people: int = 0


def people(count: int, left_out: int = 0) -> Size:
    """The size of a figure that counts or sums one record per graduate."""
    return Size(count, count, left_out, left_out)


@dataclass(frozen=True)
class Figure:
    """One figure of the export: a metric's value for one group (and wave, and item: a part of revenue, a product, a
    channel)."""

    key: str
    group: Group
    value: Decimal | int
    n: int  # the count the export gives beside the value
    size: Size
    family: str
    wave: int | None = None
    item: str | tuple[str, str] = ""  # VERIFIED or SELF_REPORTED, a channel code, or (product, unit)
    part: str | tuple[str, str] = ""  # which cell of its family, group and wave the figure belongs to
    unit: str = ""  # CURRENCY, PER_MONTH or a quantity's unit, when not the metric's own

    @property
    def cell(self) -> tuple:
        return (self.family, self.wave, self.part, self.group.dimension, self.group.key)


def report_figures(report: ImpactReport) -> Iterator[Figure]:
    """Every figure of the report, group by group; figures that have no value (nothing to divide by) are left out."""
    schedule = set(report.selection.program.follow_up_waves)
    for group in report.groups.values():
        if group.dimension in (TOTAL, *ENROLMENT_DIMENSIONS):
            yield from enrolment_figures(group)
        yield from graduate_figures(group)
        for wave in group.waves.values():
            months = wave.months
            if group.dimension != "channel" and months in schedule and wave.due:
                size = people(wave.due)
                yield Figure("follow_ups_due", group, wave.due, wave.due, size, "response", months)
                collected = ((wave.collected, ""), (wave.verified, VERIFIED), (wave.self_reported, SELF_REPORTED))
                for count, item in collected:
                    yield Figure("follow_ups_collected", group, count, wave.due, size, "response", months, item)
                if wave.response_rate is not None:
                    rate = percent_number(wave.response_rate)
                    yield Figure("response_rate", group, rate, wave.due, size, "response", months)
            if wave.changes:
                n, size = wave.changes, people(wave.changes, wave.changes_left_out)
                median, mean = yuan(wave.median_fen), yuan(wave.mean_fen)
                yield Figure("income_change_median", group, median, n, size, "income", months, unit=PER_MONTH)
                yield Figure("income_change_mean", group, mean, n, size, "income", months, unit=PER_MONTH)
                rose = percent_number(wave.rose_share)
                yield Figure("income_rose_share", group, rose, n, size, "income", months)
        yield from follow_up_figures(report, group)
        yield from support_figures(group)
        excluded = people(group.graduates, group.left_out_excluded)
        yield Figure("excluded_no_consent", group, group.excluded, group.graduates, excluded, "excluded")


def enrolment_figures(group: Group) -> Iterator[Figure]:
    size = people(group.learners)
    yield Figure("learners", group, group.learners, group.learners, size, "enrolment")
    yield Figure("graduates", group, group.graduated, group.graduated, size, "enrolment")
    if group.graduation_rate is not None:
        ended = group.learners_ended
        rate = percent_number(group.graduation_rate)
        yield Figure("graduation_rate", group, rate, ended, people(ended), "graduation_rate")


def graduate_figures(group: Group) -> Iterator[Figure]:
    reported, size = group.reported, people(group.reported, group.left_out_reported)
    yield Figure("graduates_reported", group, reported, reported, size, "graduates")
    yield Figure("poverty_county_graduates", group, group.poverty_graduates, reported, size, "graduates")
    if group.mean_household_size is not None:
        mean_size = group.mean_household_size.quantize(TENTH, ROUND_HALF_UP)
        known = people(group.households_known, group.left_out_households_known)
        yield Figure("mean_household_size", group, mean_size, group.households_known, known, "household")


def follow_up_figures(report: ImpactReport, group: Group) -> Iterator[Figure]:
    revenue = (
        (
            "",
            group.revenue_fen,
            Size(group.follow_ups, group.reporting, group.left_out_follow_ups, group.left_out_reporting),
        ),
        (
            VERIFIED,
            group.verified_revenue_fen,
            Size(
                group.verified_follow_ups,
                group.verified_reporting,
                group.left_out_verified_follow_ups,
                group.left_out_verified_reporting,
            ),
        ),
        (
            SELF_REPORTED,
            group.self_reported_revenue_fen,
            Size(
                group.self_reported_follow_ups,
                group.self_reporting,
                group.left_out_follow_ups - group.left_out_verified_follow_ups,
                group.left_out_self_reporting,
            ),
        ),
    )
    for item, fen, size in revenue:
        yield Figure("revenue_total", group, yuan(fen), size.records, size, "revenue", None, item, item, CURRENCY)
    for quantity in group.quantities:
        item = (quantity.product, quantity.unit)
        size = Size(quantity.follow_ups, quantity.graduates, quantity.left_out_follow_ups, quantity.left_out_graduates)
        amount = quantity.quantity.quantize(CENT)
        yield Figure(
            "quantity_sold", group, amount, quantity.follow_ups, size, "quantity", None, item, item, quantity.unit
        )
    reporting, latest = group.reporting, people(group.reporting, group.left_out_latest)
    yield Figure("households_benefiting", group, group.households_benefiting, reporting, latest, "latest")
    yield Figure("people_employed", group, group.people_employed, reporting, latest, "latest")
    for code in report.channels_used:
        count = group.channels.get(code, 0)
        yield Figure("channel_graduates", group, count, reporting, latest, "latest", item=code)


def support_figures(group: Group) -> Iterator[Figure]:
    supported = people(group.supported, group.left_out_supported)
    yield Figure("support_value", group, yuan(group.support_fen), group.supported, supported, "support", unit=CURRENCY)
    if group.revenue_per_support_yuan is not None:
        ratio = group.revenue_per_support_yuan.quantize(CENT, ROUND_HALF_UP)
        # Withheld with revenue or support, whichever is: either, with the ratio, gives the other.
        yield Figure("revenue_per_support_yuan", group, ratio, group.reported, people(group.reported), "ratio")
