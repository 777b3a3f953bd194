"""Figures the aggregate export withholds cannot be worked out from the ones it publishes.

Two attacks, each tried on the export a reader outside the program gets:
- by subtraction inside one report: the whole selection's figure, less the published groups, is the withheld one;
- between two reports: a filter that leaves out a few follow-ups (a channel, verified only) but keeps the graduates,
  subtracted from the report without it.
And each figure's n counts what it adds up (follow-ups for revenue, quantities and income changes), so fewer than 5
of those withhold it, however many graduates the group has.
"""

import csv
import io
from collections import defaultdict

import pytest

from tests.factories import LeadFactory
from tests.outcomes.test_impact_figures import Person, Wave, build_impact_world

HIDDEN, WITHHELD = "fewer than 5", "withheld"
FEWER = "fewer than 5: not exported"
GIVES_AWAY = "not exported: would give away a smaller figure"


def download(client, query: str = "") -> dict[tuple, tuple[str, str]]:
    """The export as {(metric, breakdown, group, wave, item): (value, n)}."""
    text = client.get(f"/impact/report.csv{query}").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    figures = {}
    for row in rows:
        key = (
            row["Metric key"],
            row["Breakdown"],
            row["Group"],
            row["Wave (months after graduation)"],
            row["Product or channel"],
        )
        assert key not in figures, key
        figures[key] = (row["Value"], row["n"])
    return figures


def value(figures, metric, group="All graduates", wave="", item="", breakdown=None) -> tuple[str, str]:
    found = [
        figure
        for (key, in_breakdown, in_group, in_wave, in_item), figure in figures.items()
        if (key, in_group, in_wave, in_item) == (metric, group, wave, item)
        and (breakdown is None or breakdown == in_breakdown)
    ]
    assert len(found) == 1, (metric, group, wave, item, found)
    return found[0]


def withheld(figure: tuple[str, str]) -> bool:
    return figure[0] in (HIDDEN, WITHHELD)


def assert_no_sum_gives_a_withheld_figure(figures, cohort_places: dict[str, tuple[str, str]]) -> None:
    """The usual rule, on what a reader has: no sum the reader knows (the whole selection = a breakdown's groups, a
    county or poverty group = its cohorts, revenue = its verified and self-reported parts) has exactly one withheld
    figure among figures all published, unless that figure adds up nothing (its n works out as 0). ``cohort_places``
    gives each cohort's (county, poverty group)."""
    tables = defaultdict(dict)
    for (key, breakdown, group, wave, item), figure in figures.items():
        tables[(key, wave, item)][(breakdown, group)] = figure
    sums = []
    for (key, wave, item), cells in tables.items():
        whole = cells.get(("Whole selection", "All graduates"))
        by_breakdown = defaultdict(list)
        for (breakdown, _group), figure in cells.items():
            by_breakdown[breakdown].append(figure)
        for breakdown in ("Cohort", "County", "Poverty-stricken county or not", "Gender"):
            if by_breakdown.get(breakdown):
                sums.append(((key, wave, item, breakdown), [whole, *by_breakdown[breakdown]]))
        for place, breakdown in ((0, "County"), (1, "Poverty-stricken county or not")):
            for (in_breakdown, group), figure in cells.items():
                if in_breakdown == breakdown:
                    parts = [cells.get(("Cohort", cohort)) for cohort, places in cohort_places.items()]
                    parts = [
                        part
                        for part, places in zip(parts, cohort_places.values(), strict=True)
                        if places[place] == group
                    ]
                    sums.append(((key, wave, item, group), [figure, *parts]))
        if key == "revenue_total" and not item:
            for (breakdown, group), figure in cells.items():
                parts = [tables[(key, wave, part)].get((breakdown, group)) for part in ("verified", "self-reported")]
                sums.append(((key, breakdown, group), [figure, *parts]))
    for name, (whole, *parts) in sums:
        members = [member for member in (whole, *parts) if member is not None]  # absent: nothing, which is known
        lone = [member for member in members if withheld(member)]
        if len(lone) != 1:
            continue
        # A figure that adds up nothing can be worked out as zero, which the others already say (no record there).
        known = [int(member[1]) for member in parts if member is not None and not withheld(member)]
        derived_n = sum(known) if lone[0] is whole else (int(whole[1]) if whole else 0) - sum(known)
        assert derived_n == 0, (name, members)


