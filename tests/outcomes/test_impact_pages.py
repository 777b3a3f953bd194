"""The impact dashboard page: the figures a lead reads, the filter form, the charts, and its fixed query count."""

import re
from datetime import timedelta

import pytest

from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.outcomes.models import SALES_CHANNELS
from tests.factories import AdminFactory, CohortFactory, EnrollmentFactory, LeadFactory, MentorFactory, ProgramFactory
from tests.outcomes.test_impact_export import download, value
from tests.outcomes.test_impact_figures import COHORTS, PEOPLE, Person, Wave, add_person, build_impact_world


@pytest.fixture
def impact_world():
    return build_impact_world()


def page_of(client, query: str = "") -> str:
    response = client.get(f"/impact{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def cells(page: str, row_header: str) -> list[str]:
    """The cells of the table row headed ``row_header``, as text."""
    match = re.search(r'<tr>\s*<th scope="row">' + re.escape(row_header) + r"(.*?)</tr>", page, re.S)
    assert match, f"no row {row_header!r}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


SMALL_GROUP = '<span class="badge badge-small">fewer than 5 graduates: not exported</span>'
FEWER = "fewer than 5: not exported"
GIVES_AWAY = "not exported: would give away a smaller figure"


def summary(page: str, term: str) -> str:
    match = re.search(r"<dt>" + re.escape(term) + r"</dt><dd>(.*?)</dd>", page, re.S)
    assert match, f"no summary figure {term!r}"
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split())


def test_a_lead_reads_the_programs_figures(client, auth, impact_world):
    auth.login(LeadFactory())
    page = page_of(client)
    assert "<h1>Impact: Impact incubator</h1>" in page
    assert "2 graduates are left out of every figure: no consent to reporting." in page
    assert summary(page, "Graduates reported on") == "9"
    assert summary(page, "Graduates in poverty-stricken counties") == "4"
    # Shown to the lead, each figure the export withholds marked with why.
    assert summary(page, "Graduate revenue") == (
        f"CN¥80,500.00 verified CN¥33,000.00 {FEWER}, self-reported CN¥47,500.00 {GIVES_AWAY}"
    )
    assert summary(page, "Value of support given") == f"CN¥10,000.00 {FEWER}"
    assert summary(page, "Revenue per yuan of support") == f"8.05 {FEWER}"
    assert summary(page, "Households benefiting") == "304"
    assert summary(page, "People employed") == "13"
    assert summary(page, "Follow-ups") == "14 verified 4, self-reported 10"
    assert summary(page, "Mean household size") == "3.8"
    # Graduation rate per cohort, then the response and income tables.
    assert cells(page, "Cohort A") == ["7", "5", "71.4%"]
    assert cells(page, "All cohorts that have ended") == ["15", "9", "60.0%"]
    assert cells(page, "At graduation") == ["9", "9", "3", "6", "100.0%"]
    assert cells(page, "3 months") == ["8", "5", "1", "4", "62.5%"]
    assert cells(page, "12 months") == ["0", "0", "0", "0", "—"]
    income = page.split('id="income-heading"')[1]
    assert cells(income, "At graduation") == ["9", "CN¥500.00", "CN¥522.22", "55.6%"]
    assert cells(income, "3 months") == ["5", "CN¥1,000.00", "CN¥880.00", "100.0%"]
    quantities = page.split('id="quantity-heading"')[1]
    assert cells(quantities, f'tea <span class="badge badge-small">{FEWER}</span>') == ["310.5", "kg", "3"]
    channels = page.split('id="channel-heading"')[1]
    assert cells(channels, "Kuaishou shop") == ["4"]
    assert cells(channels, "Graduates with a follow-up") == ["9"]


def test_small_groups_show_their_numbers_to_the_lead_marked_as_not_exported(client, auth, impact_world):
    auth.login(LeadFactory())
    page = page_of(client)
    graduation = page.split('id="graduation-heading"')[1].split("</table>")[0]
    assert cells(graduation, f"Cohort B {SMALL_GROUP}") == ["4", "3", "75.0%"]
    assert cells(graduation, "Cohort A") == ["7", "5", "71.4%"]
    breakdown = page.split('id="breakdown-heading"')[1]
    response, income = breakdown.split("<caption ")[2:4]
    # Cohort A has 5 graduates, but its 3-month income changes rest on 4.
    marked = f'Cohort A <span class="badge badge-small">{FEWER}</span>'
    assert cells(income, marked) == ["3 months", "4", "CN¥650.00", "CN¥725.00", "100.0%"]
    # Its 3-month follow-ups due (5) rest on enough, but the whole selection's 8 minus them gives cohort B's 3.
    marked = f'Cohort A <span class="badge badge-small">{GIVES_AWAY}</span>'
    assert cells(response, marked) == ["3 months", "5", "4", "80.0%"]
    assert cells(response, "Cohort A") == ["At graduation", "5", "5", "100.0%"]


