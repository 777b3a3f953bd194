"""The follow-up export: one line per follow-up of consenting graduates, exact money, filters, a formula guard, who
may export what, and a data dictionary that names the same columns."""

import csv
import io
from datetime import UTC, date, datetime
from functools import partial

import pytest

from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.outcomes.exports import columns as export_columns
from lms.outcomes.exports import services as export_services
from lms.outcomes.impact.dictionary import REPORT_METRICS
from tests import factories
from tests.factories import CohortFactory, EnrollmentFactory, UserFactory, follow_up

HEADERS = [str(column.header) for column in export_columns.FOLLOW_UP_COLUMNS]

# The export's graduates: consenting, graduated in January 2024, with a baseline filling every column.
graduate = partial(
    factories.graduate,
    graduated_on=date(2024, 1, 15),
    consent=True,
    baseline_fen=120_000,
    gender="female",
    birth_year=1985,
    business_status="offline",
)


def export(client, **args) -> tuple[list[str], list[dict]]:
    """The export's header and its rows as {header: cell}; also checks it is a UTF-8 CSV with a BOM."""
    response = client.get("/follow-ups/export.csv", query_string=args)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    header, rows = lines[0], lines[1:]
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def cell(column_key: str) -> str:
    return str(export_columns.COLUMNS_BY_KEY[column_key].header)


def ids(rows) -> list[int]:
    return [int(row[cell("follow_up_id")]) for row in rows]


# ---- The file ----


