"""Bulk enrolment from a CSV file: preview with every row's problems, then all rows or none."""

import io
import re
from datetime import timedelta

from sqlalchemy import func, select, update

from lms.accounts.models import PasswordSetupCode, User
from lms.cohorts.imports.kept import run_import
from lms.cohorts.models import Enrollment, EnrollmentStatus, KeptImport
from lms.cohorts.tasks import tend_imports
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.queue import huey
from tests.factories import UserFactory

HEADER_EN = "name,phone,email,county,township,village,gender,birth_year\n"
HEADER_ZH = "姓名,手机号,邮箱,县,乡镇,村,性别,出生年份\n"
GOOD_ROWS = [
    "江金春,13700000001,,横峰县,岑阳镇,葛源村,女,1985",
    "王大山,137 0000 0002,wang@example.org,横峰,岑阳镇,姚家村,男,1979",
    "李小红,+8613700000003,,横峰县,岑阳镇,葛源村,女,1992",
]


def csv_bytes(rows, header=HEADER_EN, encoding="utf-8") -> bytes:
    return (header + "\n".join(rows) + "\n").encode(encoding)


def upload(client, cohort, data: bytes, filename="learners.csv"):
    return client.post(f"/cohorts/{cohort.id}/import", data={"file": (io.BytesIO(data), filename)})


def confirm(client, cohort, page: str):
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(f"/cohorts/{cohort.id}/import/confirm", data={"token": token})


def counts(cohort) -> tuple[int, int]:
    users = db.session.scalar(select(func.count(User.id)))
    enrolled = db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.cohort_id == cohort.id))
    return users, enrolled


def test_preview_then_confirm_enrols_everyone_and_shows_the_codes_once(client, auth, world):
    auth.login(world.lead)
    cohort = world.cohort_a
    before = counts(cohort)
    page = upload(client, cohort, csv_bytes(GOOD_ROWS)).text
    assert db.session.scalars(select(KeptImport.kind)).all() == ["file"]
    assert "3 learners are ready to be added" in page
    assert counts(cohort) == before  # nothing written by the preview
    response = confirm(client, cohort, page)
    assert response.headers["Location"] == f"/cohorts/{cohort.id}/import/result"
    assert counts(cohort) == (before[0] + 3, before[1] + 3)
    learner = db.session.scalar(select(User).where(User.phone == "+8613700000002"))
    assert (learner.name, learner.email, learner.township, learner.village) == (
        "王大山",
        "wang@example.org",
        "岑阳镇",
        "姚家村",
    )
    result = client.get(f"/cohorts/{cohort.id}/import/result").text
    codes = re.findall(r'<td class="code">([A-Z0-9]{4}-[A-Z0-9]{4})</td>', result)
    assert len(codes) == 3
    stored = db.session.scalars(select(PasswordSetupCode.code_hash)).all()
    assert len(stored) == 3
    assert not any(code in hash_ for code in codes for hash_ in stored)
    download = client.get(f"/cohorts/{cohort.id}/import/result.csv")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert all(code in download.text for code in codes)
    assert "王大山" in download.text
    client.post(f"/cohorts/{cohort.id}/import/result/forget")
    assert not any(code in client.get(f"/cohorts/{cohort.id}/import/result").text for code in codes)
    assert client.get(f"/cohorts/{cohort.id}/import/result.csv").status_code == 302
    # The file and the codes are gone from the server.
    assert db.session.scalar(select(func.count(KeptImport.id))) == 0


def test_gbk_and_utf8_with_bom_files_and_chinese_headers_are_read(client, auth, world):
    auth.login(world.lead)
    for encoding, header in (("gbk", HEADER_ZH), ("utf-8-sig", HEADER_ZH), ("gb18030", HEADER_EN)):
        page = upload(client, world.cohort_a, csv_bytes(GOOD_ROWS, header, encoding)).text
        assert "3 learners are ready to be added" in page, encoding
        assert "王大山" in page, encoding


def test_two_bad_rows_among_five_block_everything_until_fixed(client, auth, world):
    auth.login(world.lead)
    cohort = world.cohort_a
    before = counts(cohort)
    rows = [*GOOD_ROWS, "赵六,12345,,横峰县,岑阳镇,葛源村,男,1980", "钱七,13700000005,,于都县,岑阳镇,葛源村,男,1880"]
    page = upload(client, cohort, csv_bytes(rows)).text
    assert "2 lines have problems" in page
    assert "Not a mobile number" in page
    assert "Not this cohort&#39;s county" in page
    assert "birth year must be a year" in page
    assert 'name="token"' not in page  # nothing to confirm
    assert client.post(f"/cohorts/{cohort.id}/import/confirm", data={"token": "x" * 32}).status_code == 302
    assert counts(cohort) == before
    fixed = [
        *GOOD_ROWS,
        "赵六,13700000004,,横峰县,岑阳镇,葛源村,男,1980",
        "钱七,13700000005,,横峰县,岑阳镇,葛源村,男,1980",
    ]
    page = upload(client, cohort, csv_bytes(fixed)).text
    confirm(client, cohort, page)
    assert counts(cohort) == (before[0] + 5, before[1] + 5)


