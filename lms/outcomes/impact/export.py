"""The impact report for outside readers: group labels, and the aggregate CSV where figures that could let someone
in a small group be recognised are withheld (disclosure.py decides which)."""

import csv
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.core.spreadsheets import spreadsheet_safe
from lms.outcomes.impact.dictionary import METRICS_BY_KEY, MIN_GROUP_SIZE
from lms.outcomes.impact.disclosure import Disclosure, Withheld, disclosure
from lms.outcomes.impact.figures import CURRENCY, PER_MONTH, SELF_REPORTED, VERIFIED, Figure, report_figures
from lms.outcomes.impact.selection import TOTAL
from lms.outcomes.impact.services import Group, ImpactReport
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


def wave_label(months: int) -> str:
    return _("At graduation") if months == 0 else ngettext("%(num)d month", "%(num)d months", months)


def group_label(report: ImpactReport, group: Group) -> str:
    """A group's name as readers know it: the cohort's name, the county, a translated label."""
    if group.dimension == "cohort":
        return report.cohort_names.get(group.key, group.key)
    if group.dimension == "county":
        return group.key or _("No county given")
    if group.dimension == "poverty":
        return _("Poverty-stricken counties") if group.key == "yes" else _("Other counties")
    if group.dimension == "gender":
        return str(GENDER_LABELS.get(group.key, group.key))
    if group.dimension == "channel":
        return str(CHANNEL_LABELS.get(group.key, group.key))
    return _("All graduates")


def item_label(figure: Figure) -> str:
    """What the "Product or channel" column says: a part of revenue or of the follow-ups, a channel, a product."""
    if isinstance(figure.item, tuple):
        return figure.item[0]
    if figure.item in (VERIFIED, SELF_REPORTED):
        return _("verified") if figure.item == VERIFIED else _("self-reported")
    return str(CHANNEL_LABELS.get(figure.item, figure.item))


def unit_label(report: ImpactReport, figure: Figure) -> str:
    """The figure's unit: the program's currency, per month, a quantity's unit, or its metric's own."""
    currency = report.selection.program.currency
    if figure.unit == CURRENCY:
        return currency
    if figure.unit == PER_MONTH:
        return _("%(currency)s per month", currency=currency)
    if figure.unit:
        return str(UNIT_LABELS.get(figure.unit, figure.unit))
    return str(METRICS_BY_KEY[figure.key].unit)


def withheld_text(status: Withheld) -> str:
    """What the export writes for a withheld figure and its n."""
    if status is Withheld.SMALL:
        return _("fewer than %(num)d", num=MIN_GROUP_SIZE)
    return _("withheld")


def report_disclosure(report: ImpactReport) -> tuple[list[Figure], Disclosure]:
    """The report's figures and which of them the export withholds."""
    figures = list(report_figures(report))
    return figures, disclosure(report, figures)


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
    """The report as CSV text, one figure a row; a withheld figure says "fewer than 5" (it rests on fewer) or
    "withheld" (it would give such a figure away) instead of its value and n."""
    figures, withholding = report_disclosure(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    # Thousands of rows share a few hundred labels: each is translated once, not once per row.
    metric_labels = {key: str(metric.label) for key, metric in METRICS_BY_KEY.items()}
    dimension_labels = {dimension: str(label) for dimension, label in DIMENSION_LABELS.items()}
    labels: dict[tuple, str] = {}

    def label(key: tuple, make, *arguments) -> str:
        if key not in labels:
            labels[key] = make(*arguments)
        return labels[key]

    def safe_group_label(group: Group) -> str:
        return spreadsheet_safe(group_label(report, group))

    def safe_item_label(figure: Figure) -> str:
        return spreadsheet_safe(item_label(figure)) if figure.item else ""

    for figure in figures:
        metric = METRICS_BY_KEY[figure.key]
        status = withholding.status(figure)
        group = figure.group
        withheld = label(("withheld", status), withheld_text, status) if status else ""
        value, n = (withheld, withheld) if status else (figure.value, figure.n)
        writer.writerow(
            [
                metric.key,
                metric_labels[metric.key],
                metric.iris,
                dimension_labels[group.dimension],
                label(("group", group.dimension, group.key), safe_group_label, group),
                "" if figure.wave is None else figure.wave,
                label(("item", figure.item), safe_item_label, figure),
                value,
                n,
                label(("unit", figure.unit, figure.key), unit_label, report, figure),
            ]
        )
    return out.getvalue()