def test_the_export_is_utf8_with_a_bom_a_dated_attachment_and_one_line_per_follow_up(client, auth, world):
    world.learner_a.name = "张三丰"
    graduation = graduate(world.cohort_a, world.learner_a)
    first, second = follow_up(graduation, 0), follow_up(graduation, 3)
    auth.login(world.lead)
    response = client.get("/follow-ups/export.csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="follow-ups-{program_today().isoformat()}.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    header, rows = export(client)
    assert header == HEADERS
    assert ids(rows) == [first.id, second.id]
    row = rows[0]
    assert row[cell("learner_name")] == "张三丰"
    assert row[cell("learner_id")] == str(world.learner_a.id)
    assert row[cell("cohort")] == "Cohort A"
    assert row[cell("county")] == "横峰县"
    assert row[cell("poverty_county")] == "no"
    assert row[cell("gender")] == "female"
    assert row[cell("birth_year")] == "1985"
    assert row[cell("household_size")] == "4"
    assert row[cell("currency")] == "CNY"
    assert row[cell("graduated_on")] == "2024-01-15"
    assert (row[cell("period_start")], row[cell("period_end")]) == ("2024-04-01", "2024-04-30")
    assert row[cell("source")] == "self"
    assert (row[cell("verified")], row[cell("verified_on")]) == ("no", "")


def test_money_is_written_as_exact_decimals_from_fen(client, auth, world):
    rich = graduate(world.cohort_a, world.learner_a, baseline_fen=120_000)
    follow_up(rich, 3, income_fen=350_050, revenue_fen=50_000_000_000)
    poorer = graduate(world.cohort_b, world.learner_b, baseline_fen=300_000)
    follow_up(poorer, 3, income_fen=285_001, revenue_fen=1)
    no_baseline = graduate(world.cohort_a, baseline_fen=None)
    follow_up(no_baseline, 3, income_fen=0)
    auth.login(world.lead)
    _header, rows = export(client)
    keys = ("baseline_monthly_income", "monthly_income", "income_change", "revenue")
    money = [tuple(row[cell(key)] for key in keys) for row in rows]
    assert money == [
        ("1200.00", "3500.50", "2300.50", "500000000.00"),
        ("", "0.00", "", "0.00"),
        ("3000.00", "2850.01", "-149.99", "0.01"),  # a fall stays a plain negative number, not a guarded text
    ]


@pytest.mark.parametrize(("fen", "text"), [(0, "0.00"), (1, "0.01"), (-1, "-0.01"), (10**15 + 7, "10000000000000.07")])
def test_fen_text_never_goes_through_a_float(fen, text):
    assert export_columns.fen_text(fen) == text


def test_quantities_channels_and_verification_are_written_as_documented(client, auth, world):
    graduation = graduate(world.cohort_a, world.learner_a)
    verified_at = datetime(2024, 5, 31, 17, 0, tzinfo=UTC)  # 1 June in Shanghai
    follow_up(
        graduation,
        3,
        quantities=[("茶叶", "1000.00", "kg"), ("葛根粉", "200.50", "jin")],
        channels="kuaishou,wechat",
        households_benefiting=200,
        people_employed=3,
        livestreams=12,
        shop_link="https://shop.example.org/tea",
        source="mentor",
        verified_at=verified_at,
        verified_by_id=world.mentor_a.id,
    )
    auth.login(world.lead)
    row = export(client)[1][0]
    assert row[cell("quantities")] == "茶叶 1000 kg; 葛根粉 200.5 jin"
    assert row[cell("channels")] == "kuaishou;wechat"
    assert (row[cell("households_benefiting")], row[cell("people_employed")], row[cell("livestreams")]) == (
        "200",
        "3",
        "12",
    )
    assert row[cell("shop_link")] == "https://shop.example.org/tea"
    assert (row[cell("verified")], row[cell("verified_on")], row[cell("source")]) == ("yes", "2024-06-01", "mentor")


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_kept_as_text(client, auth, world):
    world.learner_a.name = '=HYPERLINK("http://evil.example","click")'
    graduation = graduate(world.cohort_a, world.learner_a, baseline_fen=500_000)
    follow_up(graduation, 3, income_fen=100_000, notes="+86 phone me", quantities=[("@tea", "1", "kg")])
    world.cohort_a.name = "-Cohort A"
    db.session.commit()
    auth.login(world.lead)
    row = export(client)[1][0]
    assert row[cell("learner_name")] == '\'=HYPERLINK("http://evil.example","click")'
    assert row[cell("notes")] == "'+86 phone me"
    assert row[cell("quantities")] == "'@tea 1 kg"
    assert row[cell("cohort")] == "'-Cohort A"
    assert row[cell("income_change")] == "-4000.00"


# ---- Consent, undone graduations ----


def test_graduates_without_consent_are_left_out_and_counted(client, auth, world):
    kept = graduate(world.cohort_a, world.learner_a)
    kept_follow_up = follow_up(kept, 3)
    follow_up(graduate(world.cohort_a, consent=False), 3)  # withdrew
    follow_up(graduate(world.cohort_b, consent=None), 3)  # never decided
    graduate(world.cohort_b, consent=None)  # no follow-up yet: still left out of the figures
    auth.login(world.lead)
    assert ids(export(client)[1]) == [kept_follow_up.id]
    page = client.get("/follow-ups/export").get_data(as_text=True)
    assert "1 follow-up · 1 graduate" in page
    assert "3 graduates left out: no consent to reports." in page
    page = client.get(f"/follow-ups/export?cohort={world.cohort_a.id}").get_data(as_text=True)
    assert "1 graduate left out: no consent to reports." in page


def test_follow_ups_of_an_undone_graduation_are_not_exported(client, auth, world):
    follow_up(graduate(world.cohort_a, world.learner_a, undone=True), 3)
    auth.login(world.lead)
    assert export(client)[1] == []
    assert "0 graduates left out" in client.get("/follow-ups/export").get_data(as_text=True)


# ---- Filters ----


@pytest.fixture
def spread(world):
    """Follow-ups that differ in cohort, county, poverty, gender, channel, graduation date and verification."""
    world.cohort_b.poverty_county = True
    db.session.commit()
    a = graduate(world.cohort_a, world.learner_a, gender="female", graduated_on=date(2024, 1, 15))
    b = graduate(world.cohort_b, world.learner_b, gender="male", graduated_on=date(2024, 6, 30))
    return {
        "a_wechat": follow_up(a, 0, channels="wechat,taobao"),
        "a_verified": follow_up(a, 3, channels="kuaishou", verified_at=datetime(2024, 5, 1, tzinfo=UTC)),
        "b_offline": follow_up(b, 0, channels="offline"),
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ["a_wechat", "a_verified", "b_offline"]),
        ({"county": "于都县"}, ["b_offline"]),
        ({"poverty": "yes"}, ["b_offline"]),
        ({"poverty": "no"}, ["a_wechat", "a_verified"]),
        ({"gender": "male"}, ["b_offline"]),
        ({"channel": "taobao"}, ["a_wechat"]),
        ({"channel": "wechat"}, ["a_wechat"]),
        ({"from": "2024-02-01"}, ["b_offline"]),
        ({"to": "2024-01-15"}, ["a_wechat", "a_verified"]),
        ({"verified": "yes"}, ["a_verified"]),
        ({"gender": "nonsense", "channel": "x", "from": "2024-02-30"}, ["a_wechat", "a_verified", "b_offline"]),
    ],
)
def test_filters_narrow_the_export(client, auth, world, spread, args, expected):
    auth.login(world.lead)
    assert ids(export(client, **args)[1]) == [spread[name].id for name in expected]


