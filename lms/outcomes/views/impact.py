"""The program lead's impact dashboard and its aggregate export (leads and admins: they see the whole program)."""

from dataclasses import replace

from flask import render_template, request
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.cohorts.models import Program
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.money import format_fen
from lms.core.security import MANAGER_ROLES, roles_required
from lms.core.spreadsheets import send_csv
from lms.core.web import id_arg
from lms.outcomes import bp
from lms.outcomes.follow_ups.rules import ReportFilters
from lms.outcomes.impact import export as impact_export
from lms.outcomes.impact import selection as impact_selection
from lms.outcomes.impact import services as impact_services
from lms.outcomes.impact.charts import Bar, bar_chart
from lms.outcomes.impact.dictionary import MIN_GROUP_SIZE
from lms.outcomes.impact.selection import DIMENSIONS, Selection
from lms.outcomes.intake.forms import CHANNEL_LABELS, GENDER_LABELS


def load_selection(programs: list[Program]) -> Selection | None:
    """The program, filters and breakdown asked for; anything unknown or garbled falls back to the whole program."""
    if not programs:
        return None
    filters = ReportFilters.from_request(request)
    by_id = {program.id: program for program in programs}
    program_of_cohort = {cohort.id: program for program in programs for cohort in program.cohorts}
    program = (
        by_id.get(id_arg("program")) or program_of_cohort.get(filters.cohort_id) or programs[0]  # the newest
    )
    if filters.cohort_id and program_of_cohort.get(filters.cohort_id) is not program:
        filters = replace(filters, cohort_id=None)
    if filters.county not in impact_selection.counties_of(program):
        filters = replace(filters, county="")  # unknown (or garbled, say with a NUL) counties are ignored too
    breakdown = request.args.get("by", "cohort")
    return Selection(program, filters, breakdown if breakdown in DIMENSIONS else "cohort", program_today())


def query_args(selection: Selection) -> dict:
    """The page's choices as query-string arguments, for the export link."""
    return {"program": selection.program.id, **selection.filters.query_args(), "by": selection.breakdown}


class Formats:
    """Money in the program's currency and percentages in the reader's locale; a dash where there is no figure."""

    def __init__(self, currency: str):
        self.currency = currency

    def money(self, fen) -> str:
        return "—" if fen is None else format_fen(fen, self.currency)

    @staticmethod
    def percent(rate) -> str:
        return "—" if rate is None else format_percent(rate, format="#,##0.0%")

    @staticmethod
    def ratio(value) -> str:
        return "—" if value is None else format_decimal(value, format="#,##0.00")

    @staticmethod
    def mean(value) -> str:
        return "—" if value is None else format_decimal(value, format="#,##0.0")

    @staticmethod
    def decimal(value) -> str:
        return "—" if value is None else format_decimal(value, format="#,##0.##")


def charts_for(report, formats: Formats, label) -> dict:
    """The dashboard's charts; the template puts the table of each chart's numbers right after it."""
    total = report.total
    waves = [total.waves[months] for months in report.waves if months in total.waves]
    cohorts = report.groups_of("cohort")
    under_way = report.cohorts_under_way
    breakdown = report.selection.breakdown
    charts = {
        "graduation": bar_chart(
            "chart-graduation",
            _("Graduation rate per cohort"),
            [
                Bar(label(group), None, _("under way"))
                if group.key in under_way
                else Bar(label(group), group.graduation_rate, formats.percent(group.graduation_rate))
                for group in cohorts
            ],
        ),
        "response": bar_chart(
            "chart-response",
            _("Response rate per wave"),
            [
                Bar(impact_export.wave_label(wave.months), wave.response_rate, formats.percent(wave.response_rate))
                for wave in waves
                if wave.due
            ],
        ),
        "income": bar_chart(
            "chart-income",
            _("Median change in monthly income per wave"),
            [
                Bar(impact_export.wave_label(wave.months), wave.median_fen, formats.money(wave.median_fen))
                for wave in waves
                if wave.changes
            ],
        ),
        "channels": bar_chart(
            "chart-channels",
            _("Graduates using each sales channel, at their latest follow-up"),
            [
                Bar(str(CHANNEL_LABELS[code]), total.channels[code], format_decimal(total.channels[code]))
                for code in report.channels_used
            ],
        ),
        "breakdown": bar_chart(
            "chart-breakdown",
            _(
                "Graduate revenue by group: %(dimension)s",
                dimension=impact_export.DIMENSION_LABELS[report.selection.breakdown],
            ),
            [
                Bar(label(group), group.revenue_fen, formats.money(group.revenue_fen))
                for group in report.groups_of(breakdown)
            ],
        ),
    }
    units = dict.fromkeys(quantity.unit for quantity in total.quantities)
    charts["quantities"] = [
        bar_chart(
            f"chart-quantity-{unit}",
            _("Quantity sold by product, in %(unit)s", unit=impact_export.UNIT_LABELS.get(unit, unit)),
            [
                Bar(quantity.product, quantity.quantity, formats.decimal(quantity.quantity))
                for quantity in total.quantities
                if quantity.unit == unit
            ],
        )
        for unit in units
    ]
    return charts


@bp.route("/impact")
@roles_required(*MANAGER_ROLES)
def impact():
    programs = impact_selection.programs(current_user)
    selection = load_selection(programs)
    if selection is None:
        return render_template("outcomes/impact/dashboard.html", selection=None, programs=programs)
    report = impact_services.impact_report(selection)
    _figures, withholding = impact_export.report_disclosure(report)
    formats = Formats(selection.program.currency)

    def label(group) -> str:
        return impact_export.group_label(report, group)

    return render_template(
        "outcomes/impact/dashboard.html",
        selection=selection,
        programs=programs,
        counties=impact_selection.counties_of(selection.program),
        report=report,
        charts=charts_for(report, formats, label),
        formats=formats,
        label=label,
        wave_label=impact_export.wave_label,
        unit_labels=impact_export.UNIT_LABELS,
        dimension_labels=impact_export.DIMENSION_LABELS,
        channel_labels=CHANNEL_LABELS,
        gender_labels=GENDER_LABELS,
        dimensions=DIMENSIONS,
        export_args=query_args(selection),
        min_group_size=MIN_GROUP_SIZE,
        withheld=withholding.of,
        under_way=report.cohorts_under_way,
    )


@bp.route("/impact/report.csv")
@roles_required(*MANAGER_ROLES)
def impact_report_csv():
    selection = load_selection(impact_selection.programs(current_user))
    if selection is None:
        text = impact_export.report_header_csv()
        filename = "impact-report.csv"
    else:
        text = impact_export.report_csv(impact_services.impact_report(selection))
        filename = f"impact-report-{selection.program.id}-{selection.today.isoformat()}.csv"
    record_security_event(SecurityEventKind.EXPORT_DOWNLOADED, detail="impact-report")
    db.session.commit()
    return send_csv(text, filename)
