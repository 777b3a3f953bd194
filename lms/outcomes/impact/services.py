"""The impact dashboard's figures, computed by the database in a fixed handful of queries whatever the program's size
(impact_rates, impact_income and impact_sales), and gathered here into one report.

Every figure is given for the whole selection and for each group of the breakdowns asked for. Each query reads the
selection once and groups by cell (a cohort, and a gender when gender is a breakdown), and by channel group when
channels are a breakdown; each cell's figures are added into every group it falls in (the whole selection, its cohort,
county, poverty status, gender). Figures that do not add up are built from what does: a median from the cells' kept
changes, a count of graduates from per-graduate counts. Who counts: only people who consented to reporting, in every
figure but the count of graduates left out for it.
- the graduation rate counts the learners enrolled in the cohorts chosen that have ended (withdrawn ones too; moved
  ones in their new cohort); learners of cohorts under way are counted apart;
- every other figure counts graduates (graduations not undone); with a channel or a "verified only" filter, only
  graduates with a follow-up that matches, and only the follow-ups that match. What those filters (and a channel
  group's channel) leave out is counted too (the ``left_out_`` figures), for the export's withholding.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from lms.outcomes.impact.dictionary import MIN_GROUP_SIZE
from lms.outcomes.impact.income import Changes, income_change_rows
from lms.outcomes.impact.rates import cohort_has_ended, enrolment_rows, response_rows
from lms.outcomes.impact.sales import follow_up_figure_rows, graduate_figure_rows, quantity_rows
from lms.outcomes.impact.selection import CELL, DIMENSIONS, TOTAL, Selection
from lms.outcomes.models import SALES_CHANNELS

# ---- The figures, as the database returns them ----


@dataclass
class Wave:
    months: int
    due: int = 0
    collected: int = 0
    verified: int = 0
    changes: int = 0  # graduates with both a baseline and this wave's income
    change_total_fen: int = 0
    rose: int = 0
    middle_total_fen: int = 0  # the one or two middle changes, summed, and how many they are
    middle_count: int = 0
    changes_left_out: int = 0

    @property
    def self_reported(self) -> int:
        return self.collected - self.verified

    @property
    def response_rate(self) -> Decimal | None:
        return Decimal(self.collected) / self.due if self.due else None

    @property
    def median_fen(self) -> Decimal | None:
        return Decimal(self.middle_total_fen) / self.middle_count if self.middle_count else None

    @property
    def mean_fen(self) -> Decimal | None:
        return Decimal(self.change_total_fen) / self.changes if self.changes else None

    @property
    def rose_share(self) -> Decimal | None:
        return Decimal(self.rose) / self.changes if self.changes else None


@dataclass(frozen=True)
class Quantity:
    product: str
    unit: str
    quantity: Decimal
    graduates: int
    follow_ups: int = 0
    left_out_follow_ups: int = 0
    left_out_graduates: int = 0


@dataclass
class Group:
    dimension: str
    key: str
    # Enrolment: the graduation rate, of the cohorts that have ended.
    learners: int = 0
    graduated: int = 0
    learners_ended: int = 0
    graduated_ended: int = 0
    # Graduates in the selection.
    graduates: int = 0  # whatever their consent: only the count of those left out for it reads them
    reported: int = 0  # of them, those who consented: the people every other figure counts
    poverty_graduates: int = 0
    household_people: int = 0
    households_known: int = 0
    support_fen: int = 0
    supported: int = 0  # graduates given support
    # Follow-ups.
    follow_ups: int = 0
    verified_follow_ups: int = 0
    reporting: int = 0  # graduates with a follow-up; households, people employed and channels are of their latest
    verified_reporting: int = 0  # graduates with a verified follow-up
    self_reporting: int = 0  # graduates with a self-reported follow-up
    revenue_fen: int = 0
    verified_revenue_fen: int = 0
    households_benefiting: int = 0
    people_employed: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    waves: dict[int, Wave] = field(default_factory=dict)
    quantities: list[Quantity] = field(default_factory=list)
    # What the follow-up filters (or a channel group's channel) leave out, against the same figures without them.
    left_out_reported: int = 0
    left_out_households_known: int = 0
    left_out_supported: int = 0
    left_out_excluded: int = 0
    left_out_follow_ups: int = 0
    left_out_verified_follow_ups: int = 0
    left_out_reporting: int = 0  # graduates with a follow-up left out
    left_out_verified_reporting: int = 0
    left_out_self_reporting: int = 0
    left_out_latest: int = 0  # graduates whose latest follow-up of all is left out

    @property
    def excluded(self) -> int:
        return self.graduates - self.reported

    @property
    def graduation_rate(self) -> Decimal | None:
        """Graduates of the cohorts that have ended, divided by their learners."""
        return Decimal(self.graduated_ended) / self.learners_ended if self.learners_ended else None

    @property
    def learners_under_way(self) -> int:
        return self.learners - self.learners_ended

    @property
    def graduated_under_way(self) -> int:
        return self.graduated - self.graduated_ended

    @property
    def mean_household_size(self) -> Decimal | None:
        return Decimal(self.household_people) / self.households_known if self.households_known else None

    @property
    def self_reported_follow_ups(self) -> int:
        return self.follow_ups - self.verified_follow_ups

    @property
    def self_reported_revenue_fen(self) -> int:
        return self.revenue_fen - self.verified_revenue_fen

    @property
    def revenue_per_support_yuan(self) -> Decimal | None:
        return Decimal(self.revenue_fen) / self.support_fen if self.support_fen else None

    @property
    def small(self) -> bool:
        """Fewer than MIN_GROUP_SIZE graduates reported on: shown to leads, withheld from exports."""
        return self.reported < MIN_GROUP_SIZE

    @property
    def has_consenting_people(self) -> bool:
        return bool(self.reported or self.learners)

    def wave(self, months: int) -> Wave:
        return self.waves.setdefault(months, Wave(months))


@dataclass
class ImpactReport:
    selection: Selection
    groups: dict[tuple[str, str], Group]
    waves: list[int]
    # Groups of graduates none of whom consented: not shown, but their count left out is in the whole selection's.
    hidden: list[Group] = field(default_factory=list)

    @cached_property
    def cohort_names(self) -> dict[str, str]:
        """Each cohort's name by its group key: read once, as every cohort row of every table asks for it."""
        return {str(cohort.id): cohort.name for cohort in self.selection.program.cohorts}

    @cached_property
    def cohorts_under_way(self) -> set[str]:
        """The keys of the program's cohorts that have not ended: they do not count in the graduation rate."""
        today = self.selection.today
        return {str(cohort.id) for cohort in self.selection.program.cohorts if not cohort_has_ended(cohort, today)}

    @property
    def total(self) -> Group:
        return self.groups[(TOTAL, TOTAL)]

    def groups_of(self, dimension: str) -> list[Group]:
        return [group for (group_dimension, _key), group in self.groups.items() if group_dimension == dimension]

    @property
    def channels_used(self) -> list[str]:
        """Channels any graduate of the selection uses, in the catalogue's order."""
        return [code for code in SALES_CHANNELS if self.total.channels.get(code)]


