"""A program lead reads the impact dashboard on a laptop, narrows it to one county and downloads the report.

The program is the hand-computed one of tests/outcomes/test_impact_figures.py, built with model rows.
"""

import csv
import io

from playwright.sync_api import Page, expect

from lms.extensions import db
from tests.browser.conftest import PHONE
from tests.browser.steps import arrive, assert_no_sideways_scroll, main_nav, sign_in
from tests.factories import LeadFactory
from tests.outcomes.test_impact_figures import build_impact_world

LEAD_NAME, LEAD_EMAIL = "Zhou Lihua", "zhou.lihua.impact@example.org"
HEADING = "Impact: Impact incubator"
COUNTY = "横峰县"


def summary_figure(page: Page, term: str):
    return page.locator(".impact-summary > div").filter(has=page.get_by_text(term, exact=True)).locator("dd")


def test_a_lead_reads_the_dashboard_narrows_it_to_a_county_and_downloads_the_report(
    laptop_page, new_page, screenshot, tmp_path
):
    build_impact_world()
    LeadFactory(name=LEAD_NAME, email=LEAD_EMAIL)
    db.session.commit()  # ends the transaction: the server must not wait for this session's lock

    # 1. From the header to the dashboard: the whole program.
    page = laptop_page
    sign_in(page, LEAD_EMAIL, LEAD_NAME)
    main_nav(page).get_by_role("link", name="Impact", exact=True).click()
    arrive(page, HEADING)
    expect(page.get_by_text("2 graduates are left out of every figure: no consent to reporting.")).to_be_visible()
    expect(summary_figure(page, "Graduate revenue")).to_contain_text("CN¥80,500.00")
    expect(summary_figure(page, "Revenue per yuan of support")).to_have_text("8.05")
    expect(page.get_by_role("img", name="Graduation rate per cohort")).to_be_visible()
    rates = page.get_by_role("table", name="Graduation rate per cohort")
    expect(rates.get_by_role("row", name="Cohort A 8 6 75.0%")).to_be_visible()
    expect(page.get_by_role("img", name="Median change in monthly income per wave")).to_be_visible()
    income = page.get_by_role("table", name="Change in monthly income per wave")
    expect(income.get_by_role("row", name="At graduation 9 CN¥500.00 CN¥522.22 55.6%")).to_be_visible()

    # 2. Only the county of cohort A.
    page.get_by_label("County", exact=True).select_option(COUNTY)
    page.get_by_role("button", name="Show", exact=True).click()
    arrive(page, HEADING)
    expect(page.get_by_label("County", exact=True)).to_have_value(COUNTY)
    expect(summary_figure(page, "Graduates reported on")).to_have_text("5")
    expect(summary_figure(page, "Graduate revenue")).to_contain_text("CN¥69,000.00")
    expect(income.get_by_role("row", name="At graduation 5 CN¥500.00 CN¥640.00 60.0%")).to_be_visible()
    # An even n, shown to the lead but marked: 4 graduates are too few to export.
    marked = "3 months fewer than 5 graduates: not exported 4 CN¥650.00 CN¥725.00 100.0%"
    expect(income.get_by_role("row", name=marked)).to_be_visible()
    expect(rates.get_by_role("row", name="Cohort B 4 3 75.0%")).to_have_count(0)
    screenshot(page, "lead-impact-dashboard.png")

    # 3. The report for outside readers, with the same filter.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("impact-report-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    whole = {(row["Metric key"], row["Wave (months after graduation)"], row["Product or channel"]): row for row in rows}
    assert (whole[("revenue_total", "", "")]["Value"], whole[("revenue_total", "", "")]["n"]) == ("69000.00", "5")
    assert whole[("learners", "", "")]["IRIS+ code"] == "PI4060"
    median = whole[("income_change_median", "3", "")]  # 4 graduates: withheld from outside readers
    assert (median["Value"], median["n"]) == ("fewer than 5", "fewer than 5")
    assert {row["Group"] for row in rows} == {"All graduates", "Cohort A"}

    # 4. The same page on a 360 px phone: its tables scroll, the page does not.
    phone = new_page(PHONE)
    sign_in(phone, LEAD_EMAIL, LEAD_NAME)
    phone.goto(f"/impact?county={COUNTY}")
    arrive(phone, HEADING)
    assert_no_sideways_scroll(phone)
    expect(phone.get_by_role("img", name="Response rate per wave")).to_be_visible()
    screenshot(phone, "lead-impact-dashboard-360.png")
