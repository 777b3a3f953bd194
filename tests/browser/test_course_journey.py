"""A lead builds a course of every lesson kind on a laptop; a learner takes it on a small phone."""

import os
import re
import shutil
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from lms.courses.models import QuizAttempt
from lms.extensions import db
from lms.progress.models import Completion
from tests.factories import TEST_PASSWORD, CohortFactory, EnrollmentFactory, LeadFactory, UserFactory

LEAD_EMAIL = "wang.fang@example.org"
LEARNER_MOBILE = "13800001111"
COHORT_NAME = "Hengfeng spring 2027"
COURSE = "Sell tea with short videos"
MODULE = "Film your tea"
READING = "Know your product"
VIDEO = "Film in soft light"
QUIZ = "Light check"
ASSIGNMENT = "Film your own tea"
READING_BODY = """## What makes your tea special

- Where it grows
- How it is picked

<script>alert(1)</script>
"""
WRONG = "The midday sun behind you"
WRONG_FEEDBACK = "With the sun behind you the tea stays in shadow."
RIGHT = "Soft daylight by a window"
RIGHT_FEEDBACK = "Soft light shows the true colour of the leaves."
INSTRUCTIONS = "Film 30 seconds of your tea in soft light and describe it."
CRITERION = "The tea fills the frame"
VIDEO_READY_SECONDS = 60
VIDEO_READY = "Ready. Learners get the small version by default"
VIDEO_FAILED = "The video could not be converted"


# Steps of the lead


def sign_in(page: Page, login: str, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Mobile number or email").fill(login)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {name}")


def open_courses_from_nav(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def create_course(page: Page) -> None:
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Course title").fill(COURSE)
    page.get_by_label("Summary").fill("Film your tea with a phone and sell it online.")
    page.get_by_label("Language of the course").select_option(label="English")
    page.get_by_label("Open each module only after the one before it is complete").set_checked(False)
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)


def add_module(page: Page) -> None:
    page.get_by_role("link", name="Add a module").click()
    page.get_by_label("Module title").fill(MODULE)
    page.get_by_role("button", name="Add module").click()
    expect_message(page, "Module added.")


