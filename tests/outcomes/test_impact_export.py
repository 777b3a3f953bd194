"""The aggregate export: a UTF-8 CSV with a BOM, IRIS+ codes, the page's filters, small groups withheld.

How withheld figures cannot be worked out from the others is in test_impact_disclosure.py."""

import csv
import io

import pytest

from lms.core.extensions import db
from lms.outcomes.impact.dictionary import METRICS_BY_KEY
from tests.factories import CohortFactory, LeadFactory
from tests.outcomes.test_impact_figures import build_impact_world

HEADER = [
    "Metric key",
    "Metric",
    "IRIS+ code",
    "Breakdown",
    "Group",
    "Wave (months after graduation)",
    "Product or channel",
    "Value",
    "n",
    "Unit",
]
HIDDEN = "fewer than 5"
WITHHELD = "withheld"  # would let a figure resting on fewer than 5 be worked out


@pytest.fixture
def impact_world():
    return build_impact_world()


def download(client, query: str = "") -> list[dict]:
    response = client.get(f"/impact/report.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="impact-report-')
    assert response.data.startswith(b"\xef\xbb\xbf"), "a BOM, so spreadsheet programs read UTF-8"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    return [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


def find(rows, key, group="All graduates", wave="", item="") -> dict:
    found = [
        row
        for row in rows
        if (row["Metric key"], row["Group"], row["Wave (months after graduation)"], row["Product or channel"])
        == (key, group, wave, item)
    ]
    assert len(found) == 1, (key, group, wave, item, found)
    return found[0]


def value(rows, key, group="All graduates", wave="", item="") -> tuple[str, str]:
    row = find(rows, key, group, wave, item)
    return row["Value"], row["n"]


@pytest.fixture
def lead_client(client, auth, impact_world):
    auth.login(LeadFactory())
    return client


def test_the_whole_selection_with_its_numbers_units_and_iris_codes(lead_client):
    rows = download(lead_client)
    assert value(rows, "learners") == ("15", "15")
    assert value(rows, "graduates") == ("9", "9")
    assert value(rows, "graduation_rate") == ("60.0", "15")
    assert value(rows, "graduates_reported") == ("9", "9")
    assert value(rows, "poverty_county_graduates") == ("4", "9")
    assert value(rows, "mean_household_size") == ("3.8", "9")
    assert value(rows, "follow_ups_due", wave="3") == ("8", "8")
    assert value(rows, "follow_ups_collected", wave="3") == ("5", "8")
    assert value(rows, "follow_ups_collected", wave="3", item="verified") == ("1", "8")
    assert value(rows, "follow_ups_collected", wave="3", item="self-reported") == ("4", "8")
    assert value(rows, "response_rate", wave="3") == ("62.5", "8")
    assert value(rows, "income_change_median", wave="0") == ("500.00", "9")
    assert value(rows, "income_change_mean", wave="0") == ("522.22", "9")
    assert value(rows, "income_rose_share", wave="0") == ("55.6", "9")
    assert value(rows, "income_change_median", wave="3") == ("1000.00", "5")
    # Revenue's n is the follow-ups it adds up; 4 are verified, of 3 graduates: too few, and self-reported revenue
    # would give them away (the total minus it).
    assert value(rows, "revenue_total") == ("80500.00", "14")
    assert value(rows, "revenue_total", item="verified") == (HIDDEN, HIDDEN)
    assert value(rows, "revenue_total", item="self-reported") == (WITHHELD, WITHHELD)
    assert value(rows, "households_benefiting") == ("304", "9")
    assert value(rows, "people_employed") == ("13", "9")
    assert value(rows, "channel_graduates", item="Kuaishou shop") == ("4", "9")
    assert value(rows, "channel_graduates", item="WeChat") == ("3", "9")
    # Support was given to 3 graduates (a1, a4, b1): its sum, and the ratio that would give it away, are withheld.
    assert value(rows, "support_value") == (HIDDEN, HIDDEN)
    assert value(rows, "revenue_per_support_yuan") == (HIDDEN, HIDDEN)
    assert value(rows, "excluded_no_consent") == ("2", "11")
    # Waves not due yet have nothing to report.
    assert not [
        row for row in rows if row["Metric key"] == "follow_ups_due" and row["Wave (months after graduation)"] == "12"
    ]
    units = {row["Metric key"]: row["Unit"] for row in rows if row["Group"] == "All graduates"}
    assert units["income_change_median"] == "CNY per month"
    assert units["revenue_total"] == "CNY"
    assert units["graduation_rate"] == "percent"
    for row in rows:
        assert row["IRIS+ code"] == METRICS_BY_KEY[row["Metric key"]].iris
        assert row["Metric"] == str(METRICS_BY_KEY[row["Metric key"]].label)
    iris = {row["Metric key"]: row["IRIS+ code"] for row in rows}
    assert (iris["learners"], iris["poverty_county_graduates"], iris["people_employed"]) == (
        "PI4060",
        "PI1726",
        "PI3687",
    )
    assert iris["mean_household_size"] == "PI4548"


def test_every_figure_of_a_group_under_5_graduates_says_fewer_than_5(lead_client):
    rows = download(lead_client)
    cohort_b = [row for row in rows if row["Group"] == "Cohort B"]  # 3 graduates reported on
    assert {row["Metric key"] for row in cohort_b} >= {
        "learners",
        "graduates",
        "graduation_rate",
        "graduates_reported",
        "follow_ups_due",
        "response_rate",
        "income_change_median",
        "income_change_mean",
        "income_rose_share",
        "revenue_total",
        "quantity_sold",
        "households_benefiting",
        "people_employed",
        "channel_graduates",
        "support_value",
        "revenue_per_support_yuan",
        "excluded_no_consent",
    }
    assert all((row["Value"], row["n"]) == (HIDDEN, HIDDEN) for row in cohort_b), cohort_b
    assert all(row["Unit"] for row in cohort_b)  # the unit still says what would be there
    # Cohort A has 5: its figures are given, except those resting on fewer people (wave 3 income: 4 graduates).
    assert value(rows, "revenue_total", group="Cohort A") == ("69000.00", "9")
    assert value(rows, "graduation_rate", group="Cohort A") == ("71.4", "7")
    assert value(rows, "income_change_median", group="Cohort A", wave="0") == ("500.00", "5")
    assert value(rows, "income_change_median", group="Cohort A", wave="3") == (HIDDEN, HIDDEN)
    assert value(rows, "income_change_mean", group="Cohort A", wave="3") == (HIDDEN, HIDDEN)
    # ... and those that, taken from the whole selection's, would give cohort B's away: 3 months due 8 = A 5 + B 3.
    assert value(rows, "follow_ups_due", group="Cohort A", wave="3") == (WITHHELD, WITHHELD)
    assert value(rows, "follow_ups_due", wave="3") == ("8", "8")
    # A product sold by fewer than 5 graduates is withheld even in the whole selection.
    assert value(rows, "quantity_sold", item="tea") == (HIDDEN, HIDDEN)


def test_a_selection_under_5_graduates_withholds_even_its_totals(lead_client, impact_world):
    rows = download(lead_client, f"?cohort={impact_world.cohorts['C'].id}")
    whole = [row for row in rows if row["Breakdown"] == "Whole selection"]
    assert whole
    assert all((row["Value"], row["n"]) == (HIDDEN, HIDDEN) for row in whole)


def test_the_export_follows_the_filters_and_the_breakdown(lead_client):
    rows = download(lead_client, "?county=横峰县&by=gender")
    assert value(rows, "revenue_total") == ("69000.00", "9")
    assert {row["Breakdown"] for row in rows} == {"Whole selection", "Cohort", "Gender"}
    assert value(rows, "graduates_reported", group="Female") == (HIDDEN, HIDDEN)  # a1, a2, a5
    rows = download(lead_client, "?by=county")
    assert value(rows, "graduates_reported", group="于都县") == (HIDDEN, HIDDEN)
    # 于都县's 4 = the whole selection's 9 - 横峰县's 5 (其他县 has no graduate): 横峰县's is withheld too.
    assert value(rows, "graduates_reported", group="横峰县") == (WITHHELD, WITHHELD)
    assert value(rows, "graduates_reported") == ("9", "9")
    rows = download(lead_client, "?verified=yes")
    assert value(rows, "revenue_total") == (HIDDEN, HIDDEN)  # 3 graduates have verified follow-ups


def test_the_channel_breakdown_leaves_out_what_has_no_channel(lead_client):
    rows = download(lead_client, "?by=channel")
    channel_rows = [row for row in rows if row["Breakdown"] == "Sales channel"]
    assert {row["Group"] for row in channel_rows} == {
        "Kuaishou shop",
        "Taobao",
        "Pinduoduo",
        "WeChat",
        "Offline market",
    }
    keys = {row["Metric key"] for row in channel_rows}
    assert not keys & {"learners", "graduates", "graduation_rate", "follow_ups_due", "response_rate"}
    assert value(rows, "revenue_total", group="WeChat") == ("19000.00", "6")
    # 5 of the 9 graduates named WeChat: the other 4 are too few to be what the whole selection has more.
    assert value(rows, "graduates_reported", group="WeChat") == (WITHHELD, WITHHELD)


@pytest.mark.parametrize(
    "query",
    [
        "?cohort=99999999999999999999&county=%00&poverty=maybe&gender=x&channel=y&from=2027-02-30&to=zz&by=nope",
        "?program=abc&verified=1&by=",
        "?cohort=-5&program=99999999",
    ],
)
def test_garbled_filters_are_ignored(lead_client, query):
    rows = download(lead_client, query)
    assert value(rows, "revenue_total") == ("80500.00", "14")


def test_group_names_cannot_run_as_spreadsheet_formulas(lead_client, impact_world):
    cohort = impact_world.cohorts["A"]
    cohort.name = "=HYPERLINK(1)"
    db.session.commit()
    rows = download(lead_client)
    assert find(rows, "graduates", group="'=HYPERLINK(1)")


def test_an_installation_without_programs_exports_the_header(client, auth):
    auth.login(LeadFactory())
    response = client.get("/impact/report.csv")
    assert response.status_code == 200
    assert response.data.decode("utf-8-sig").splitlines() == [",".join(HEADER)]


def test_another_programs_cohort_selects_that_program(lead_client):
    other = CohortFactory(name="Elsewhere")
    rows = download(lead_client, f"?cohort={other.id}")
    assert value(rows, "learners") == (HIDDEN, HIDDEN)
    assert {row["Group"] for row in rows if row["Breakdown"] == "Cohort"} <= {"Elsewhere"}