# ---- Inside one report ----

TWO_COHORTS = {"P": ("横峰县", False), "Q": ("于都县", True)}
CHANGES = {"P": (100, 200, 300, 400, 500, 600, 700), "Q": (1000, 2000, 9000)}  # yuan, 3-month income changes


def two_cohorts() -> list[Person]:
    """Cohort P: 7 graduates, all with a 3-month follow-up; cohort Q: 6, of whom 3 have one."""
    people = []
    for cohort, changes in CHANGES.items():
        for index, change in enumerate(changes):
            waves = {0: Wave(1000, 800, 1, 0, "wechat"), 3: Wave(1000 + change, 900, 2, 1, "wechat")}
            people.append(Person(f"{cohort}{index}", cohort, "female", 1000, 3, waves=waves))
    for index in range(3):
        people.append(Person(f"Q{index + 3}", "Q", "male", 1000, 3, waves={0: Wave(1000, 800, 1, 0, "wechat")}))
    return people


@pytest.fixture
def lead(client, auth):
    auth.login(LeadFactory())
    return client


def test_a_withheld_mean_cannot_be_recovered_from_the_whole_selection_and_the_other_cohort(lead):
    build_impact_world(people=two_cohorts(), cohorts=TWO_COHORTS)
    figures = download(lead)
    assert value(figures, "income_change_mean", "Cohort Q", "3") == (HIDDEN, HIDDEN)  # 3 graduates
    whole = value(figures, "income_change_mean", "All graduates", "3")
    other = value(figures, "income_change_mean", "Cohort P", "3")
    # (mean_all × n_all − mean_P × n_P) ÷ n_Q needs all four numbers: cohort P's are withheld with Q's.
    assert other == (WITHHELD, WITHHELD)
    assert whole == ("1480.00", "10")  # the whole selection keeps its figure
    # The same for every figure of the report, and for the other breakdowns.
    places = {"Cohort P": TWO_COHORTS["P"], "Cohort Q": TWO_COHORTS["Q"]}
    places = {
        name: (county, "Poverty-stricken counties" if poor else "Other counties")
        for name, (county, poor) in places.items()
    }
    for query in ("", "?by=county", "?by=poverty", "?by=gender"):
        assert_no_sum_gives_a_withheld_figure(download(lead, query), places)


def test_the_hand_computed_program_gives_no_withheld_figure_away(lead):
    world = build_impact_world()
    places = {
        cohort.name: (cohort.county, "Poverty-stricken counties" if cohort.poverty_county else "Other counties")
        for cohort in world.program.cohorts
    }
    for query in ("", "?by=county", "?by=poverty", "?by=gender", "?by=channel", "?county=横峰县&by=gender"):
        assert_no_sum_gives_a_withheld_figure(download(lead, query), places)


def test_the_dashboard_marks_what_the_export_withholds(lead):
    build_impact_world(people=two_cohorts(), cohorts=TWO_COHORTS)
    page = lead.get("/impact").get_data(as_text=True)
    income = page.split('<caption id="breakdown-table-3">')[1].split("</table>")[0]
    assert (
        f'<th scope="row">Cohort P <span class="badge badge-small">{GIVES_AWAY}</span></th><td>3 months</td>' in income
    )
    assert f'<th scope="row">Cohort Q <span class="badge badge-small">{FEWER}</span></th><td>3 months</td>' in income
    assert '<th scope="row">Cohort P</th><td>At graduation</td>' in income


# ---- Between two reports ----


def one_graduate_sold_elsewhere() -> list[Person]:
    """7 graduates, each with a verified WeChat follow-up at graduation; the first also sold offline at 3 months,
    self-reported: the one follow-up the channel and verified-only filters leave out."""
    people = []
    for index in range(7):
        waves = {0: Wave(1000 + index, 800 + index, 1, 1, "wechat", True, (("tea", "5", "kg"),))}
        if index == 0:
            waves[3] = Wave(1500, 12_345, 40, 3, "offline", False, (("tea", "7", "kg"),))
        people.append(Person(f"w{index}", "W", "female", 1000, 3, waves=waves))
    return people