def test_the_cohort_filter_and_verified_only(client, auth, world, spread):
    auth.login(world.lead)
    assert ids(export(client, cohort=world.cohort_a.id)[1]) == [spread["a_wechat"].id, spread["a_verified"].id]
    assert ids(export(client, cohort=world.cohort_a.id, verified="yes")[1]) == [spread["a_verified"].id]
    assert ids(export(client, cohort=999999)[1]) == []
    page = client.get("/follow-ups/export?verified=yes&poverty=no").get_data(as_text=True)
    assert "1 follow-up · 1 graduate" in page
    assert 'href="/follow-ups/export.csv?poverty=no&amp;verified=yes"' in page


# ---- Who may export what ----


def test_a_mentor_exports_only_the_cohorts_they_mentor(client, auth, world, spread):
    auth.login(world.mentor_a)
    assert ids(export(client)[1]) == [spread["a_wechat"].id, spread["a_verified"].id]
    assert ids(export(client, cohort=world.cohort_a.id)[1]) == [spread["a_wechat"].id, spread["a_verified"].id]
    assert client.get(f"/follow-ups/export.csv?cohort={world.cohort_b.id}").status_code == 404
    assert client.get(f"/follow-ups/export?cohort={world.cohort_b.id}").status_code == 404
    # Filters that name cohort B's county give nothing rather than cohort B's figures.
    assert ids(export(client, county="于都县")[1]) == []
    page = client.get("/follow-ups/export").get_data(as_text=True)
    assert "Cohort B" not in page
    assert "2 follow-ups · 1 graduate" in page


def test_learners_may_not_export_nor_read_the_dictionary(client, auth, world, spread):
    auth.login(world.learner_a)
    assert client.get("/follow-ups/export.csv").status_code == 403
    assert client.get("/follow-ups/export").status_code == 403
    assert client.get("/outcomes/data-dictionary").status_code == 403


# ---- The data dictionary ----


def test_the_dictionary_names_every_export_column_and_report_metric(client, auth, world):
    auth.login(world.mentor_a)
    page = client.get("/outcomes/data-dictionary").get_data(as_text=True)
    for column in export_columns.FOLLOW_UP_COLUMNS:
        entry = page.split(f'<div id="column-{column.key}">', 1)[1].split("</div>", 1)[0]
        assert f"<dt>{column.header} <code>{column.key}</code></dt>" in entry
        assert f"<dd>{column.meaning}</dd>" in entry
        assert (f"IRIS+ <strong>{column.iris}</strong>" in entry) == bool(column.iris)
    for metric in REPORT_METRICS:
        entry = page.split(f'<div id="metric-{metric.key}">', 1)[1].split("</div>", 1)[0]
        assert f"<dt>{metric.label} <code>{metric.key}</code></dt>" in entry
        assert (f"IRIS+ <strong>{metric.iris}</strong>" in entry) == bool(metric.iris)
    for code in ("PI4060", "PI1726", "PI3687", "PI4548"):
        assert code in page
    assert "fewer than 5 graduates" in page


def test_the_export_header_is_the_dictionary_column_list(client, auth, world):
    graduation = graduate(world.cohort_a, world.learner_a)
    follow_up(graduation, 3)
    auth.login(world.lead)
    header, rows = export(client)
    assert header == HEADERS
    assert len(rows[0]) == len(export_columns.FOLLOW_UP_COLUMNS)
    iris = {column.key: column.iris for column in export_columns.FOLLOW_UP_COLUMNS if column.iris}
    assert iris == {
        "learner_id": "PI4060",
        "poverty_county": "PI1726",
        "household_size": "PI4548",
        "people_employed": "PI3687",
    }


