"""A learner hands in work on a phone; a mentor asks for a revision, then accepts it; both hear about it."""

import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from lms.cohorts.models.contact import Notification
from lms.cohorts.models.submission import Review, Submission, SubmissionVersion
from lms.extensions import db
from lms.progress.cohort_services import program_today
from lms.progress.models import Completion
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
    RubricCriterionFactory,
    UserFactory,
)

COHORT_NAME = "Hengfeng summer 2027"
MENTOR_NAME = "Wang Fang"
MENTOR_EMAIL = "wang.fang@example.org"
LEARNER_NAME = "Li Chunmei"
LEARNER_MOBILE = "13800001111"
COURSE = "Sell tea with short videos"
MODULE = "Show your tea"
ASSIGNMENT = "Photograph your tea"
INSTRUCTIONS = "Take a photo of your tea in soft light and describe what makes it special."
FRAME = "The tea fills the frame"
STORY = "The text tells where the tea grows"
FIRST_TEXT = "My tea grows on the hills above our village."
SECOND_TEXT = "My tea grows on misty hills at 800 m; we pick it by hand each April."
REVISION_FEEDBACK = "A good photo. Tell buyers more: how high the hills are and when you pick."
ACCEPT_FEEDBACK = "Now buyers can picture your hills. Well done!"
PHOTO_NAME = "tea-leaves.png"

# What a person sees, from the templates.
WAITING = "Waiting for your mentor"
REVISION_STATE = "Revision requested: change your work and hand it in again"
HANDED_IN = "Your work is handed in. Your mentor will review it."
TO_REVIEW = f"New submission to review: {LEARNER_NAME}, “{ASSIGNMENT}”."
REVISION_NOTICE = f"Revision requested on “{ASSIGNMENT}”: read the feedback from {MENTOR_NAME} and submit again."
ACCEPTED_NOTICE = f"Feedback received on “{ASSIGNMENT}”: accepted."
REVISION_SENT = "Revision requested. The learner sees your feedback and can hand in again."
ACCEPT_SENT = "Accepted. The learner sees your feedback, and the lesson counts as complete."


@dataclass
class Setup:
    learner_id: int
    mentor_id: int
    lesson_id: int


def make_program() -> Setup:
    """A cohort that starts today, its mentor and learner, and a course of one assignment offered to it."""
    program = ProgramFactory(name="Hengfeng county incubator")
    cohort = CohortFactory(program=program, name=COHORT_NAME, starts_on=program_today())
    mentor = MentorFactory(name=MENTOR_NAME, email=MENTOR_EMAIL)
    cohort.mentors.append(mentor)
    learner = EnrollmentFactory(cohort=cohort, learner=UserFactory(name=LEARNER_NAME, phone=f"+86{LEARNER_MOBILE}"))
    course = CourseFactory(program=program, title=COURSE, published=True)
    module = ModuleFactory(course=course, title=MODULE)
    lesson = LessonFactory(
        module=module,
        kind="assignment",
        title=ASSIGNMENT,
        body=INSTRUCTIONS,
        accepts="text,photo",
        due_days=7,
        published=True,
    )
    RubricCriterionFactory(lesson=lesson, criterion=FRAME, points=4, position=0)
    RubricCriterionFactory(lesson=lesson, criterion=STORY, points=6, position=1)
    CohortCourseFactory(cohort=cohort, course=course)
    db.session.commit()  # ends the transaction: the server must not wait for this session's lock
    return Setup(learner.learner_id, mentor.id, lesson.id)


def make_png(folder: Path) -> Path:
    """A real 2x2 RGB PNG, built by hand: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([40, 120, 60]) * 2 for _row in range(2))  # filter byte, then 2 green pixels
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    path = folder / PHOTO_NAME
    path.write_bytes(png)
    return path


# Steps


def sign_in(page: Page, login: str, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Mobile number or email").fill(login)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def go_home(page: Page, name: str) -> None:
    main_nav(page).get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")


def expect_unread(page: Page, count: int) -> None:
    """The header's Notifications link carries the unread count (its words are for screen readers)."""
    expect(main_nav(page).get_by_role("link", name=f"Notifications {count} unread", exact=True)).to_be_visible()