def assert_no_difference_rests_on_fewer_than_5(one, other) -> None:
    """Every figure both reports publish is the same, or the two rest on 5 or more records apart."""
    for key in one.keys() & other.keys():
        first, second = one[key], other[key]
        if withheld(first) or withheld(second) or first == second:
            continue
        assert abs(int(first[1]) - int(second[1])) >= 5, (key, first, second)


@pytest.mark.parametrize("query", ["?channel=wechat", "?verified=yes"])
def test_a_filter_that_keeps_every_graduate_cannot_be_subtracted_from_the_report_without_it(lead, query):
    build_impact_world(people=one_graduate_sold_elsewhere(), cohorts={"W": ("横峰县", False)})
    everything, filtered = download(lead), download(lead, query)
    # Revenue adds up follow-ups: 8 of them, then 7; the difference would be w0's offline sale.
    assert value(everything, "revenue_total") == (f"{5600 + 21 + 12_345}.00", "8")
    assert value(filtered, "revenue_total") == (WITHHELD, WITHHELD)
    assert value(filtered, "graduates_reported") == ("7", "7")  # the same graduates: nothing given away
    # Nor households, jobs or channels at the latest follow-up (w0's is the offline one), nor the tea sold.
    for metric in ("households_benefiting", "people_employed", "quantity_sold"):
        item = "tea" if metric == "quantity_sold" else ""
        assert withheld(value(everything, metric, item=item)) or withheld(value(filtered, metric, item=item)), metric
    assert_no_difference_rests_on_fewer_than_5(everything, filtered)


def test_a_channel_group_cannot_be_subtracted_from_the_whole_selection(lead):
    build_impact_world(people=one_graduate_sold_elsewhere(), cohorts={"W": ("横峰县", False)})
    figures = download(lead, "?by=channel")
    assert value(figures, "revenue_total") == (f"{5600 + 21 + 12_345}.00", "8")
    assert value(figures, "revenue_total", group="WeChat") == (WITHHELD, WITHHELD)
    assert value(figures, "graduates_reported", group="WeChat") == ("7", "7")
    whole = {key[:1] + key[3:]: figure for key, figure in figures.items() if key[1] == "Whole selection"}
    wechat = {key[:1] + key[3:]: figure for key, figure in figures.items() if key[2] == "WeChat"}
    assert_no_difference_rests_on_fewer_than_5(whole, wechat)


def test_revenue_parts_that_rest_on_one_follow_up_are_withheld_with_the_other_part(lead):
    build_impact_world(people=one_graduate_sold_elsewhere(), cohorts={"W": ("横峰县", False)})
    figures = download(lead)
    assert value(figures, "revenue_total", item="self-reported") == (HIDDEN, HIDDEN)  # w0's offline sale
    assert value(figures, "revenue_total", item="verified") == (WITHHELD, WITHHELD)  # the total minus it


# ---- n counts what each figure adds up ----


def test_n_is_the_follow_ups_or_graduates_each_figure_adds_up(lead):
    build_impact_world()
    figures = download(lead)
    assert value(figures, "revenue_total") == ("80500.00", "14")  # follow-ups
    assert value(figures, "income_change_mean", wave="3") == ("880.00", "5")  # follow-ups of the wave
    assert value(figures, "households_benefiting") == ("304", "9")  # graduates, at their latest follow-up
    assert value(figures, "graduates_reported") == ("9", "9")
    # Cohort A has 5 graduates, but its verified revenue adds up 3 follow-ups and its support 2 graduates' records.
    assert value(figures, "graduates_reported", group="Cohort A") == ("5", "5")
    assert value(figures, "revenue_total", group="Cohort A", item="verified") == (HIDDEN, HIDDEN)
    assert value(figures, "support_value", group="Cohort A") == (HIDDEN, HIDDEN)
    # A product sold in 4 follow-ups is withheld even for the whole selection.
    assert value(figures, "quantity_sold", item="tea") == (HIDDEN, HIDDEN)
