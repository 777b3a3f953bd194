"""A learner resumes the starter course on a phone, another opens her certificate, a mentor reads the grid."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta

from playwright.sync_api import Page, expect

from lms.courses.starter import import_course, starter_path
from lms.extensions import db
from lms.progress.certificate_services import issue_course_certificate
from lms.progress.cohort_services import program_today
from lms.progress.services import record_completion
from lms.timeutil import utcnow
from tests.browser.conftest import LAPTOP, PHONE
from tests.factories import (
    TEST_PASSWORD,
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    MentorFactory,
    ModuleFactory,
    ProgramFactory,
    UserFactory,
)

COHORT_NAME = "Hengfeng autumn 2027"
MENTOR_NAME = "Wang Fang"
MENTOR_EMAIL = "wang.fang@example.org"
# Learner 1 has done module 1 and the first lesson of module 2; learner 2 modules 1 and 2 (so she leads the
# grid even after learner 1's fifth lesson) and a small course; learner 3 nothing.
RESUMER = ("Li Chunmei", "13800001111")
AHEAD = ("Zhao Lei", "13800002222")
SILENT = ("陈秀英", "13800003333")
SMALL_COURSE = "Keep a sales book"
SMALL_LESSON = "Write down every sale"
STARTED_DAYS_AGO = 10  # more than LMS_AT_RISK_DAYS (7)
CSV_BOM = b"\xef\xbb\xbf"


@dataclass
class Setup:
    titles: list[str]  # of the starter course's lessons, in course order
    total_lessons: int  # published lessons of every course offered to the cohort
    certificate_code: str


def make_cohort_with_progress() -> Setup:
    """Data that exists before the journey: the cohort, its mentor and learners, their progress, a certificate."""
    program = ProgramFactory(name="Hengfeng county incubator")
    cohort = CohortFactory(
        program=program, name=COHORT_NAME, starts_on=program_today() - timedelta(days=STARTED_DAYS_AGO)
    )
    mentor = MentorFactory(name=MENTOR_NAME, email=MENTOR_EMAIL)
    cohort.mentors.append(mentor)
    joined = utcnow() - timedelta(days=STARTED_DAYS_AGO)
    resumer, ahead, _silent = (
        EnrollmentFactory(
            cohort=cohort, enrolled_at=joined, learner=UserFactory(name=name, phone=f"+86{mobile}")
        ).learner
        for name, mobile in (RESUMER, AHEAD, SILENT)
    )
    starter, _created = import_course(starter_path("en"), program)
    CohortCourseFactory(cohort=cohort, course=starter, required=True)
    db.session.commit()
    lessons = [lesson for module in starter.modules for lesson in module.lessons]

    for lesson in lessons[:4]:
        record_completion(resumer, lesson)
    for lesson in [*starter.modules[0].lessons, *starter.modules[1].lessons]:
        record_completion(ahead, lesson)

    small_lesson = LessonFactory(
        module=ModuleFactory(course=CourseFactory(program=program, title=SMALL_COURSE), title="Your sales book"),
        kind="reading",
        title=SMALL_LESSON,
    )
    small_course = small_lesson.module.course
    CohortCourseFactory(cohort=cohort, course=small_course)
    record_completion(ahead, small_lesson)  # the course's last lesson: the signal issues the certificate
    db.session.commit()
    certificate = issue_course_certificate(ahead, small_course)  # already issued: the same one comes back
    db.session.commit()  # ends the transaction: the server must not wait for this session's lock
    assert certificate is not None
    assert certificate.title == SMALL_COURSE
    return Setup([lesson.title for lesson in lessons], len(lessons) + 1, certificate.code)


# Steps


def sign_in(page: Page, login: str, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Mobile number or email").fill(login)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")


def go_home(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")


def section(page: Page, heading: str):
    """The part of the page under an h2 heading."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def assert_no_sideways_scroll(page: Page, width: int = PHONE[0]) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width} px ({scroll_width} px wide)"


def expect_continue(page: Page, title: str):
    """The home page's "Continue where you left off" points to the lesson ``title``; returns the button."""
    resume = section(page, "Continue where you left off")
    expect(resume).to_be_visible()
    button = resume.get_by_role("link", name=f"Continue: {title}", exact=True)
    expect(button).to_be_visible()
    return button


def grid_names(page: Page) -> list[str]:
    return page.locator("table tbody").get_by_role("rowheader").all_inner_texts()