def test_every_kind_of_row_problem_is_named(client, auth, world):
    UserFactory(phone="+8613700000009", email="taken@example.org")
    auth.login(world.lead)
    rows = [
        ",13700000011,,横峰县,,,,",
        "重复,13700000012,,横峰县,,,,",
        "重复二,13700000012,,横峰县,,,,",
        f"已在班,{world.learner_a.phone},,横峰县,,,,",
        "邮箱,13700000013,taken@example.org,横峰县,,,,",
        "坏邮箱,13700000014,not-an-email,横峰县,,,,",
        "性别,13700000015,,横峰县,,,不知道,",
        f"导师,{world.mentor_a.phone},,横峰县,,,,",
    ]
    page = upload(client, world.cohort_a, csv_bytes(rows)).text
    for message in (
        "The name is missing",
        "The same mobile number as line 3",
        "Already in this cohort",
        "This email belongs to another account",
        "Not an email address",
        "Gender must be",
        "belongs to a staff account",
    ):
        assert message in page, message


def test_files_that_cannot_be_read_get_a_clear_message(client, auth, world):
    auth.login(world.lead)
    before = counts(world.cohort_a)
    cases = [
        (b"", "The file is empty"),
        (b"  \n\n", "The file is empty"),
        (HEADER_EN.encode(), "a header but no learners"),
        (b"nom,telephone\nJean,13700000001\n", "unknown columns: nom, telephone"),
        (b"name,phone,county\nA,13700000001,X\n", "missing columns: township, village, gender, birth_year"),
        (b"PK\x03\x04\x14\x00binary", "spreadsheet file, not CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV file"),
        (HEADER_EN.encode("utf-16"), "not a CSV file"),
        (b"\xff\xfe\xfd\x80\x81" * 20, "cannot be read"),
    ]
    for data, message in cases:
        response = upload(client, world.cohort_a, data)
        assert response.status_code == 200, message
        assert message in response.text, message
    assert "Choose a CSV file" in client.post(f"/cohorts/{world.cohort_a.id}/import", data={}).text
    assert counts(world.cohort_a) == before


def test_existing_accounts_are_enrolled_not_duplicated(client, auth, world):
    known = UserFactory(phone="+8613700000001", name="江金春")
    withdrawn = db.session.scalar(select(Enrollment).where(Enrollment.learner_id == world.learner_a.id))
    withdrawn.status = EnrollmentStatus.WITHDRAWN
    db.session.commit()
    auth.login(world.lead)
    rows = [GOOD_ROWS[0], f"回来,{world.learner_a.phone},,横峰县,,,,"]
    page = upload(client, world.cohort_a, csv_bytes(rows)).text
    assert "Has an account" in page
    confirm(client, world.cohort_a, page)
    assert db.session.scalar(select(func.count(User.id)).where(User.phone == known.phone)) == 1
    db.session.refresh(withdrawn)
    assert withdrawn.status == EnrollmentStatus.ACTIVE
    assert db.session.scalar(select(func.count(PasswordSetupCode.id))) == 0
    assert "no setup codes were needed" in client.get(f"/cohorts/{world.cohort_a.id}/import/result").text


def test_a_row_that_became_invalid_before_confirming_aborts_everything(client, auth, world):
    auth.login(world.lead)
    cohort = world.cohort_a
    page = upload(client, cohort, csv_bytes(GOOD_ROWS)).text
    # Meanwhile the third learner's number is used by a staff account.
    UserFactory(phone="+8613700000003", role="mentor", email="m@example.org")
    before = counts(cohort)
    assert confirm(client, cohort, page).headers["Location"] == f"/cohorts/{cohort.id}/import/result"
    result = client.get(f"/cohorts/{cohort.id}/import/result").text
    assert "Nothing was written" in result
    assert "belongs to a staff account" in result
    assert f'href="/cohorts/{cohort.id}/import"' in result  # upload a corrected file
    assert counts(cohort) == before