# ---- Queries ----


def make_graduates(cohort, count: int) -> None:
    for _ in range(count):
        graduation = graduate(cohort, EnrollmentFactory(cohort=cohort).learner)
        follow_up(graduation, 0, quantities=[("tea", "1", "kg"), ("honey", "2", "bottle")])
        follow_up(graduation, 3)
    graduate(cohort, consent=False)


def test_the_export_and_its_page_take_a_fixed_number_of_queries(client, auth, world, count_queries):
    auth.login(world.lead)
    counts, graduates = [], 0
    for size in (2, 9):
        make_graduates(world.cohort_a, size)
        graduates += size
        CohortFactory()  # another program's cohort in the filter list
        with count_queries() as csv_queries:
            rows = export(client)[1]
        with count_queries() as page_queries:
            client.get("/follow-ups/export")
        counts.append((len(csv_queries), len(page_queries)))
        assert len(rows) == 2 * graduates
    assert counts[0] == counts[1]
    assert counts[0][0] <= 5  # the user, the size (to queue a large one), the rows, the security event


def test_a_mentors_export_takes_a_fixed_number_of_queries(client, auth, world, count_queries):
    auth.login(world.mentor_a)
    cohort_id = world.cohort_a.id  # read here: reloading the test's cohort is not the export's query
    counts = []
    for size in (1, 6):
        make_graduates(world.cohort_a, size)
        make_graduates(world.cohort_b, size)
        with count_queries() as queries:
            export(client, cohort=cohort_id)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_many_follow_ups_stream_in_batches(app, world, monkeypatch):
    """Rows come from the database in batches; a follow-up's quantities never split across two lines."""
    monkeypatch.setattr(export_services, "EXPORT_BATCH", 2)  # splits each follow-up's three rows
    graduations = [graduate(world.cohort_a, UserFactory()) for _ in range(4)]
    for graduation in graduations:
        follow_up(graduation, 0, quantities=[("tea", "1", "kg"), ("honey", "2", "bottle"), ("jam", "3", "box")])
    with app.test_request_context():
        out = io.StringIO()
        count = export_services.write_follow_ups(out, export_services.ReportFilters(), world.lead)
    assert count == 4
    lines = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert {line[HEADERS.index(cell("quantities"))] for line in lines} == {"tea 1 kg; honey 2 bottle; jam 3 box"}


def test_a_large_selection_is_written_by_a_job_and_downloaded_from_its_page(
    app, client, auth, world, job_queue, monkeypatch
):
    monkeypatch.setitem(app.config, "LMS_QUEUED_EXPORT_ROWS", 1)
    graduation = graduate(world.cohort_a, world.learner_a)
    made = [follow_up(graduation, 0, quantities=[("tea", "1", "kg")]), follow_up(graduation, 3)]
    auth.login(world.lead)
    assert "Prepare the CSV file" in client.get("/follow-ups/export").text
    asked = client.get("/follow-ups/export.csv", query_string={"cohort": world.cohort_a.id})
    assert asked.status_code == 303
    page = asked.headers["Location"]
    # Asked again before it is ready: the same export, one job.
    assert client.get("/follow-ups/export.csv", query_string={"cohort": world.cohort_a.id}).headers["Location"] == page
    waiting = client.get(page)
    assert "being prepared" in waiting.text
    assert "http-equiv" not in waiting.text  # no page that reloads itself: a link to look again
    assert f'href="{page}">Check again</a>' in waiting.text
    assert client.get(page + "/download").status_code == 404
    assert job_queue.run() == 1
    ready = client.get(page)
    assert "http-equiv" not in ready.text
    assert "Your file is ready: 2 lines." in ready.text
    download = client.get(page + "/download")
    assert download.headers["Cache-Control"] == "private, no-store"
    assert f"filename=follow-ups-{program_today().isoformat()}.csv" in download.headers["Content-Disposition"]
    body = download.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert lines[0] == HEADERS
    assert ids(dict(zip(lines[0], line, strict=True)) for line in lines[1:]) == [row.id for row in made]
    # The file holds what its asker may see: nobody else finds it.
    auth.logout()
    auth.login(world.admin)
    assert client.get(page).status_code == 404
    assert client.get(page + "/download").status_code == 404