def add_lesson(page: Page, kind: str, title: str) -> None:
    """From the outline: a new draft lesson of ``kind``; ends on its edit page."""
    page.get_by_role("link", name="Add a lesson").click()
    page.get_by_label("Kind of lesson").select_option(label=kind)
    page.get_by_label("Lesson title").fill(title)
    page.get_by_role("button", name="Create lesson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def save_lesson(page: Page) -> None:
    page.get_by_role("button", name="Save lesson").click()
    expect_message(page, "Lesson saved.")


def publish_lesson_and_go_back(page: Page) -> None:
    page.get_by_role("button", name="Publish lesson").click()
    expect_message(page, "Lesson published.")
    page.get_by_role("link", name="Back to the outline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)


def write_reading(page: Page) -> None:
    page.get_by_label("Text of the reading").fill(READING_BODY)
    save_lesson(page)


def make_test_video(folder: Path) -> Path:
    """Two seconds of ffmpeg's test pattern with a tone: a small but real MP4."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("ffmpeg is required under CI: apt-get install ffmpeg")
        pytest.skip("No ffmpeg found: apt-get install ffmpeg to run this browser test")
    target = folder / "tea-in-soft-light.mp4"
    command = [ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10"]
    command += ["-f", "lavfi", "-i", "sine", "-t", "2", "-shortest", "-pix_fmt", "yuv420p", str(target)]
    subprocess.run(command, check=True, timeout=60)
    return target


def upload_video_and_wait(page: Page, video_file: Path) -> str:
    """Upload on the lesson's files page, reload until the small version is ready; returns its URL."""
    page.get_by_role("link", name="Video, captions and downloads").click()
    page.get_by_label("Video file").set_input_files(video_file)
    page.get_by_role("button", name="Upload the video").click()
    expect_message(page, "Video uploaded.")
    deadline = time.monotonic() + VIDEO_READY_SECONDS
    while not page.get_by_text(VIDEO_READY).is_visible():
        assert not page.get_by_text(VIDEO_FAILED).is_visible(), "the server could not convert the video"
        assert time.monotonic() < deadline, f"the video was not ready within {VIDEO_READY_SECONDS} s"
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.get_by_text("Small version for phones (360p)")).to_be_visible()
    rendition_url = page.locator("video source").get_attribute("src")
    page.get_by_role("link", name="Back to the lesson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(VIDEO)
    return rendition_url


def write_quiz(page: Page) -> None:
    page.get_by_label("Pass mark (%)").fill("50")
    page.get_by_label("Attempts allowed").fill("3")
    save_lesson(page)
    page.get_by_label("Kind of question").select_option(label="Single choice")
    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question", exact=True).fill("Which light is best for filming tea?")
    for row, (text, correct, feedback) in enumerate([(WRONG, False, WRONG_FEEDBACK), (RIGHT, True, RIGHT_FEEDBACK)]):
        page.get_by_label(f"Option {row + 1}", exact=True).fill(text)
        page.get_by_label("Correct", exact=True).nth(row).set_checked(correct)
        page.get_by_label("Feedback if chosen").nth(row).fill(feedback)
    page.get_by_role("button", name="Save question").click()
    expect_message(page, "Question added.")
    expect(page.get_by_role("heading", name="1. Which light is best for filming tea?")).to_be_visible()


def write_assignment(page: Page) -> None:
    page.get_by_label("Instructions").fill(INSTRUCTIONS)
    page.get_by_role("group", name="Learners may submit").get_by_label("Text", exact=True).check()
    page.get_by_label("Due this many days after the cohort starts").fill("14")
    save_lesson(page)
    page.get_by_label("Criterion", exact=True).fill(CRITERION)
    page.get_by_label("Points", exact=True).fill("4")
    page.get_by_role("button", name="Add to the rubric").click()
    expect_message(page, "Criterion added to the rubric.")


def publish_course_and_offer_it(page: Page) -> None:
    page.get_by_role("button", name="Publish course").click()
    expect_message(page, "Course published.")
    page.get_by_label(f"Offer to {COHORT_NAME}").check()
    page.get_by_role("button", name="Save cohorts").click()
    expect_message(page, "Saved: the course is offered to 1 cohort.")
    expect(page.get_by_label(f"Offer to {COHORT_NAME}")).to_be_checked()


# Checks on the learner's phone


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways at 360 px ({width} px wide)"


def expect_lesson(page: Page, title: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    assert_no_sideways_scroll(page)


def answer_quiz(page: Page, option: str) -> None:
    page.get_by_label(option).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Result: {QUIZ}")
    assert_no_sideways_scroll(page)


def test_lead_builds_a_course_of_every_kind_and_a_learner_takes_it_on_a_phone(
    laptop_page, phone_page, screenshot, tmp_path
):
    video_file = make_test_video(tmp_path)
    cohort = CohortFactory(name=COHORT_NAME, starts_on=date(2027, 3, 1))
    learner = EnrollmentFactory(cohort=cohort, learner=UserFactory(name="Li Chunmei", phone=f"+86{LEARNER_MOBILE}"))
    learner_id = learner.learner_id
    LeadFactory(name="Wang Fang", email=LEAD_EMAIL)

    # The lead builds the course on a laptop.
    lead = laptop_page
    sign_in(lead, LEAD_EMAIL, "Wang Fang")
    open_courses_from_nav(lead)
    create_course(lead)
    add_module(lead)

    add_lesson(lead, "Reading", READING)
    write_reading(lead)
    publish_lesson_and_go_back(lead)

    add_lesson(lead, "Video", VIDEO)
    rendition_url = upload_video_and_wait(lead, video_file)
    publish_lesson_and_go_back(lead)

    add_lesson(lead, "Quiz", QUIZ)
    write_quiz(lead)
    screenshot(lead, "lead-lesson-edit.png")
    publish_lesson_and_go_back(lead)

    add_lesson(lead, "Assignment", ASSIGNMENT)
    write_assignment(lead)
    publish_lesson_and_go_back(lead)

    publish_course_and_offer_it(lead)
    screenshot(lead, "lead-course-outline.png")

    # The learner takes it on a 360 px phone.
    phone = phone_page
    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(phone, LEARNER_MOBILE, "Li Chunmei")
    open_courses_from_nav(phone)
    assert_no_sideways_scroll(phone)
    phone.get_by_role("link", name=COURSE).click()
    expect_lesson(phone, COURSE)
    expect(phone.get_by_text("0 of 4 lessons done")).to_be_visible()

    phone.get_by_role("link", name=READING, exact=True).click()
    expect_lesson(phone, READING)
    expect(phone.get_by_role("heading", name="What makes your tea special")).to_be_visible()
    expect(phone.get_by_role("listitem").filter(has_text="How it is picked")).to_be_visible()
    expect(phone.locator("main script")).to_have_count(0)
    expect(phone.get_by_text("alert(1)")).to_have_count(0)
    screenshot(phone, "learner-lesson-reading-360.png")
    phone.get_by_role("button", name="Mark as done").click()
    expect_message(phone, f"“{READING}” is done.")

    expect_lesson(phone, VIDEO)
    video = phone.locator("main video")
    expect(video).to_have_attribute("preload", "none")
    expect(video).to_have_attribute("poster", re.compile(r"^/media/\d+$"))
    expect(video.locator("source").first).to_have_attribute("src", rendition_url)
    sizes = phone.get_by_text("Plays the small version:")
    expect(sizes).to_contain_text(re.compile(r"Plays the small version: \d+\.\d MB\."))
    expect(sizes).to_contain_text(re.compile(r"High quality\s*\(\d+\.\d MB\)"))
    original_url = sizes.get_by_role("link", name="High quality").get_attribute("href")
    assert original_url != rendition_url
    screenshot(phone, "learner-lesson-video-360.png")
    phone.get_by_role("button", name="Mark as done").click()
    expect_message(phone, f"“{VIDEO}” is done.")

    expect_lesson(phone, QUIZ)
    expect(phone.get_by_text("Pass mark: 50%")).to_be_visible()
    answer_quiz(phone, WRONG)
    expect(phone.get_by_text("Not passed yet: you need 50%.")).to_be_visible()
    expect(phone.get_by_text(WRONG_FEEDBACK)).to_be_visible()
    phone.get_by_role("link", name="Try again").click()
    expect_lesson(phone, QUIZ)
    answer_quiz(phone, RIGHT)
    expect(phone.get_by_text("Passed. Well done!")).to_be_visible()
    expect(phone.get_by_text(RIGHT_FEEDBACK)).to_be_visible()
    screenshot(phone, "learner-quiz-result-360.png")

    phone.get_by_role("link", name=f"Next: {ASSIGNMENT}").click()
    expect_lesson(phone, ASSIGNMENT)
    expect(phone.get_by_text(INSTRUCTIONS)).to_be_visible()
    expect(phone.get_by_role("definition").filter(has_text="March 15, 2027")).to_be_visible()
    expect(phone.get_by_role("row", name=f"{CRITERION} 4")).to_be_visible()
    phone.get_by_role("link", name="Back to the course").click()
    expect_lesson(phone, COURSE)
    expect(phone.get_by_text("3 of 4 lessons done")).to_be_visible()
    assert dialogs == [], f"a script in the lesson text ran: {dialogs}"

    completions = db.session.scalars(select(Completion).where(Completion.learner_id == learner_id)).all()
    assert len(completions) == 3
    attempts = db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.learner_id == learner_id).order_by(QuizAttempt.number)
    ).all()
    assert [attempt.passed for attempt in attempts] == [False, True]
