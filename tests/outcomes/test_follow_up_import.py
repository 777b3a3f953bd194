"""Importing follow-ups from CSV: every row's problems in a preview, then all rows or none, audited."""

import io
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import func, select

from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.spreadsheets import template_header
from lms.outcomes.follow_ups.rules import wave_due_on
from lms.outcomes.imports import parsing as import_parsing
from lms.outcomes.imports import services as import_services
from lms.outcomes.models import AuditEntry, FollowUp, FollowUpQuantity, ReportingConsent
from tests import factories
from tests.factories import EnrollmentFactory, MentorFactory, follow_up

HEADER = "phone,wave,period_start,period_end,monthly_income,revenue,product,quantity,unit,channels,verified,notes\n"
CHINESE_HEADER = "手机号,回访期(月),开始日期,结束日期,月收入,销售额,产品,数量,单位,销售渠道,带动户数,雇用人数,已核实\n"

# The imported files' graduates: consenting, graduated in January 2024.
graduate = partial(factories.graduate, graduated_on=date(2024, 1, 15), consent=True, household_size=3)


def local(phone: str) -> str:
    """A stored +86 number as people type it: 139 0000 0001."""
    return phone.removeprefix("+86")


def line(learner, wave="3", *, start="2024-04-01", end="2024-04-30", income="3500.50", revenue="12000",
         product="茶叶", quantity="1000", unit="kg", channels="kuaishou", verified="no", notes="") -> str:  # fmt: skip
    """One CSV line in HEADER's column order."""
    cells = (start, end, income, revenue, product, quantity, unit, channels, verified, notes)
    return ",".join((local(learner.phone), wave, *cells)) + "\n"


def upload(client, content: bytes | str, name="follow-ups.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/follow-ups/import", data={"file": (io.BytesIO(data), name)})


def confirm(client, unusual_checked=False):
    with client.session_transaction() as session:
        token = session.get("follow_up_import")
    data = {"token": token or ""}
    if unusual_checked:
        data["unusual_checked"] = "y"
    return client.post("/follow-ups/import/confirm", data=data)


def follow_up_count() -> int:
    return db.session.scalar(select(func.count()).select_from(FollowUp))


@pytest.fixture
def graduates(world):
    return graduate(world.cohort_a, world.learner_a), graduate(world.cohort_b, world.learner_b)


# ---- A good file ----


def test_a_good_file_is_previewed_then_imported_whole_and_audited(client, auth, world, graduates):
    auth.login(world.lead)
    content = (
        HEADER
        + line(world.learner_a, "0", product="茶叶;葛根粉", quantity="1000;200.5", unit="kg;斤", channels="快手、淘宝")
        + line(world.learner_a, "3", verified="yes", notes="From the paper survey")
        + line(world.learner_b, "6", income='"2,800"', revenue="", product="", quantity="", unit="", channels="")
    )
    response = upload(client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 follow-ups are ready to be imported." in page
    assert follow_up_count() == 0  # nothing until the lead confirms
    response = confirm(client)
    assert response.status_code == 302
    assert follow_up_count() == 3
    assert "3 follow-ups imported." in client.get(response.headers["Location"]).get_data(as_text=True)

    records = db.session.scalars(select(FollowUp).order_by(FollowUp.id)).all()
    first, second, third = records
    assert (first.graduation_id, first.learner_id, first.wave_months) == (graduates[0].id, world.learner_a.id, 0)
    assert (first.period_start, first.period_end) == (date(2024, 4, 1), date(2024, 4, 30))
    assert (first.monthly_income_fen, first.revenue_fen) == (350_050, 1_200_000)
    assert first.channels == "kuaishou,taobao"
    quantities = [(q.product, q.quantity, q.unit) for q in first.quantities]
    assert quantities == [("茶叶", 1000, "kg"), ("葛根粉", Decimal("200.5"), "jin")]
    assert all(record.source == "import" and record.recorded_by_id == world.lead.id for record in records)
    assert (first.verified_at, first.verified_by_id) == (None, None)
    assert second.verified_at is not None
    assert second.verified_by_id == world.lead.id
    assert second.notes == "From the paper survey"
    assert (third.monthly_income_fen, third.revenue_fen, third.channels, third.quantities) == (280_000, 0, "", [])

    audit = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(entry.entity, entry.entity_id, entry.action, entry.actor_id) for entry in audit] == [
        ("follow-up", record.id, "create", world.lead.id) for record in records
    ]
    assert audit[0].learner_id == world.learner_a.id
    assert audit[0].changes["monthly_income_fen"] == [None, 350_050]
    assert audit[0].changes["quantities"] == [None, "茶叶 1000 kg; 葛根粉 200.5 jin"]
    assert audit[0].changes["source"] == [None, "import"]