def expect_no_unread(page: Page) -> None:
    expect(main_nav(page).get_by_role("link", name="Notifications", exact=True)).to_be_visible()


def open_notification(page: Page, text: str, read_before: int = 0) -> None:
    """Open the only new notification, which reads ``text``, from the Notifications page; that follows its link.

    ``read_before`` older notifications, already read, say the same thing."""
    main_nav(page).get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    same = page.get_by_role("listitem").filter(has=page.get_by_role("button", name=text, exact=True))
    expect(same).to_have_count(read_before + 1)
    new = same.filter(has=page.get_by_text("New", exact=True))
    expect(new).to_have_count(1)
    expect(page.get_by_role("listitem").filter(has=page.get_by_text("New", exact=True))).to_have_count(1)
    new.get_by_role("button", name=text, exact=True).click()


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def assert_no_sideways_scroll(page: Page, width: int = PHONE[0]) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width} px ({scroll_width} px wide)"


def version_item(page: Page, number: int):
    return page.locator("ol.thread > li").filter(has=page.get_by_role("heading", name=f"Version {number}", exact=True))


def review_item(page: Page, decision: str):
    return page.locator("ol.thread > li").filter(has=page.get_by_role("heading", name=decision, exact=True))


def expect_photo_served(page: Page, version) -> None:
    """The version lists the photo as a link, and that link serves the PNG to whoever sees the thread."""
    photo = version.get_by_role("link", name=f"Photo: {PHOTO_NAME}")
    expect(photo).to_be_visible()
    response = page.request.get(photo.get_attribute("href"))
    assert response.status == 200, f"the photo link answers {response.status}"
    assert response.headers["content-type"] == "image/png"
    assert response.body().startswith(b"\x89PNG")


def open_assignment_from_courses(page: Page) -> None:
    main_nav(page).get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name=COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(page.get_by_text("0 of 1 lesson done")).to_be_visible()
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name=ASSIGNMENT, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ASSIGNMENT)
    expect(page.get_by_text(INSTRUCTIONS)).to_be_visible()
    expect(page.get_by_role("row", name=f"{FRAME} 4")).to_be_visible()
    expect(page.get_by_role("row", name=f"{STORY} 6")).to_be_visible()
    expect(page.get_by_role("row", name="Total 10")).to_be_visible()
    assert_no_sideways_scroll(page)


def open_thread_from_lesson(page: Page) -> None:
    page.get_by_role("link", name="Hand in your work, see your mentor's feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your work: {ASSIGNMENT}")


