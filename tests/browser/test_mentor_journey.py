"""A mentor's journey on a laptop, in English: the review queue, a revision then an acceptance, a check-in,
the cohort's progress grid and its learners at risk.

The learner hands in her work on a phone first, through the browser too. Each part of the journey is a
function; the test calls them in order.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.models import AnnouncementRead, CheckIn
from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.learning.models.submission import Review, Submission, SubmissionVersion
from lms.learning.services.completions import record_completion
from lms.notifications.models import Notification
from tests.browser.conftest import LAPTOP, PHONE
from tests.browser.steps import (
    SIGN_IN_ZH,
    arrive,
    assert_no_sideways_scroll,
    expect_message,
    expect_unread,
    fill_review,
    main_nav,
    make_png,
    open_from_queue,
    open_notification,
    section,
    send_review,
    sign_in,
    thread_item,
)
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    MentorFactory,
    ModuleFactory,
    ProgramFactory,
    RubricCriterionFactory,
    UserFactory,
)

COHORT = "Hengfeng autumn 2027"
MENTOR_NAME, MENTOR_EMAIL = "Wang Fang", "wang.fang@example.org"
# Li Chunmei has read one lesson and hands in work; Zhao Lei has read all three; 陈秀英 has done nothing
# since the cohort started.
SUBMITTER = ("Li Chunmei", "13800001111")
AHEAD = ("Zhao Lei", "13800002222")
SILENT = ("陈秀英", "13800003333")
STARTED_DAYS_AGO = 10  # more than LMS_AT_RISK_DAYS (7)
COURSE = "Sell tea with short videos"
READINGS = ["Know your tea", "Find your buyers", "Price your tea"]
ASSIGNMENT = "Photograph your tea"
INSTRUCTIONS = "Take a photo of your tea in soft light and describe what makes it special."
FRAME, STORY = "The tea fills the frame", "The text tells where the tea grows"
FIRST_TEXT = "My tea grows on the hills above our village."
SECOND_TEXT = "My tea grows on misty hills at 800 m; we pick it by hand each April."
REVISION_FEEDBACK = "A good photo. Tell buyers more: how high the hills are and when you pick."
ACCEPT_FEEDBACK = "Now buyers can picture your hills. Well done!"
CHECK_IN_NOTES = "Her son's wedding kept her busy; she will film her tea garden this week."
CSV_BOM = b"\xef\xbb\xbf"


ANNOUNCEMENT = ("Livestream practice on Saturday", "Bring your tea and a charged phone; we meet at 8 pm.")


@dataclass
class World:
    mentor_id: int
    submitter_id: int
    silent_id: int
    lesson_count: int
    cohort_id: int


def make_world() -> World:
    """Before the first page: the cohort, its mentor and three learners, a course offered to it, some progress."""
    program = ProgramFactory(name="Hengfeng county incubator")
    cohort = CohortFactory(program=program, name=COHORT, starts_on=program_today() - timedelta(days=STARTED_DAYS_AGO))
    mentor = MentorFactory(name=MENTOR_NAME, email=MENTOR_EMAIL)
    cohort.mentors.append(mentor)
    joined = utcnow() - timedelta(days=STARTED_DAYS_AGO)
    submitter, ahead, silent = (
        EnrollmentFactory(
            cohort=cohort, enrolled_at=joined, learner=UserFactory(name=name, phone=f"+86{mobile}")
        ).learner
        for name, mobile in (SUBMITTER, AHEAD, SILENT)
    )
    course = CourseFactory(program=program, title=COURSE)
    module = ModuleFactory(course=course, title="Show your tea")
    readings = [LessonFactory(module=module, kind="reading", title=title) for title in READINGS]
    assignment = LessonFactory(
        module=module, kind="assignment", title=ASSIGNMENT, body=INSTRUCTIONS, accepts="text,photo", due_days=14
    )
    RubricCriterionFactory(lesson=assignment, criterion=FRAME, points=4, position=0)
    RubricCriterionFactory(lesson=assignment, criterion=STORY, points=6, position=1)
    CohortCourseFactory(cohort=cohort, course=course)
    db.session.commit()
    record_completion(submitter, readings[0])
    for lesson in readings:
        record_completion(ahead, lesson)
    db.session.commit()  # ends the transaction: the server must not wait for this session's lock
    return World(mentor.id, submitter.id, silent.id, len(readings) + 1, cohort.id)


# The learner's steps, on her phone


def learner_hands_in_work(page: Page, photo: Path) -> None:
    sign_in(page, SUBMITTER[1], SUBMITTER[0])
    main_nav(page).get_by_role("link", name="Courses").click()
    arrive(page, "Courses")
    page.get_by_role("link", name=COURSE).click()
    arrive(page, COURSE)
    page.get_by_role("link", name=ASSIGNMENT, exact=True).click()
    arrive(page, ASSIGNMENT)
    page.get_by_role("link", name="Hand in your work, see your mentor's feedback").click()
    arrive(page, f"Your work: {ASSIGNMENT}")
    page.get_by_label("Your answer").fill(FIRST_TEXT)
    page.get_by_label("Photos").set_input_files(photo)
    page.get_by_role("button", name="Hand in", exact=True).click()
    arrive(page, f"Your work: {ASSIGNMENT}")
    expect_message(page, "Your work is handed in. Your mentor will review it.")
    assert_no_sideways_scroll(page)


def learner_hands_in_new_version(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    arrive(page, f"Hello, {SUBMITTER[0]}")
    expect_unread(page, 1)
    open_notification(
        page, f"Revision requested on “{ASSIGNMENT}”: read the feedback from {MENTOR_NAME} and submit again."
    )
    arrive(page, f"Your work: {ASSIGNMENT}")
    page.get_by_label("Your answer").fill(SECOND_TEXT)
    expect(page.get_by_label("Keep the files I sent last time")).to_be_checked()
    page.get_by_role("button", name="Hand in", exact=True).click()
    arrive(page, f"Your work: {ASSIGNMENT}")
    expect_message(page, "Your work is handed in. Your mentor will review it.")


# The mentor's steps, on her laptop


def sign_in_and_switch_to_english(page: Page) -> None:
    """Her browser asks for Chinese; she reads English, and the header's language button remembers it."""
    sign_in(page, MENTOR_EMAIL, MENTOR_NAME, SIGN_IN_ZH)
    page.get_by_role("banner").get_by_role("button", name="English").click()
    arrive(page, f"Hello, {MENTOR_NAME}")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def expect_photo_served(page: Page, version_label: str, photo: Path) -> None:
    """The version lists the photo as a link, and that link serves it to the mentor, drawn again as JPEG."""
    link = thread_item(page, version_label).get_by_role("link", name=f"Photo: {photo.stem}.jpg")
    expect(link).to_be_visible()
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200, f"the photo link answers {response.status}"
    assert response.headers["content-type"] == "image/jpeg"
    assert response.body().startswith(b"\xff\xd8\xff")