def test_chinese_headers_in_a_gbk_file(client, auth, world, graduates):
    auth.login(world.lead)
    phone = local(world.learner_a.phone)
    cells = [
        phone,
        "3个月",
        "2024/4/1",
        "2024年4月30日",
        '"￥3,500.50"',
        "0",
        "茶叶",
        "10",
        "箱",
        "微信、线下集市",
        "200",
        "3",
        "是",
    ]
    content = CHINESE_HEADER + ",".join(cells) + "\n"
    response = upload(client, content.encode("gbk"))
    assert "1 follow-up is ready to be imported." in response.get_data(as_text=True)
    assert confirm(client).status_code == 302
    record = db.session.scalar(select(FollowUp))
    assert (record.wave_months, record.monthly_income_fen, record.channels) == (3, 350_050, "wechat,offline")
    assert (record.households_benefiting, record.people_employed, record.verified) == (200, 3, True)
    assert (record.period_start, record.period_end) == (date(2024, 4, 1), date(2024, 4, 30))
    assert [(q.product, q.unit) for q in record.quantities] == [("茶叶", "box")]


def test_a_utf8_file_with_a_bom_and_full_width_header_brackets(client, auth, world, graduates):
    auth.login(world.lead)
    phone = local(world.learner_a.phone)
    content = "手机号,回访期（月）,开始日期,结束日期,月收入\n" + f"{phone},0,2024-01-01,2024-01-31,1800\n"
    response = upload(client, content.encode("utf-8-sig"))
    assert "1 follow-up is ready to be imported." in response.get_data(as_text=True)
    assert confirm(client).status_code == 302
    assert db.session.scalar(select(FollowUp.monthly_income_fen)) == 180_000


# ---- Every kind of problem, each shown on its line ----


def bad_line(world, **changes) -> str:
    return line(world.learner_a, **changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"income": "-100"}, "Monthly income: The number cannot be negative."),
        ({"revenue": "-0.5"}, "Revenue: The number cannot be negative."),
        ({"income": "about 3000"}, "Monthly income: “about 3000” is not a number. Type digits, for example 8.2 or 3,5"),
        ({"income": ""}, "Monthly income is missing."),
        ({"revenue": "1e5"}, "Revenue: “1e5” is not a number. Type digits, for example 8.2 or 3,500."),
        ({"income": "3500.505"}, "Monthly income: Use at most 2 decimal places, for example 12.5."),
        ({"income": "3万"}, "Monthly income: Type “3万” in digits only, for example 30000."),
        ({"revenue": '"1,2345"'}, "Revenue: “1,2345” can be read two ways."),
        ({"quantity": "lots"}, "Quantity: “lots” is not a number. Type digits, for example 8.2 or 3,500."),
        ({"quantity": "-3"}, "Quantity: The number cannot be negative."),
        ({"start": "2024-02-30"}, "Period start is not a date; write it as 2027-06-30."),
        ({"end": "next week"}, "Period end is not a date; write it as 2027-06-30."),
        ({"start": ""}, "Period start is missing."),
        ({"start": "2024-05-01", "end": "2024-04-01"}, "The period ends before it starts."),
        ({"unit": "ton"}, "Unknown unit ton: use kg (公斤), jin (斤), piece (件), box (箱) or bottle (瓶)."),
        ({"quantity": "1;2"}, "Give a quantity and a unit for each product (several separated by ;)."),
        ({"channels": "快手;闲鱼"}, "Unknown sales channel: 闲鱼."),
        ({"verified": "maybe"}, "Verified must be yes or no (是 or 否)."),
        ({"wave": "three"}, "The wave must be a whole number of months after graduation, such as 3."),
        ({"wave": "4"}, "The program has no follow-up 4 months after graduation (its waves: 0, 3, 6, 12)."),
        ({"notes": "x" * 5001}, "The notes are longer than 5000 characters."),
    ],
)
def test_each_problem_is_named_on_its_line_and_nothing_is_imported(client, auth, world, graduates, changes, message):
    auth.login(world.lead)
    content = HEADER + line(world.learner_b, "0") + bad_line(world, **changes)
    page = upload(client, content).get_data(as_text=True)
    assert "1 line has problems." in page
    assert message in page
    assert "Import these follow-ups" not in page
    assert confirm(client).status_code == 302  # no preview waiting: nothing to confirm
    assert follow_up_count() == 0


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "shop.example.org", "https://", "https://exa mple.org", "https://x.org/" + "a" * 500],
)
def test_a_shop_link_must_be_a_web_address(client, auth, world, graduates, link):
    auth.login(world.lead)
    content = "phone,wave,period_start,period_end,monthly_income,shop_link\n"
    content += f"{local(world.learner_a.phone)},3,2024-04-01,2024-04-30,100,{link}\n"
    page = upload(client, content).get_data(as_text=True)
    assert "The shop link must be a web address starting with http:// or https://." in page