def test_a_confirmed_import_waits_for_the_queue_runs_once_and_a_lost_job_is_taken_up(client, auth, world, job_queue):
    auth.login(world.lead)
    cohort = world.cohort_a
    page = upload(client, cohort, csv_bytes(GOOD_ROWS)).text
    before = counts(cohort)
    confirm(client, cohort, page)
    assert job_queue.names() == ["run_import_job"]
    # Confirmed twice (a second tap, another node): queued once.
    assert confirm(client, cohort, page).headers["Location"] == f"/cohorts/{cohort.id}/import"
    assert job_queue.names() == ["run_import_job"]
    result = client.get(f"/cohorts/{cohort.id}/import/result").text
    assert "The import is running" in result
    assert f'href="/cohorts/{cohort.id}/import/result">Check again' in result
    assert counts(cohort) == before
    # The worker stopped: after ten minutes the periodic run takes the import up again.
    huey.storage.flush_all()
    assert tend_imports.call_local() == 0
    db.session.execute(update(KeptImport).values(created_at=utcnow() - timedelta(minutes=11)))
    db.session.commit()
    assert tend_imports.call_local() == 1
    assert job_queue.names() == ["run_import_job"]
    token = db.session.scalar(select(KeptImport.token))
    assert job_queue.run() == 1
    assert run_import(token) is None  # a second run of the same import finds nothing to do
    assert counts(cohort) == (before[0] + 3, before[1] + 3)
    assert "3 learners enrolled." in client.get(f"/cohorts/{cohort.id}/import/result").text


def test_a_refusal_is_written_in_the_language_of_the_lead_who_confirmed(client, auth, world, job_queue):
    world.lead.locale = "zh_Hans"
    db.session.commit()
    auth.login(world.lead)
    page = upload(client, world.cohort_a, csv_bytes(GOOD_ROWS)).text
    confirm(client, world.cohort_a, page)
    UserFactory(phone="+8613700000003", role="mentor", email="m@example.org")
    job_queue.run()
    message = db.session.scalar(select(KeptImport.content).where(KeptImport.kind == "refused")).decode()
    assert message.startswith("没有写入任何内容"), message
    assert "工作人员账号" in message


def test_a_full_cohort_refuses_a_file_with_too_many_learners(client, auth, world):
    world.cohort_a.capacity = 3
    db.session.commit()
    auth.login(world.lead)
    page = upload(client, world.cohort_a, csv_bytes(GOOD_ROWS)).text
    assert "The cohort has 2 places left" in page
    assert 'name="token"' not in page


def test_confirm_needs_the_token_of_this_sessions_preview(client, auth, world, app):
    auth.login(world.lead)
    page = upload(client, world.cohort_a, csv_bytes(GOOD_ROWS)).text
    before = counts(world.cohort_a)
    other = app.test_client()
    other.post("/login", data={"login": world.admin.login_name, "password": "correct horse battery"})
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    assert other.post(f"/cohorts/{world.cohort_a.id}/import/confirm", data={"token": token}).status_code == 302
    assert counts(world.cohort_a) == before
    # Another cohort's confirm does not take this preview either.
    client.post(f"/cohorts/{world.cohort_b.id}/import/confirm", data={"token": token})
    assert counts(world.cohort_b)[1] == 1
    # A second upload replaces the first preview.
    upload(client, world.cohort_a, csv_bytes(GOOD_ROWS[:1]))
    assert client.post(f"/cohorts/{world.cohort_a.id}/import/confirm", data={"token": token}).status_code == 302
    assert counts(world.cohort_a) == before


def test_the_template_comes_with_english_or_chinese_headers_and_is_read_back(client, auth, world):
    auth.login(world.lead)
    page = client.get(f"/cohorts/{world.cohort_a.id}/import").text
    assert 'href="/cohorts/import/template.csv?headers=en"' in page
    assert 'href="/cohorts/import/template.csv?headers=zh"' in page
    for headers, expected in (("en", HEADER_EN), ("zh", HEADER_ZH)):
        response = client.get(f"/cohorts/import/template.csv?headers={headers}")
        assert response.headers["Content-Disposition"] == f'attachment; filename="learners-template-{headers}.csv"'
        assert response.get_data().decode("utf-8-sig").replace("\r\n", "\n") == expected
        # Filled in, the template is a file the import reads.
        filled = response.get_data() + GOOD_ROWS[0].encode() + b"\n"
        assert "1 learner is ready to be added" in upload(client, world.cohort_a, filled).text


def test_the_preview_shows_every_column_of_the_file(client, auth, world):
    auth.login(world.lead)
    page = upload(client, world.cohort_a, csv_bytes(GOOD_ROWS)).text
    for heading in ("Name", "Mobile number", "Email", "County", "Township", "Village", "Gender", "Year of birth"):
        assert f">{heading}</th>" in page
    row = page.split('<td class="num">2</td>')[1].split("</tr>")[0]
    for value in ("江金春", "横峰县", "岑阳镇", "葛源村", "女", "1985"):
        assert f">{value}</td>" in row