# ---- The report ----


def as_int(value) -> int:
    # PostgreSQL sums BIGINT columns as NUMERIC.
    return int(value or 0)


GRADUATE_FIGURES = (
    "graduates",
    "reported",
    "poverty_graduates",
    "household_people",
    "households_known",
    "support_fen",
    "supported",
    "left_out_reported",
    "left_out_households_known",
    "left_out_supported",
    "left_out_excluded",
)
FOLLOW_UP_FIGURES = (
    "follow_ups",
    "verified_follow_ups",
    "reporting",
    "revenue_fen",
    "verified_revenue_fen",
    "households_benefiting",
    "people_employed",
    "verified_reporting",
    "self_reporting",
    "left_out_follow_ups",
    "left_out_verified_follow_ups",
    "left_out_reporting",
    "left_out_verified_reporting",
    "left_out_self_reporting",
    "left_out_latest",
)


def add_figures(found, names: tuple[str, ...], counts) -> None:
    for name, count in zip(names, counts, strict=True):
        setattr(found, name, getattr(found, name) + as_int(count))


def impact_report(selection: Selection) -> ImpactReport:
    """Every figure of the dashboard and its export, for the selection and each of its groups: six queries."""
    waves = selection.program.follow_up_waves
    groups: dict[tuple[str, str], Group] = {(TOTAL, TOTAL): Group(TOTAL, TOTAL)}

    def group(dimension: str, key) -> Group:
        key = str(key)
        return groups.setdefault((dimension, key), Group(dimension, key))

    def groups_of(dimension: str, key) -> list[Group]:
        """The groups a row adds to: each one a cell falls in, or the channel group itself."""
        if dimension == CELL:
            return [group(*found) for found in selection.groups_of_cell(key)]
        return [group(dimension, key)]

    for dimension, key, *counts in enrolment_rows(selection):
        for found in groups_of(dimension, key):
            add_figures(found, ("learners", "graduated", "learners_ended", "graduated_ended"), counts)
    for dimension, key, *counts in graduate_figure_rows(selection):
        for found in groups_of(dimension, key):
            add_figures(found, GRADUATE_FIGURES, counts)
    for dimension, key, *counts in response_rows(selection, waves):
        for found in groups_of(dimension, key):
            for index, months in enumerate(waves):
                add_figures(found.wave(months), ("due", "collected", "verified"), counts[3 * index : 3 * index + 3])
    changes: dict[tuple[str, str, int], Changes] = {}
    for dimension, key, months, count, total_fen, rose, left_out, kept_text in income_change_rows(selection):
        for found in groups_of(dimension, key):
            gathered = changes.setdefault((found.dimension, found.key, months), Changes())
            gathered.add(as_int(count), as_int(total_fen), as_int(rose), as_int(left_out), kept_text)
    for (dimension, key, months), gathered in changes.items():
        if not gathered.count:
            continue  # every change of the wave left out by the filters: nothing to report
        wave = groups[(dimension, key)].wave(months)
        wave.changes, wave.change_total_fen, wave.rose = gathered.count, gathered.total_fen, gathered.rose
        wave.middle_total_fen, wave.middle_count = gathered.middle()
        wave.changes_left_out = gathered.left_out
    for dimension, key, *counts in follow_up_figure_rows(selection):
        for found in groups_of(dimension, key):
            add_figures(found, FOLLOW_UP_FIGURES, counts[: len(FOLLOW_UP_FIGURES)])
            channels = counts[len(FOLLOW_UP_FIGURES) :]
            for code, count in zip(SALES_CHANNELS, channels, strict=True):
                found.channels[code] = found.channels.get(code, 0) + as_int(count)
    quantities: dict[tuple[str, str], dict[tuple[str, str], list]] = {}
    for dimension, key, product, unit, quantity, *counts in quantity_rows(selection):
        for found in groups_of(dimension, key):
            sums = quantities.setdefault((found.dimension, found.key), {}).setdefault((product, unit), [0, 0, 0, 0, 0])
            for index, value in enumerate((Decimal(quantity or 0), *counts)):
                sums[index] += value if index == 0 else as_int(value)
    for group_key, products in quantities.items():
        # Products every follow-up of which the filters leave out are not listed; the largest first in each unit.
        listed = [
            Quantity(product, unit, quantity, graduates, follow_ups, left_out_follow_ups, left_out_graduates)
            for (product, unit), (quantity, graduates, follow_ups, left_out_follow_ups, left_out_graduates) in (
                products.items()
            )
            if follow_ups
        ]
        groups[group_key].quantities = sorted(listed, key=lambda item: (item.unit, -item.quantity, item.product))
    # A group with nobody who consented (say, a channel only they named) is not shown at all.
    hidden = [found for found in groups.values() if found.dimension != TOTAL and not found.has_consenting_people]
    for found in hidden:
        del groups[(found.dimension, found.key)]
    seen_waves = {months for found in groups.values() for months in found.waves}
    for found in groups.values():
        found.waves = dict(sorted(found.waves.items()))
    return ImpactReport(selection, sort_groups(groups, selection), sorted(set(waves) | seen_waves), hidden)


def sort_groups(groups: dict[tuple[str, str], Group], selection: Selection) -> dict[tuple[str, str], Group]:
    """The whole selection first, then each dimension's groups in the order readers expect."""
    cohort_order = {str(cohort.id): index for index, cohort in enumerate(selection.program.cohorts)}
    fixed = {
        "poverty": ("yes", "no"),
        "gender": ("female", "male", "other", "unspecified"),
        "channel": SALES_CHANNELS,
    }

    def position(item):
        (dimension, key), _group = item
        dimension_index = (TOTAL, *DIMENSIONS).index(dimension)
        if dimension == "cohort":
            return dimension_index, cohort_order.get(key, len(cohort_order)), key
        if dimension in fixed:
            return dimension_index, fixed[dimension].index(key) if key in fixed[dimension] else 99, key
        return dimension_index, 0, key

    return dict(sorted(groups.items(), key=position))