def test_counts_must_be_whole_numbers_that_are_not_negative(client, auth, world, graduates):
    auth.login(world.lead)
    content = "phone,wave,period_start,period_end,monthly_income,households,employed,livestreams\n"
    content += f"{local(world.learner_a.phone)},3,2024-04-01,2024-04-30,100,2.5,-1,many\n"
    page = upload(client, content).get_data(as_text=True)
    assert "Households benefiting: Enter a whole number, such as 4." in page
    assert "People employed: The number cannot be negative." in page
    assert "Livestreams: “many” is not a number. Type digits, for example 4 or 1,200." in page


def test_a_period_that_ends_in_the_future_is_refused(client, auth, world, graduates):
    auth.login(world.lead)
    tomorrow = (program_today() + timedelta(days=1)).isoformat()
    page = upload(client, HEADER + line(world.learner_a, end=tomorrow)).get_data(as_text=True)
    assert "The period cannot end in the future." in page


def test_people_who_cannot_have_this_follow_up(client, auth, world, graduates):
    never = EnrollmentFactory(cohort=world.cohort_a).learner
    undone = graduate(world.cohort_a, undone=True)
    recent = graduate(world.cohort_a, graduated_on=program_today() - timedelta(days=10))
    auth.login(world.admin)  # an admin finds staff accounts too; a lead, only her programs' learners
    content = (
        HEADER
        + "13012345678,3,2024-04-01,2024-04-30,100,,,,,,,\n"
        + "12345,3,2024-04-01,2024-04-30,100,,,,,,,\n"
        + line(never)
        + line(undone.learner)
        + line(recent.learner, start="2020-01-01", end="2020-01-31")
        + line(world.mentor_a)
    )
    page = upload(client, content).get_data(as_text=True)
    due = wave_due_on(recent.graduated_on, 3).isoformat()
    assert "No learner of the programs you run has this mobile number." in page
    assert "Not a mobile number." in page
    assert page.count("This learner has not graduated (or the graduation was undone).") == 2
    assert "This follow-up is not due until " + due in page
    assert "This mobile number belongs to a staff account." in page
    assert "6 lines have problems." in page


def test_a_follow_up_already_recorded_or_twice_in_the_file(client, auth, world, graduates):
    follow_up(graduates[0], 3, income_fen=100)
    auth.login(world.lead)
    content = HEADER + line(world.learner_a, "3") + line(world.learner_b, "6") + line(world.learner_b, "6")
    page = upload(client, content).get_data(as_text=True)
    assert "A follow-up for this wave is already recorded." in page
    assert "The same graduate and wave as line 3." in page
    assert "2 lines have problems." in page
    assert follow_up_count() == 1