def test_learner_resumes_on_a_phone_and_the_mentor_reads_the_grid(new_page, screenshot):
    setup = make_cohort_with_progress()
    fifth, sixth = setup.titles[4], setup.titles[5]
    starter_total = len(setup.titles)

    # Learner 1 picks up where she left off, on a 360 px phone.
    phone = new_page(PHONE)
    sign_in(phone, RESUMER[1], RESUMER[0])
    expect(phone.get_by_text(f"4 of {starter_total} lessons done")).to_be_visible()
    continue_button = expect_continue(phone, fifth)
    assert_no_sideways_scroll(phone)
    screenshot(phone, "learner-home-360.png")

    continue_button.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(fifth)
    expect(phone.get_by_text(re.compile(r"^(Reading|Video) · "))).to_be_visible()  # "Mark as done" is for these
    assert_no_sideways_scroll(phone)
    screenshot(phone, "learner-resume-lesson-360.png")
    phone.get_by_role("button", name="Mark as done").click()
    expect(phone.get_by_role("status").filter(has_text=f"“{fifth}” is done.")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_have_text(sixth)
    assert_no_sideways_scroll(phone)

    go_home(phone, RESUMER[0])
    expect_continue(phone, sixth)
    expect(phone.get_by_text(f"5 of {starter_total} lessons done")).to_be_visible()
    assert_no_sideways_scroll(phone)

    # Learner 2 opens her certificate on her phone; anybody can check it without signing in.
    phone = new_page(PHONE)
    sign_in(phone, AHEAD[1], AHEAD[0])
    expect_continue(phone, setup.titles[7])
    certificates = section(phone, "Your certificates")
    assert_no_sideways_scroll(phone)
    certificates.get_by_role("link", name=SMALL_COURSE, exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Certificate of course completion")
    certificate = phone.get_by_role("article")
    expect(certificate.get_by_text(AHEAD[0], exact=True)).to_be_visible()
    expect(certificate.get_by_text(SMALL_COURSE, exact=True)).to_be_visible()
    qr = certificate.get_by_role("img", name="QR code of the verification page")
    expect(qr.locator("svg")).to_be_visible()
    verify_link = certificate.get_by_role("link", name=f"/verify/{setup.certificate_code}")
    verify_url = verify_link.get_attribute("href")
    assert verify_url.endswith(f"/verify/{setup.certificate_code}")
    assert_no_sideways_scroll(phone)
    screenshot(phone, "certificate-360.png")

    visitor = new_page(PHONE)
    visitor.goto(verify_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Valid certificate")
    expect(visitor.get_by_text("This certificate is valid.")).to_be_visible()
    expect(visitor.get_by_role("definition").filter(has_text=AHEAD[0])).to_be_visible()
    expect(visitor.get_by_role("definition").filter(has_text=SMALL_COURSE)).to_be_visible()
    expect(visitor.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_no_sideways_scroll(visitor)
    screenshot(visitor, "verify-360.png")

    # The mentor reads the cohort's grid on a laptop.
    laptop = new_page(LAPTOP)
    sign_in(laptop, MENTOR_EMAIL, MENTOR_NAME)
    cohorts = laptop.get_by_role("listitem").filter(has_text=COHORT_NAME)
    expect(cohorts.get_by_role("link", name="1 learner at risk")).to_be_visible()
    cohorts.get_by_role("link", name="Progress", exact=True).click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(f"Progress: {COHORT_NAME}")
    assert sorted(grid_names(laptop)) == sorted([RESUMER[0], AHEAD[0], SILENT[0]])
    resumer_percent = 5 * 100 // setup.total_lessons
    expect(laptop.get_by_role("row", name=RESUMER[0])).to_contain_text(f"{resumer_percent}%")
    expect(laptop.get_by_role("row", name=SILENT[0])).to_contain_text("0%")
    laptop.get_by_role("columnheader").get_by_role("link", name="Total").click()
    expect(laptop.get_by_role("columnheader").get_by_role("link", name="Total ↓")).to_be_visible()
    assert grid_names(laptop) == [AHEAD[0], RESUMER[0], SILENT[0]]
    assert_no_sideways_scroll(laptop, LAPTOP[0])
    screenshot(laptop, "mentor-grid.png")

    export = laptop.get_by_role("link", name="Export CSV")
    with laptop.expect_download() as download_info:
        export.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    data = download.path().read_bytes()
    assert data.startswith(CSV_BOM), "the CSV has no UTF-8 BOM: spreadsheets would garble Chinese names"
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert header[:2] == ["Name", "Mobile number"]
    assert header[-2:] == ["Total %", "Last activity"]
    assert [row[0] for row in rows] == [AHEAD[0], RESUMER[0], SILENT[0]]  # in the grid's order
    assert rows[1][-2] == str(resumer_percent)

    laptop.get_by_role("navigation", name="Cohort").get_by_role("link", name="At risk").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(f"Learners at risk: {COHORT_NAME}")
    listed = laptop.get_by_role("heading", level=2)
    expect(listed).to_have_text([SILENT[0]])
    silent_card = laptop.locator("section").filter(has=laptop.get_by_role("heading", name=SILENT[0]))
    expect(silent_card.get_by_text("No activity yet")).to_be_visible()
    expect(silent_card.get_by_role("link", name=f"Call +86{SILENT[1]}")).to_be_visible()