def test_the_breakdown_table_by_channel(client, auth, impact_world):
    auth.login(LeadFactory())
    page = page_of(client, "?by=channel")
    breakdown = page.split('id="breakdown-heading"')[1]
    assert "Broken down by: Sales channel" in breakdown
    assert "graduation and response rates are not broken down by channel" in breakdown
    # Graduates reported on, left out, revenue, support, revenue per yuan, households, employed: the 4 graduates
    # who did not name WeChat are too few to be the difference from the whole selection's counts.
    assert cells(breakdown, "WeChat") == [
        f"5 {GIVES_AWAY}",
        f"1 {GIVES_AWAY}",
        "CN¥19,000.00",
        f"CN¥10,000.00 {FEWER}",
        f"1.90 {FEWER}",
        "91",
        "7",
    ]
    assert "Response rate by group and wave" not in breakdown


def test_the_breakdown_by_gender_with_its_response_and_income_tables(client, auth, impact_world):
    auth.login(LeadFactory())
    page = page_of(client, "?by=gender")
    breakdown = page.split('id="breakdown-heading"')[1]
    outcomes, response, income = breakdown.split("<caption ")[1:4]
    assert cells(outcomes, f"Male {SMALL_GROUP}")[:3] == ["3", "1", "75.0%"]
    # The whole selection minus women would give men's figures: women's are not exported either.
    female = f'Female <span class="badge badge-small">{GIVES_AWAY}</span>'
    assert cells(response, female) == ["At graduation", "6", "6", "100.0%"]
    assert cells(income, female) == ["At graduation", "6", "CN¥550.00", "CN¥466.67", "66.7%"]


def test_cohorts_under_way_are_shown_apart_and_left_out_of_the_graduation_rate(client, auth, impact_world):
    today = program_today()
    starting = CohortFactory(
        program=impact_world.program,
        name="Cohort D",
        starts_on=today + timedelta(days=7),
        ends_on=today + timedelta(days=97),
    )
    for index in range(5):
        add_person(Person(f"d{index}", "D", graduated=False), starting, today)
    db.session.commit()
    auth.login(LeadFactory())
    graduation = page_of(client).split('id="graduation-heading"')[1].split("</table>")[0]
    assert cells(graduation, "All cohorts that have ended") == ["15", "9", "60.0%"]  # not 9 of 20, 45.0%
    assert cells(graduation, "Cohorts under way") == ["5", "0", "under way"]
    assert "Under way: not counted in the graduation rate until they end" in graduation
    assert cells(graduation, f"Cohort D {SMALL_GROUP}") == ["5", "0", "under way"]
    assert cells(graduation, "Cohort A") == ["7", "5", "71.4%"]
    assert "<title>Cohort D: under way</title>" in graduation  # in the chart, without a bar
    rows = download(client)
    assert value(rows, "graduation_rate") == ("60.0", "15")  # n: learners of the cohorts that have ended
    # All learners less those of the cohorts that have ended would give cohort D's 5: not exported.
    assert value(rows, "learners") == ("withheld", "withheld")
    assert value(rows, "learners", group="Cohort A") == ("7", "7")
    assert not [row for row in rows if row["Metric key"] == "graduation_rate" and row["Group"] == "Cohort D"]


def test_the_filter_form_keeps_what_was_chosen(client, auth, impact_world):
    auth.login(LeadFactory())
    cohort = impact_world.cohorts["B"]
    page = page_of(client, f"?cohort={cohort.id}&county=于都县&poverty=yes&gender=female&channel=wechat&verified=yes")
    assert f'<option value="{cohort.id}" selected>Cohort B</option>' in page
    assert "<option selected>于都县</option>" in page
    assert '<option value="yes" selected>' in page
    assert '<option value="female" selected>' in page
    assert '<option value="wechat" selected>' in page
    assert 'name="verified" value="yes" checked' in page
    assert "only graduates with a matching follow-up count" in page
    program = impact_world.program.id
    export = f"/impact/report.csv?program={program}&amp;cohort={cohort.id}&amp;county=%E4%BA%8E%E9%83%BD%E5%8E%BF"
    assert export in page


def test_dates_filter_the_graduates(client, auth, impact_world):
    auth.login(LeadFactory())
    from_day = impact_world.graduations["b1"].graduated_on.isoformat()
    page = page_of(client, f"?from={from_day}")
    assert f'name="from" value="{from_day}"' in page
    assert summary(page, "Graduates reported on").startswith("4")


