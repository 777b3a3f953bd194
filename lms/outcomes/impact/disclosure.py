"""Which figures the aggregate export withholds, so that nobody in a group of fewer than 5 can be recognised.

A figure is withheld when it rests on fewer than 5 graduates or records (its group, or the follow-ups it adds up);
when what the follow-up filters (or a channel group's channel) leave out of it rests on fewer than 5, since the report
without them would give that away by subtraction; and, complementary suppression, when publishing it would let a
withheld figure be worked out from the others: a breakdown's groups add up to the whole selection, a county's or a
poverty group's to its cohorts, revenue to its verified and self-reported parts. Figures are withheld until no withheld
figure follows exactly from the published ones (checked by elimination over those sums), choosing the smallest groups
first, so the whole selection's figures are the last to go.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import reduce
from math import gcd

from lms.outcomes.impact.dictionary import MIN_GROUP_SIZE
from lms.outcomes.impact.figures import Figure, Size, people
from lms.outcomes.impact.selection import TOTAL
from lms.outcomes.impact.services import Group, ImpactReport

# Breakdowns whose groups split the selection: each graduate, follow-up and learner falls in exactly one group.
PARTITIONS = ("cohort", "county", "poverty", "gender")
# The figures readers come for: when another figure of the same group would protect as well, that one is withheld
# (the learners enrolled rather than the graduation rate, a part of revenue rather than its total).
HEADLINES = {("graduation_rate", ""), ("revenue", "")}


class Withheld(StrEnum):
    SMALL = "small"  # rests on fewer than 5
    PROTECTS = "protects"  # would give away a figure that does


def rests_on_few(size: Size) -> bool:
    return 0 < size.records < MIN_GROUP_SIZE or 0 < size.people < MIN_GROUP_SIZE


def leaves_out_few(size: Size) -> bool:
    return 0 < size.left_out < MIN_GROUP_SIZE or 0 < size.left_out_people < MIN_GROUP_SIZE


@dataclass(eq=False)
class Cell:
    """The figures of one family, group, wave and part: published or withheld together."""

    family: str
    wave: int | None
    part: object
    group: Group
    size: Size
    order: int  # the group's place in the report, for choosing among equals the same way every time
    status: Withheld | None = None
    guarded: bool = False  # withheld for what the filters leave out of it
    hidden: bool = False  # of a group the report does not show: never published

    @property
    def sensitive(self) -> bool:
        """A cell that must not follow from the published ones (a complementary one may)."""
        return self.status is Withheld.SMALL or self.guarded or (self.hidden and self.size.records > 0)

    @property
    def unknown(self) -> bool:
        """Whether a reader cannot know the cell: a withheld cell with nothing in it is as good as known, since other
        figures (a group's missing follow-ups, say) tell that it is zero."""
        if self.size.records == 0 and self.size.people == 0:
            return False
        return self.hidden or self.status is not None


@dataclass
class Disclosure:
    """The withheld figures of one report, for the export and the dashboard's marks."""

    cells: dict[tuple, Cell]
    by_figure: dict[tuple, Withheld | None] = field(default_factory=dict)

    def status(self, figure: Figure) -> Withheld | None:
        return self.cells[figure.cell].status

    def of(self, key: str, group: Group, wave: int | None = None, item: str | tuple = "") -> Withheld | None:
        """The status of the figure ``key`` of ``group`` (and wave, and item) as the export writes it."""
        return self.by_figure.get((key, group.dimension, group.key, wave, item))


def disclosure(report: ImpactReport, figures: Iterable[Figure]) -> Disclosure:
    """Decide which of the report's figures the export withholds."""
    figures = list(figures)
    cells = first_cells(report, figures)
    protect(list(cells.values()), sums(report, cells))
    follow_revenue_and_support(cells)
    result = Disclosure(cells)
    for figure in figures:
        group = figure.group
        result.by_figure[(figure.key, group.dimension, group.key, figure.wave, figure.item)] = cells[figure.cell].status
    return result


def first_cells(report: ImpactReport, figures: list[Figure]) -> dict[tuple, Cell]:
    """The report's cells, those resting on few (or leaving few out) withheld, and the hidden groups' counts."""
    order = {(group.dimension, group.key): index for index, group in enumerate(report.groups.values())}
    cells: dict[tuple, Cell] = {}
    for figure in figures:
        if figure.cell in cells:
            continue
        group = figure.group
        cell = Cell(figure.family, figure.wave, figure.part, group, figure.size, order[(group.dimension, group.key)])
        if group.small or rests_on_few(cell.size):
            cell.status = Withheld.SMALL
        elif leaves_out_few(cell.size):
            # The cell itself is safe, but its difference from the report without the filters is not.
            cell.status, cell.guarded = Withheld.PROTECTS, True
        cells[figure.cell] = cell
    for group in report.hidden:
        if group.dimension in PARTITIONS and group.excluded:
            key = ("excluded", None, "", group.dimension, group.key)
            cells[key] = Cell("excluded", None, "", group, people(group.graduates), len(order), hidden=True)
    return cells


def follow_revenue_and_support(cells: dict[tuple, Cell]) -> None:
    """Revenue per yuan of support is withheld with either: with the ratio, one gives the other away."""
    for cell in cells.values():
        if cell.family != "ratio" or cell.status is Withheld.SMALL:
            continue
        group = cell.group
        statuses = {
            other.status
            for family in ("revenue", "support")
            if (other := cells.get((family, None, "", group.dimension, group.key))) is not None
        }
        if Withheld.SMALL in statuses:
            cell.status = Withheld.SMALL
        elif Withheld.PROTECTS in statuses:
            cell.status = Withheld.PROTECTS


# ---- The sums a reader could use ----


def sums(report: ImpactReport, cells: dict[tuple, Cell]) -> list[list[tuple[int, Cell]]]:
    """Each known sum as (coefficient, cell) pairs adding up to zero: whole = groups, county = its cohorts, ..."""
    dimensions = [dimension for dimension in report.selection.dimensions if dimension in PARTITIONS]
    cohorts = {str(cohort.id): cohort for cohort in report.selection.program.cohorts}
    tables: dict[tuple, dict[str, dict[str, Cell]]] = defaultdict(lambda: defaultdict(dict))
    for cell in cells.values():
        if cell.family != "ratio":  # ratios do not add up
            tables[(cell.family, cell.wave, cell.part)][cell.group.dimension][cell.group.key] = cell
    found = []

    def add(whole: Cell | None, parts: Iterable[Cell]) -> None:
        terms = ([(1, whole)] if whole else []) + [(-1, part) for part in parts]
        if len(terms) > 1:
            found.append(terms)

    for table in tables.values():
        whole = table[TOTAL].get(TOTAL)
        for dimension in dimensions:
            add(whole, table[dimension].values())
        by_cohort = defaultdict(list)
        for key, cell in table["cohort"].items():
            cohort = cohorts.get(key)
            if cohort is not None:
                by_cohort[("county", cohort.county)].append(cell)
                by_cohort[("poverty", "yes" if cohort.poverty_county else "no")].append(cell)
        for dimension in ("county", "poverty"):
            if dimension in dimensions:
                for key, cell in table[dimension].items():
                    add(cell, by_cohort.get((dimension, key), []))
                    by_cohort.pop((dimension, key), None)
        for (dimension, _key), parts in by_cohort.items():
            if dimension in dimensions and len(parts) > 1:
                add(None, parts)  # cohorts of a group the report does not show add up to nothing
    under_way = report.cohorts_under_way
    for (family, wave, part, dimension, key), cell in cells.items():
        if family == "graduation_rate" and dimension == "cohort" and key not in under_way:
            # An ended cohort's graduation rate rests on the same learners as its enrolment figures.
            add(cells.get(("enrolment", None, "", dimension, key)), [cell])
        if family == "revenue" and part == "":
            parts = [cells.get(("revenue", wave, item, dimension, key)) for item in ("verified", "self-reported")]
            add(cell, [other for other in parts if other is not None])
    return found


# ---- Complementary suppression ----


def protect(cells: list[Cell], equations: list[list[tuple[int, Cell]]]) -> None:
    """Withhold more cells until no sensitive cell follows from the published ones, one linked set at a time."""
    for component, component_equations in linked_sets(cells, equations):
        while (found := exposure(component_equations)) is not None:
            exposed, alone_in = found
            chosen = complement_for(exposed, alone_in, component, component_equations)
            if chosen is None:
                break  # nothing published is left to withhold
            chosen.status = Withheld.PROTECTS
        release_needless(component, component_equations)


def exposure(equations: list[list[tuple[int, Cell]]]) -> tuple[Cell, list | None] | None:
    """A sensitive cell that follows from the published ones, with the sum it is the only unknown of (if one is);
    None when there is none."""
    for equation in equations:
        unknown = [cell for _coefficient, cell in equation if cell.unknown]
        if len(unknown) == 1 and unknown[0].sensitive:
            return unknown[0], equation
    exposed = next((cell for cell in determined(equations) if cell.sensitive), None)
    return None if exposed is None else (exposed, None)


def release_needless(component: list[Cell], equations: list[list[tuple[int, Cell]]]) -> None:
    """Publish again each complementary cell that others made needless, the most useful first."""
    chosen = [cell for cell in component if cell.status is Withheld.PROTECTS and not cell.guarded]
    for cell in sorted(chosen, key=lambda cell: (-cell.group.reported, (cell.family, cell.part) not in HEADLINES)):
        cell.status = None
        if exposure(equations) is not None:
            cell.status = Withheld.PROTECTS


def linked_sets(cells: list[Cell], equations: list[list[tuple[int, Cell]]]):
    """The cells split into sets no sum links to another, each with its sums."""
    parent = {id(cell): id(cell) for cell in cells}

    def root(key: int) -> int:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for equation in equations:
        first = root(id(equation[0][1]))
        for _coefficient, cell in equation[1:]:
            parent[root(id(cell))] = first
    members, sums_of = defaultdict(list), defaultdict(list)
    for cell in cells:
        members[root(id(cell))].append(cell)
    for equation in equations:
        sums_of[root(id(equation[0][1]))].append(equation)
    return [(members[key], sums_of[key]) for key in members if sums_of[key]]


def determined(equations: list[list[tuple[int, Cell]]]) -> list[Cell]:
    """The unknown cells whose value follows exactly from the sums and the published cells: Gauss-Jordan elimination
    over the unknowns, in integers (each row divided by its common factor)."""
    index: dict[int, int] = {}
    columns: list[Cell] = []
    pivots: dict[int, dict[int, int]] = {}  # pivot column: its row, the column in no other row
    for equation in equations:
        row: dict[int, int] = defaultdict(int)
        for coefficient, cell in equation:
            if cell.unknown:
                if id(cell) not in index:
                    index[id(cell)] = len(columns)
                    columns.append(cell)
                row[index[id(cell)]] += coefficient
        row = {column: value for column, value in row.items() if value}
        for column, pivot_row in pivots.items():
            if column in row:
                row = combine(row, pivot_row, column)
        if not row:
            continue
        column = min(row)
        for other, pivot_row in pivots.items():
            if column in pivot_row:
                pivots[other] = combine(pivot_row, row, column)
        pivots[column] = row
    # A cell is determined when a row of the reduced system names it alone.
    return [columns[column] for column, row in pivots.items() if len(row) == 1]


def combine(row: dict[int, int], pivot_row: dict[int, int], column: int) -> dict[int, int]:
    """``row`` with ``column`` eliminated by ``pivot_row``, divided by the common factor of what is left."""
    scale, factor = pivot_row[column], row[column]
    combined = {key: scale * row.get(key, 0) - factor * pivot_row.get(key, 0) for key in row.keys() | pivot_row.keys()}
    combined = {key: value for key, value in combined.items() if value}
    divisor = reduce(gcd, combined.values(), 0)
    return {key: value // divisor for key, value in combined.items()} if divisor > 1 else combined


def complement_for(
    exposed: Cell, alone_in: list | None, component: list[Cell], equations: list[list[tuple[int, Cell]]]
) -> Cell | None:
    """The published cell to withhold next, groups before the whole selection and the smallest first. When a single sum
    gives ``exposed`` away, the usual rule: another of its groups, else its whole. Otherwise one that hides ``exposed``
    on its own; else one summed with it (the next round adds another); else any."""
    candidates = sorted(
        (cell for cell in component if not cell.unknown and cell.size.records),
        key=lambda cell: (cell.group.reported, (cell.family, cell.part) in HEADLINES, cell.size.records, cell.order),
    )
    groups = [cell for cell in candidates if cell.group.dimension != TOTAL]
    if alone_in is not None:
        members = {id(cell) for _coefficient, cell in alone_in}
        chosen = next((cell for cell in groups if id(cell) in members), None) or next(
            (cell for cell in candidates if id(cell) in members), None
        )
        if chosen is not None:
            return chosen

    def hides(candidate: Cell) -> bool:
        candidate.status = Withheld.PROTECTS
        hidden = exposed not in determined(equations)
        candidate.status = None
        return hidden

    summed_with = {
        id(cell) for equation in equations if any(c is exposed for _k, c in equation) for _k, cell in equation
    }
    return (
        next((cell for cell in groups if hides(cell)), None)
        or next((cell for cell in groups if id(cell) in summed_with), None)
        or next((cell for cell in candidates if hides(cell)), None)
        or next(iter(candidates), None)
    )