# ---- Files that cannot be read ----


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04\x14\x00\x06\x00rest of a zip", "This is a spreadsheet file, not CSV."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "This is a spreadsheet file, not CSV."),
        (HEADER.encode(), "The file has a header but no follow-ups."),
        (b"name,phone\n", "unknown columns: name"),
        (b"phone,wave,period_start\n", "missing columns: period_end, monthly_income"),
        (b"phone,wave,period_start,period_end,monthly_income,phone\n", "columns given twice: phone"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_message(client, auth, world, graduates, content, message):
    auth.login(world.lead)
    response = upload(client, content)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_a_file_mixing_utf8_and_gbk_lines_is_refused_naming_them(client, auth, world, graduates):
    auth.login(world.lead)
    utf8 = (CHINESE_HEADER + line(world.learner_a, "0", product="茶叶")).encode("utf-8")
    gbk = line(world.learner_b, "3", product="葛根粉", notes="纸质问卷").encode("gbk")
    page = upload(client, utf8 + gbk + line(world.learner_b, "6", product="蜂蜜").encode()).get_data(as_text=True)
    assert "The file mixes two character encodings: lines 1, 2, 4 are UTF-8, lines 3 are not" in page
    assert follow_up_count() == 0


def test_a_gbk_line_that_also_reads_as_utf8_does_not_make_the_file_mixed(client, auth, world, graduates):
    """瓶 in GBK is two bytes that are valid UTF-8 too (ƿ): the file is still plain GBK."""
    auth.login(world.lead)
    header = "手机号,回访期(月),开始日期,结束日期,月收入,销售额,产品,数量,单位,销售渠道,已核实,备注\n"  # HEADER's order
    content = header + line(world.learner_a, "0", product="honey", unit="瓶", channels="")
    assert "1 follow-up is ready to be imported." in upload(client, content.encode("gbk")).get_data(as_text=True)
    assert confirm(client).status_code == 302
    assert db.session.scalar(select(FollowUpQuantity.unit)) == "bottle"


def test_a_file_in_neither_utf8_nor_gbk_is_refused(client, auth, world, graduates):
    auth.login(world.lead)
    page = upload(client, HEADER.encode() + b"\xff\xfe\xff\n").get_data(as_text=True)
    assert "The file&#39;s characters cannot be read. Save it as CSV in UTF-8 or GBK." in page


def test_a_file_too_large_is_refused(client, auth, world, monkeypatch):
    monkeypatch.setattr(import_parsing, "MAX_ROWS", 2)
    auth.login(world.lead)
    content = HEADER + line(world.learner_a, "0") * 3
    assert "at most 2 follow-ups at once" in upload(client, content).get_data(as_text=True)


# ---- All or nothing ----


def test_one_bad_line_imports_nothing_and_the_fixed_file_imports_all(client, auth, world, graduates):
    auth.login(world.lead)
    good = line(world.learner_a, "0") + line(world.learner_b, "0")
    page = upload(client, HEADER + good + line(world.learner_a, "3", income="-5")).get_data(as_text=True)
    assert "Nothing has been imported." in page
    assert confirm(client).status_code == 302
    assert follow_up_count() == 0
    upload(client, HEADER + good + line(world.learner_a, "3", income="5"))
    assert confirm(client).status_code == 302
    assert follow_up_count() == 3


def test_a_follow_up_recorded_between_preview_and_confirm_stops_the_whole_import(client, auth, world, graduates):
    auth.login(world.lead)
    upload(client, HEADER + line(world.learner_a, "0") + line(world.learner_b, "3"))
    follow_up(graduates[1], 3, income_fen=100)
    assert confirm(client).headers["Location"] == "/follow-ups/import/result"
    page = client.get("/follow-ups/import/result").get_data(as_text=True)
    assert "Nothing was imported: the file no longer passes the checks (line 3: A follow-up" in page
    assert 'href="/follow-ups/import">Upload a file' in page
    assert follow_up_count() == 1
    assert confirm(client).headers["Location"] == "/follow-ups/import"  # the refused file is forgotten
    assert follow_up_count() == 1


def test_when_the_database_refuses_a_row_everything_is_rolled_back(client, auth, world, graduates, monkeypatch):
    """A race the preview cannot see (two imports at once): the one-per-wave constraint refuses, nothing stays."""
    follow_up(graduates[1], 3, income_fen=100)
    monkeypatch.setattr(import_services, "recorded_waves", lambda graduation_ids: set())
    auth.login(world.lead)
    upload(client, HEADER + line(world.learner_a, "0") + line(world.learner_b, "3"))
    confirm(client)
    page = client.get("/follow-ups/import/result").get_data(as_text=True)
    assert "Nothing was imported: a follow-up of this file was recorded meanwhile." in page
    assert follow_up_count() == 1
    assert db.session.scalar(select(func.count()).select_from(FollowUpQuantity)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


# ---- Unusual figures ----


def test_an_unusual_income_needs_the_lead_to_tick_that_they_checked_it(client, auth, world, graduates):
    auth.login(world.lead)
    # The baseline is 2,000 yuan a month: 20,000 is ten times as much.
    page = upload(client, HEADER + line(world.learner_a, "0", income="20000") + line(world.learner_b, "0"))
    page = page.get_data(as_text=True)
    assert "1 line has an unusual income" in page
    assert "20,000.00 a month, against " in page
    assert "2,000.00 at intake. Check this figure." in page
    assert "I have checked the unusual figures" in page
    response = confirm(client)
    assert response.status_code == 200  # the preview again, the box to tick named
    assert "Tick that you have checked the unusual figures." in response.get_data(as_text=True)
    assert follow_up_count() == 0
    assert confirm(client, unusual_checked=True).headers["Location"] == "/follow-ups/import/result"
    assert "2 follow-ups imported." in client.get("/follow-ups/import/result").get_data(as_text=True)
    unusual = db.session.scalars(select(FollowUp.unusual_confirmed).order_by(FollowUp.id)).all()
    assert unusual == [True, False]


def test_a_graduate_without_consent_is_imported_with_a_note(client, auth, world, graduates):
    db.session.scalar(select(ReportingConsent).where(ReportingConsent.learner_id == world.learner_a.id)).granted = False
    db.session.commit()
    auth.login(world.lead)
    page = upload(client, HEADER + line(world.learner_a, "0")).get_data(as_text=True)
    assert "No consent to reports: the follow-up is kept but left out of reports and exports." in page
    assert confirm(client).status_code == 302
    assert follow_up_count() == 1


# ---- Template, permissions, queries ----


def test_the_template_is_a_utf8_csv_with_a_bom_and_every_column(client, auth, world):
    auth.login(world.lead)
    response = client.get("/follow-ups/import/template.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="follow-ups-template.csv"'
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").strip().split(",") == [names[0] for names in import_parsing.COLUMNS.values()]
    assert template_header(import_parsing.COLUMNS, chinese=True)[:2] == ["手机号", "回访期(月)"]
    page = client.get("/follow-ups/import").get_data(as_text=True)
    assert "<code>monthly_income</code>" in page
    assert "月收入" in page


def test_mentors_and_learners_may_not_import(client, auth, world, graduates):
    for person in (world.mentor_a, world.learner_a):
        auth.login(person)
        assert upload(client, HEADER + line(world.learner_a, "0")).status_code == 403
        assert client.post("/follow-ups/import/confirm", data={"token": "x"}).status_code == 403
        auth.logout()
    assert follow_up_count() == 0


def test_a_token_from_another_session_confirms_nothing(client, auth, world, graduates, app):
    auth.login(world.lead)
    upload(client, HEADER + line(world.learner_a, "0"))
    with client.session_transaction() as session:
        token = session["follow_up_import"]
    other = app.test_client()
    other.post("/login", data={"login": world.admin.login_name, "password": "correct horse battery"})
    response = other.post("/follow-ups/import/confirm", data={"token": token})
    assert response.status_code == 302
    assert follow_up_count() == 0


def test_the_preview_takes_a_fixed_number_of_queries(client, auth, world, count_queries):
    auth.login(world.lead)
    counts = []
    for size in (2, 12):
        learners = [graduate(world.cohort_a).learner for _ in range(size)]
        content = HEADER + "".join(line(learner, "0") for learner in learners)
        with count_queries() as queries:
            page = upload(client, content).get_data(as_text=True)
        assert f"{size} follow-ups are ready to be imported." in page
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_service_previews_without_a_request(app, world, graduates):
    with app.test_request_context():
        preview = import_services.preview_follow_up_import((HEADER + line(world.learner_a, "12")).encode(), world.lead)
    assert preview.ok
    assert preview.rows[0].graduation.id == graduates[0].id
    assert preview.rows[0].fields["monthly_income_fen"] == 350_050


def test_a_mentor_account_number_is_not_a_graduate(app, world):
    mentor = MentorFactory(phone="+8613912345678")
    with app.test_request_context():
        preview = import_services.preview_follow_up_import((HEADER + line(mentor, "0")).encode(), world.admin)
    assert preview.rows[0].errors == ["This mobile number belongs to a staff account."]


def test_a_lead_of_another_program_finds_none_of_its_graduates(client, auth, world, graduates):
    """Her upload names this program's graduates: each reads as unknown, and confirming writes nothing."""
    auth.login(world.other_lead)
    content = HEADER + line(world.learner_a, "3") + line(world.learner_b, "3")
    page = upload(client, content).get_data(as_text=True)
    assert page.count("No learner of the programs you run has this mobile number.") == 2
    with client.application.test_request_context(), pytest.raises(import_services.ImportRefusedError):
        import_services.confirm_follow_up_import(content.encode(), world.other_lead, False)
    assert db.session.scalars(select(FollowUp)).all() == []