@pytest.mark.parametrize(
    "query",
    [
        "?cohort=abc&program=%00&by=x&from=2027-13-01",
        "?county=%00&gender=%00&channel=%00",
        "?program=99999999999999999",
    ],
)
def test_garbled_filters_show_the_whole_program(client, auth, impact_world, query):
    auth.login(LeadFactory())
    assert summary(page_of(client, query), "Graduates reported on") == "9"


def test_charts_are_accessible_svg_without_inline_styles(client, auth, impact_world):
    auth.login(AdminFactory())
    page = page_of(client, "?by=county")
    charts = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(charts) == 8  # graduation, response, income, 3 units of quantity, channels, breakdown
    for chart in charts:
        assert 'role="img"' in chart
        assert re.search(r'viewBox="0 0 360 \d+"', chart)
        assert re.search(r'aria-labelledby="(chart-[\w-]+)-title"[^>]*><title id="\1-title">', chart)
        assert "<text" in chart
    assert "style=" not in page
    assert "<script" not in page
    # Each chart is followed by the table of its numbers.
    chart_then_table = r'Graduation rate per cohort</title>.*?</svg></div>\s*<div class="table-wrap"[^>]*><table>'
    assert re.search(chart_then_table, page, re.S)


def test_the_nav_links_the_dashboard_for_leads_and_admins_only(client, auth, world):
    link = '<a href="/impact">Impact</a>'
    for person, shown in ((world.lead, True), (world.admin, True), (world.mentor_a, False), (world.learner_a, False)):
        auth.login(person)
        home = client.get("/").get_data(as_text=True)
        assert (link in home) is shown, person.role
        auth.logout()


def test_a_mentor_is_refused_even_for_their_own_cohort(client, auth, impact_world):
    mentor = MentorFactory()
    impact_world.cohorts["A"].mentors.append(mentor)
    db.session.commit()
    auth.login(mentor)
    assert client.get(f"/impact?cohort={impact_world.cohorts['A'].id}").status_code == 403
    assert client.get("/impact/report.csv").status_code == 403


def test_without_a_program_the_page_says_so(client, auth):
    auth.login(LeadFactory())
    assert "There is no program yet." in page_of(client)


def test_the_newest_program_is_shown_first_and_others_can_be_chosen(client, auth, impact_world):
    newer = ProgramFactory(name="Newer incubator")
    EnrollmentFactory(cohort__program=newer, cohort__name="Newer cohort")
    auth.login(LeadFactory())
    page = page_of(client)
    assert "<h1>Impact: Newer incubator</h1>" in page
    assert f'<option value="{impact_world.program.id}">Impact incubator</option>' in page
    page = page_of(client, f"?program={impact_world.program.id}")
    assert "<h1>Impact: Impact incubator</h1>" in page
    # A cohort picks its program.
    page = page_of(client, f"?cohort={impact_world.cohorts['A'].id}")
    assert "<h1>Impact: Impact incubator</h1>" in page
    assert summary(page, "Graduates reported on") == "5"


# ---- The number of queries does not grow with the data ----


def more_people(count: int) -> list[Person]:
    """Graduates with consent, a baseline, two follow-ups with quantities and channels, and support."""
    people = []
    for index in range(count):
        channel = SALES_CHANNELS[index % len(SALES_CHANNELS)]
        waves = {
            0: Wave(1000 + index, 500, 2, 1, channel, index % 2 == 0, ((f"product {index % 7}", "3", "kg"),)),
            3: Wave(1500 + index, 800, 3, 1, f"{channel},wechat", quantities=(("tea", "1.5", "box"),)),
        }
        cohort = f"X{index % 6}"
        people.append(Person(f"x{index}", cohort, "male" if index % 3 else "female", 800, 3, waves=waves, support=50))
    return people


def queries_for(client, count_queries, url) -> int:
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    return len(queries)


DASHBOARD_URLS = ("/impact", "/impact?by=channel", "/impact?by=gender&verified=yes", "/impact/report.csv")


def test_the_dashboard_and_export_run_the_same_queries_for_few_or_many_graduates(client, auth, count_queries):
    auth.login(LeadFactory())
    build_impact_world()
    few = {url: queries_for(client, count_queries, url) for url in DASHBOARD_URLS}
    cohorts = {**COHORTS, **{f"X{index}": (f"县{index}", index % 2 == 0) for index in range(6)}}
    build_impact_world(people=[*PEOPLE, *more_people(30)], name="Bigger incubator", cohorts=cohorts)
    # The bigger program is the newest: it is the one shown.
    assert {url: queries_for(client, count_queries, url) for url in DASHBOARD_URLS} == few
    assert max(few.values()) <= 12, few