def see_submission_in_queue(page: Page, screenshot) -> None:
    expect_unread(page, 1)
    expect(main_nav(page).get_by_role("link", name="Review queue 1 waiting for review")).to_be_visible()
    main_nav(page).get_by_role("link", name="Home", exact=True).click()
    arrive(page, f"Hello, {MENTOR_NAME}")
    waiting = section(page, "Waiting for review (1)")
    expect(waiting).to_contain_text(f"{COHORT}: 1 submission")
    waiting.get_by_role("link", name="Open the review queue").click()
    arrive(page, "Review queue")
    expect_unread(page, 1)  # the header still counts the notification of the new submission
    queued = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=ASSIGNMENT, exact=True))
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text(f"{SUBMITTER[0]} · {COHORT} · version 1")
    screenshot(page, "mentor-queue.png")


def ask_for_revision(page: Page, photo: Path, screenshot) -> None:
    open_from_queue(page, ASSIGNMENT, SUBMITTER[0], version=1)
    expect(page.get_by_role("definition").filter(has_text=f"{SUBMITTER[0]} · {COHORT}")).to_be_visible()
    expect(thread_item(page, "Version 1").get_by_text(FIRST_TEXT)).to_be_visible()
    expect_photo_served(page, "Version 1", photo)
    fill_review(page, {FRAME: 3, STORY: 2}, REVISION_FEEDBACK, "Ask for a revision")
    screenshot(page, "mentor-review.png")
    send_review(page, "Revision requested. The learner sees your feedback and can hand in again.")
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()


def accept_revised_work(page: Page) -> None:
    page.reload()
    arrive(page, "Review queue")
    open_from_queue(page, ASSIGNMENT, SUBMITTER[0], version=2)
    expect(thread_item(page, "Version 2").get_by_text(SECOND_TEXT)).to_be_visible()
    revision = thread_item(page, "Revision requested")
    expect(revision.get_by_text(REVISION_FEEDBACK)).to_be_visible()
    fill_review(page, {FRAME: 4, STORY: 6}, ACCEPT_FEEDBACK, "Accept")
    send_review(page, "Accepted. The learner sees your feedback, and the lesson counts as complete.")
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()