def test_learner_submits_mentor_asks_for_revision_then_accepts_and_both_see_notifications(
    new_page, screenshot, tmp_path
):
    setup = make_program()
    photo_file = make_png(tmp_path)

    # 1. The learner hands in a text and a photo on a 360 px phone.
    phone = new_page(PHONE)
    sign_in(phone, LEARNER_MOBILE, LEARNER_NAME)
    expect_no_unread(phone)
    open_assignment_from_courses(phone)
    open_thread_from_lesson(phone)
    expect(phone.get_by_role("heading", name="Hand in your work", exact=True)).to_be_visible()
    assert_no_sideways_scroll(phone)
    phone.get_by_label("Your answer").fill(FIRST_TEXT)
    phone.get_by_label("Photos").set_input_files(photo_file)
    phone.get_by_role("button", name="Hand in", exact=True).click()
    expect_message(phone, HANDED_IN)
    expect(phone.get_by_role("definition").filter(has_text=WAITING)).to_be_visible()
    first = version_item(phone, 1)
    expect(first.get_by_text(FIRST_TEXT)).to_be_visible()
    expect_photo_served(phone, first)
    expect(version_item(phone, 2)).to_have_count(0)
    assert_no_sideways_scroll(phone)
    screenshot(phone, "learner-submission-360.png")

    # 2. The mentor hears about it on a laptop and asks for a revision.
    laptop = new_page(LAPTOP)
    sign_in(laptop, MENTOR_EMAIL, MENTOR_NAME)
    expect_unread(laptop, 1)
    open_notification(laptop, TO_REVIEW)
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect_no_unread(laptop)
    queued = laptop.get_by_role("listitem").filter(has=laptop.get_by_role("link", name=ASSIGNMENT, exact=True))
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text(f"{LEARNER_NAME} · {COHORT_NAME} · version 1")
    queued.get_by_role("link", name=ASSIGNMENT, exact=True).click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(ASSIGNMENT)
    expect(laptop.get_by_role("definition").filter(has_text=f"{LEARNER_NAME} · {COHORT_NAME}")).to_be_visible()
    first = version_item(laptop, 1)
    expect(first.get_by_text(FIRST_TEXT)).to_be_visible()
    expect_photo_served(laptop, first)
    expect(laptop.get_by_role("heading", name="Your review of version 1")).to_be_visible()
    laptop.get_by_label(FRAME, exact=True).fill("3")
    laptop.get_by_label(STORY, exact=True).fill("2")
    laptop.get_by_label("Feedback for the learner").fill(REVISION_FEEDBACK)
    laptop.get_by_role("group", name="Decision").get_by_label("Ask for a revision", exact=True).check()
    screenshot(laptop, "mentor-review.png")
    laptop.get_by_role("button", name="Send the review").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect_message(laptop, REVISION_SENT)
    expect(laptop.get_by_text("Nothing is waiting for review.")).to_be_visible()

    # 3. The learner reads the feedback and hands in a second version, keeping the photo.
    go_home(phone, LEARNER_NAME)
    expect_unread(phone, 1)
    assert_no_sideways_scroll(phone)
    open_notification(phone, REVISION_NOTICE)
    # The notification leads straight to the thread with the feedback.
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Your work: {ASSIGNMENT}")
    expect_no_unread(phone)
    assert_no_sideways_scroll(phone)
    expect(phone.get_by_role("definition").filter(has_text=REVISION_STATE)).to_be_visible()
    asked = review_item(phone, "Revision requested")
    expect(asked.get_by_text(REVISION_FEEDBACK)).to_be_visible()
    expect(asked.get_by_text(MENTOR_NAME)).to_be_visible()
    expect(asked.get_by_role("row", name=f"{FRAME} 3 / 4")).to_be_visible()
    expect(asked.get_by_role("row", name=f"{STORY} 2 / 6")).to_be_visible()
    expect(asked.get_by_role("row", name="Total 5")).to_be_visible()
    expect(phone.get_by_role("heading", name="Hand in a new version")).to_be_visible()
    assert_no_sideways_scroll(phone)
    answer = phone.get_by_label("Your answer")
    expect(answer).to_have_value(FIRST_TEXT)  # the last version's text, ready to change
    answer.fill(SECOND_TEXT)
    expect(phone.get_by_label("Keep the files I sent last time")).to_be_checked()
    phone.get_by_role("button", name="Hand in", exact=True).click()
    expect_message(phone, HANDED_IN)
    expect(phone.get_by_role("definition").filter(has_text=WAITING)).to_be_visible()
    second = version_item(phone, 2)
    expect(second.get_by_text(SECOND_TEXT)).to_be_visible()
    expect_photo_served(phone, second)
    expect(version_item(phone, 1).get_by_text(FIRST_TEXT)).to_be_visible()  # every version is kept
    assert_no_sideways_scroll(phone)

    # 4. The mentor finds it in the queue again and accepts it with full marks.
    laptop.reload()
    expect_unread(laptop, 1)
    open_notification(laptop, TO_REVIEW, read_before=1)
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Review queue")
    queued = laptop.get_by_role("listitem").filter(has=laptop.get_by_role("link", name=ASSIGNMENT, exact=True))
    expect(queued).to_contain_text(f"{LEARNER_NAME} · {COHORT_NAME} · version 2")
    queued.get_by_role("link", name=ASSIGNMENT, exact=True).click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text(ASSIGNMENT)
    expect(version_item(laptop, 2).get_by_text(SECOND_TEXT)).to_be_visible()
    expect(review_item(laptop, "Revision requested").get_by_text(REVISION_FEEDBACK)).to_be_visible()
    expect(laptop.get_by_role("heading", name="Your review of version 2")).to_be_visible()
    laptop.get_by_label(FRAME, exact=True).fill("4")
    laptop.get_by_label(STORY, exact=True).fill("6")
    laptop.get_by_label("Feedback for the learner").fill(ACCEPT_FEEDBACK)
    laptop.get_by_role("group", name="Decision").get_by_label("Accept", exact=True).check()
    laptop.get_by_role("button", name="Send the review").click()
    expect_message(laptop, ACCEPT_SENT)
    expect(laptop.get_by_text("Nothing is waiting for review.")).to_be_visible()

    # 5. The learner hears the work is accepted; the lesson counts as done.
    go_home(phone, LEARNER_NAME)
    expect_unread(phone, 1)
    open_notification(phone, ACCEPTED_NOTICE)
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Your work: {ASSIGNMENT}")
    expect_no_unread(phone)
    expect(phone.get_by_role("definition").filter(has_text=re.compile(r"^\s*Accepted\s*$"))).to_be_visible()
    accepted = review_item(phone, "Accepted")
    expect(accepted.get_by_text(ACCEPT_FEEDBACK)).to_be_visible()
    expect(accepted.get_by_role("row", name="Total 10")).to_be_visible()
    expect(phone.get_by_role("button", name="Hand in", exact=True)).to_have_count(0)  # accepted work is final
    assert_no_sideways_scroll(phone)
    screenshot(phone, "learner-thread-accepted-360.png")
    phone.get_by_role("link", name=COURSE).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(COURSE)
    expect(phone.get_by_text("1 of 1 lesson done")).to_be_visible()
    expect(phone.get_by_text("You have finished this course.")).to_be_visible()
    expect(phone.locator("li.is-done").filter(has=phone.get_by_role("link", name=ASSIGNMENT))).to_have_count(1)
    assert_no_sideways_scroll(phone)

    # 6. What the database holds.
    db.session.expire_all()
    submission = db.session.scalars(select(Submission).where(Submission.learner_id == setup.learner_id)).one()
    assert submission.lesson_id == setup.lesson_id
    assert submission.state == "accepted"
    versions = db.session.scalars(
        select(SubmissionVersion)
        .where(SubmissionVersion.submission_id == submission.id)
        .order_by(SubmissionVersion.number)
    ).all()
    assert [(version.number, version.text) for version in versions] == [(1, FIRST_TEXT), (2, SECOND_TEXT)]
    assert [len(version.files) for version in versions] == [1, 1]
    assert versions[0].files[0].media_id == versions[1].files[0].media_id  # the kept photo, not a copy
    reviews = db.session.scalars(
        select(Review).where(Review.submission_id == submission.id).order_by(Review.created_at, Review.id)
    ).all()
    assert [(review.decision, review.total_points) for review in reviews] == [
        ("revision_requested", 5),
        ("accepted", 10),
    ]
    assert [review.version_id for review in reviews] == [version.id for version in versions]
    assert all(review.mentor_id == setup.mentor_id for review in reviews)
    completions = db.session.scalars(select(Completion).where(Completion.learner_id == setup.learner_id)).all()
    assert [completion.lesson_id for completion in completions] == [setup.lesson_id]
    notifications = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(item.user_id, item.kind) for item in notifications] == [
        (setup.mentor_id, "submission_to_review"),
        (setup.learner_id, "revision_requested"),
        (setup.mentor_id, "submission_to_review"),
        (setup.learner_id, "feedback_received"),
    ]
    assert all(item.read_at is not None for item in notifications), "every notification was opened"
