"""The impact report for outside readers: group labels, and the aggregate CSV where small groups are withheld."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.core.money import FEN_PER_YUAN
from lms.core.spreadsheets import spreadsheet_safe
from lms.outcomes.impact.dictionary import METRICS_BY_KEY, MIN_GROUP_SIZE, Metric
from lms.outcomes.impact.selection import ENROLMENT_DIMENSIONS, TOTAL
from lms.outcomes.impact.services import Group, ImpactReport, withheld
from lms.outcomes.intake.forms import CHANNEL_LABELS, GENDER_LABELS

# ---- Labels and the aggregate export ----

UNIT_LABELS = {
    "kg": _l("kg"),
    "jin": _l("jin"),
    "piece": _l("pieces"),
    "box": _l("boxes"),
    "bottle": _l("bottles"),
}
DIMENSION_LABELS = {
    TOTAL: _l("Whole selection"),
    "cohort": _l("Cohort"),
    "county": _l("County"),
    "poverty": _l("Poverty-stricken county or not"),
    "gender": _l("Gender"),
    "channel": _l("Sales channel"),
}
CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def wave_label(months: int) -> str:
    return _("At graduation") if months == 0 else ngettext("%(num)d month", "%(num)d months", months)


def group_label(report: ImpactReport, group: Group) -> str:
    """A group's name as readers know it: the cohort's name, the county, a translated label."""
    if group.dimension == "cohort":
        names = {str(cohort.id): cohort.name for cohort in report.selection.program.cohorts}
        return names.get(group.key, group.key)
    if group.dimension == "county":
        return group.key or _("No county given")
    if group.dimension == "poverty":
        return _("Poverty-stricken counties") if group.key == "yes" else _("Other counties")
    if group.dimension == "gender":
        return str(GENDER_LABELS.get(group.key, group.key))
    if group.dimension == "channel":
        return str(CHANNEL_LABELS.get(group.key, group.key))
    return _("All graduates")


def yuan(fen: int | Decimal) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(CENT, ROUND_HALF_UP)


def percent_number(rate: Decimal) -> Decimal:
    return (rate * 100).quantize(TENTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class ReportLine:
    """One figure of the export: a metric's value for one group (and wave, and product or channel)."""

    key: str
    group: Group
    value: Decimal | int
    people: int  # how many people the figure rests on
    wave: int | None = None
    item: str = ""
    unit: str = ""  # when not the metric's own unit

    @property
    def metric(self) -> Metric:
        return METRICS_BY_KEY[self.key]

    @property
    def withheld(self) -> bool:
        return withheld(self.group, self.people)


def report_lines(report: ImpactReport) -> Iterator[ReportLine]:
    """Every figure of the report, group by group; figures that have no value (nothing to divide by) are left out."""
    currency = report.selection.program.currency
    per_month = _("%(currency)s per month", currency=currency)
    schedule = set(report.selection.program.follow_up_waves)
    for group in report.groups.values():
        reported = group.reported
        if group.dimension in (TOTAL, *ENROLMENT_DIMENSIONS):
            yield ReportLine("learners", group, group.learners, group.learners)
            yield ReportLine("graduates", group, group.graduated, group.graduated)
            if group.graduation_rate is not None:
                yield ReportLine("graduation_rate", group, percent_number(group.graduation_rate), group.learners)
        yield ReportLine("graduates_reported", group, reported, reported)
        yield ReportLine("poverty_county_graduates", group, group.poverty_graduates, group.graduates)
        if group.mean_household_size is not None:
            mean_size = group.mean_household_size.quantize(TENTH, ROUND_HALF_UP)
            yield ReportLine("mean_household_size", group, mean_size, group.households_known)
        for wave in group.waves.values():
            months = wave.months
            if group.dimension != "channel" and months in schedule and wave.due:
                yield ReportLine("follow_ups_due", group, wave.due, wave.due, months)
                collected = wave.collected, wave.verified, wave.self_reported
                for count, item in zip(collected, ("", _("verified"), _("self-reported")), strict=True):
                    yield ReportLine("follow_ups_collected", group, count, wave.due, months, item)
                if wave.response_rate is not None:
                    yield ReportLine("response_rate", group, percent_number(wave.response_rate), wave.due, months)
            if wave.changes:
                n = wave.changes
                yield ReportLine("income_change_median", group, yuan(wave.median_fen), n, months, unit=per_month)
                yield ReportLine("income_change_mean", group, yuan(wave.mean_fen), n, months, unit=per_month)
                yield ReportLine("income_rose_share", group, percent_number(wave.rose_share), n, months)
        reporting = group.reporting
        yield ReportLine("revenue_total", group, yuan(group.revenue_fen), reporting, unit=currency)
        yield ReportLine(
            "revenue_total", group, yuan(group.verified_revenue_fen), reporting, item=_("verified"), unit=currency
        )
        yield ReportLine(
            "revenue_total",
            group,
            yuan(group.self_reported_revenue_fen),
            reporting,
            item=_("self-reported"),
            unit=currency,
        )
        for quantity in group.quantities:
            unit = str(UNIT_LABELS.get(quantity.unit, quantity.unit))
            amount = quantity.quantity.quantize(CENT)
            yield ReportLine("quantity_sold", group, amount, quantity.graduates, item=quantity.product, unit=unit)
        yield ReportLine("households_benefiting", group, group.households_benefiting, reporting)
        yield ReportLine("people_employed", group, group.people_employed, reporting)
        for code in report.channels_used:
            label = str(CHANNEL_LABELS[code])
            yield ReportLine("channel_graduates", group, group.channels.get(code, 0), reporting, item=label)
        yield ReportLine("support_value", group, yuan(group.support_fen), reported, unit=currency)
        if group.revenue_per_support_yuan is not None:
            ratio = group.revenue_per_support_yuan.quantize(CENT, ROUND_HALF_UP)
            yield ReportLine("revenue_per_support_yuan", group, ratio, reported)
        yield ReportLine("excluded_no_consent", group, group.excluded, group.graduates)


def header() -> list[str]:
    return [
        _("Metric key"),
        _("Metric"),
        _("IRIS+ code"),
        _("Breakdown"),
        _("Group"),
        _("Wave (months after graduation)"),
        _("Product or channel"),
        _("Value"),
        _("n"),
        _("Unit"),
    ]


def report_header_csv() -> str:
    """The export of an installation without programs: the header alone."""
    out = io.StringIO()
    csv.writer(out).writerow(header())
    return out.getvalue()


def report_csv(report: ImpactReport) -> str:
    """The report as CSV text, one figure a row; figures of small groups say "fewer than 5" instead of a number."""
    hidden = _("fewer than %(num)d", num=MIN_GROUP_SIZE)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    for line in report_lines(report):
        metric = line.metric
        value, people = (hidden, hidden) if line.withheld else (line.value, line.people)
        writer.writerow(
            [
                metric.key,
                str(metric.label),
                metric.iris,
                str(DIMENSION_LABELS[line.group.dimension]),
                spreadsheet_safe(group_label(report, line.group)),
                "" if line.wave is None else line.wave,
                spreadsheet_safe(line.item),
                value,
                people,
                line.unit or str(metric.unit),
            ]
        )
    return out.getvalue()