def log_check_in(page: Page) -> None:
    """The learner at risk on her home page: the mentor calls her and notes what they said."""
    main_nav(page).get_by_role("link", name="Home", exact=True).click()
    arrive(page, f"Hello, {MENTOR_NAME}")
    at_risk = section(page, "Learners at risk (1)")
    expect(at_risk).to_contain_text("no activity yet")
    at_risk.get_by_role("link", name=SILENT[0]).click()
    arrive(page, f"Check-ins: {SILENT[0]}")
    expect(page.get_by_label("Date")).to_have_value(program_today().isoformat())
    page.get_by_label("How").select_option(label="Phone call")
    page.get_by_label("Notes").fill(CHECK_IN_NOTES)
    page.get_by_label("Next steps").fill("Film the tea garden; hand in the photo assignment.")
    page.get_by_label("Next check-in (optional)").fill((program_today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Save check-in").click()
    arrive(page, f"Check-ins: {SILENT[0]}")
    expect_message(page, "Check-in saved.")
    earlier = section(page, "Earlier check-ins (1)")
    expect(earlier.get_by_role("heading", level=3)).to_contain_text("Phone call")
    expect(earlier.get_by_text(CHECK_IN_NOTES)).to_be_visible()


def grid_names(page: Page) -> list[str]:
    return page.locator("table tbody").get_by_role("rowheader").all_inner_texts()


def read_progress_grid(page: Page, world: World, screenshot) -> None:
    main_nav(page).get_by_role("link", name="Cohorts").click()
    arrive(page, "Cohorts")
    page.get_by_role("link", name=COHORT).click()
    arrive(page, COHORT)
    page.get_by_role("link", name="Progress", exact=True).click()
    arrive(page, f"Progress: {COHORT}")
    assert sorted(grid_names(page)) == sorted([SUBMITTER[0], AHEAD[0], SILENT[0]])
    submitter_percent = 2 * 100 // world.lesson_count  # a reading and the accepted assignment
    expect(page.get_by_role("row", name=SUBMITTER[0])).to_contain_text(f"{submitter_percent}%")
    expect(page.get_by_role("row", name=SILENT[0])).to_contain_text("0%")
    page.get_by_role("columnheader").get_by_role("link", name="Total").click()
    arrive(page, f"Progress: {COHORT}")
    expect(page.get_by_role("columnheader").get_by_role("link", name="Total ↓")).to_be_visible()
    assert grid_names(page) == [AHEAD[0], SUBMITTER[0], SILENT[0]]
    assert_no_sideways_scroll(page, LAPTOP[0])
    # The grid takes the laptop's width, not the text column's; the names stay put while it scrolls.
    assert page.locator(".table-wrap.wide").bounding_box()["width"] > 1200
    corner = page.get_by_role("columnheader").first
    assert corner.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    screenshot(page, "mentor-grid.png")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    data = download.path().read_bytes()
    assert data.startswith(CSV_BOM), "the CSV has no UTF-8 BOM: spreadsheets would garble Chinese names"
    header, *rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert header[:2] == ["Name", "Mobile number"]
    assert header[-2:] == ["Total %", "Last activity"]
    assert [row[0] for row in rows] == grid_names(page)  # in the grid's order
    assert {row[0]: row[-2] for row in rows}[SUBMITTER[0]] == str(submitter_percent)


def preview_the_course_as_a_learner(page: Page, world: World) -> None:
    page.goto(f"/cohorts/{world.cohort_id}")
    arrive(page, COHORT)
    section(page, "Courses").get_by_role("link", name="Preview as a learner").click()
    arrive(page, COURSE)
    banner = f"Preview as a learner of {COHORT}: nothing you do here is recorded."
    expect(page.get_by_role("status").filter(has_text=banner)).to_be_visible()
    # A new learner of the cohort: nothing done yet, whatever the learners of the cohort did.
    expect(page.get_by_text(f"0 of {world.lesson_count} lessons done")).to_be_visible()
    page.get_by_role("link", name=f"Start: {READINGS[0]}").click()
    arrive(page, READINGS[0])
    expect(page.get_by_role("button", name="Mark as done")).to_be_disabled()
    page.get_by_role("link", name="Exit the preview").click()
    arrive(page, COHORT)


def post_an_announcement(page: Page) -> None:
    page.get_by_role("link", name="Post an announcement").click()
    arrive(page, "Post an announcement")
    expect(page.get_by_label(COHORT)).to_be_checked()
    page.get_by_label("Title").fill(ANNOUNCEMENT[0])
    page.get_by_label("Text").fill(ANNOUNCEMENT[1])
    page.get_by_role("button", name="Post the announcement").click()
    arrive(page, "Announcements")
    expect_message(page, "Announcement posted: the learners are told.")
    expect(page.get_by_role("link", name=ANNOUNCEMENT[0])).to_be_visible()


def learner_reads_the_announcement(page: Page) -> None:
    page.goto("/")
    arrive(page, f"Hello, {SUBMITTER[0]}")
    card = section(page, "Announcements")
    expect(card.get_by_role("listitem")).to_have_text([re.compile(rf"^New\s+{ANNOUNCEMENT[0]}")])
    card.get_by_role("button", name=ANNOUNCEMENT[0]).click()  # opening it (a POST) marks it read
    arrive(page, ANNOUNCEMENT[0])
    expect(page.get_by_text(ANNOUNCEMENT[1])).to_be_visible()
    assert_no_sideways_scroll(page)
    page.goto("/")
    arrive(page, f"Hello, {SUBMITTER[0]}")
    expect(section(page, "Announcements").get_by_role("listitem")).to_have_text([re.compile(f"^{ANNOUNCEMENT[0]}")])


def read_at_risk_list(page: Page) -> None:
    page.get_by_role("navigation", name="Cohort").get_by_role("link", name="At risk").click()
    arrive(page, f"Learners at risk: {COHORT}")
    expect(page.get_by_role("heading", level=2)).to_have_text([SILENT[0]])
    card = page.locator("section").filter(has=page.get_by_role("heading", name=SILENT[0]))
    expect(card.get_by_text("No activity yet")).to_be_visible()
    expect(card.get_by_role("link", name=f"Call +86{SILENT[1]}")).to_be_visible()


def test_mentor_reviews_work_logs_a_check_in_and_reads_the_grid_and_the_learners_at_risk(
    new_page, screenshot, tmp_path
):
    world = make_world()
    photo = make_png(tmp_path)
    phone = new_page(PHONE, learner=True)
    laptop = new_page(LAPTOP, locale="zh-CN")

    learner_hands_in_work(phone, photo)
    sign_in_and_switch_to_english(laptop)
    see_submission_in_queue(laptop, screenshot)
    ask_for_revision(laptop, photo, screenshot)
    learner_hands_in_new_version(phone)
    accept_revised_work(laptop)
    log_check_in(laptop)
    read_progress_grid(laptop, world, screenshot)
    read_at_risk_list(laptop)
    preview_the_course_as_a_learner(laptop, world)
    post_an_announcement(laptop)
    learner_reads_the_announcement(phone)

    # What the database holds after the journey.
    db.session.expire_all()
    assert db.session.get(User, world.mentor_id).locale == "en"
    submission = db.session.scalars(select(Submission).where(Submission.learner_id == world.submitter_id)).one()
    assert submission.state == "accepted"
    versions = db.session.scalars(
        select(SubmissionVersion)
        .where(SubmissionVersion.submission_id == submission.id)
        .order_by(SubmissionVersion.number)
    ).all()
    assert [(version.number, version.text) for version in versions] == [(1, FIRST_TEXT), (2, SECOND_TEXT)]
    assert versions[0].files[0].media_id == versions[1].files[0].media_id  # the kept photo, not a copy
    reviews = db.session.scalars(
        select(Review).where(Review.submission_id == submission.id).order_by(Review.created_at, Review.id)
    ).all()
    assert [(review.decision, review.total_points) for review in reviews] == [
        ("revision_requested", 5),
        ("accepted", 10),
    ]
    assert [review.version_id for review in reviews] == [version.id for version in versions]
    notifications = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    told = {item.user_id for item in notifications if item.kind == "announcement"}
    assert len(told) == 3  # each of the cohort's three learners, once
    assert world.submitter_id in told
    reads = db.session.scalars(select(AnnouncementRead.learner_id)).all()
    assert reads == [world.submitter_id]  # she opened it; the preview left no learner, enrolment or read behind
    assert db.session.scalar(select(func.count()).select_from(User).where(User.name == "Preview learner")) == 0
    assert [(item.user_id, item.kind) for item in notifications if item.kind != "announcement"] == [
        (world.mentor_id, "submission_to_review"),
        (world.submitter_id, "revision_requested"),
        (world.mentor_id, "submission_to_review"),
        (world.submitter_id, "feedback_received"),
    ]
    check_in = db.session.scalars(select(CheckIn)).one()
    assert (check_in.learner_id, check_in.mentor_id, check_in.channel) == (world.silent_id, world.mentor_id, "call")
