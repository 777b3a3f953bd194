"""Steps and files the browser journeys share: signing in, arriving on a page, notifications, a photo, a video.

Every helper that lands on a new page checks it (``check_page``), so a journey built from them checks
each page it opens.
"""

import re
import shutil
import struct
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PHONE, check_page, under_ci
from tests.factories import TEST_PASSWORD

# English texts of the header and sign-in page; Chinese journeys pass their own.
SIGN_IN = {"login": "Mobile number or email", "password": "Password", "button": "Sign in", "hello": "Hello, {name}"}
SIGN_IN_ZH = {"login": "手机号或邮箱", "password": "密码", "button": "登录", "hello": "你好，{name}"}
NOTIFICATIONS = {"nav": "Main", "notifications": "Notifications", "unread": "unread", "new": "New"}
NOTIFICATIONS_ZH = {"nav": "主导航", "notifications": "通知", "unread": "条未读", "new": "新"}


def arrive(page: Page, heading: str | re.Pattern) -> None:
    """The page with this h1 is on screen: wait for it, then check it (accessibility, weight)."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_page(page)


def wait_for_the_queue(page: Page, heading: str | re.Pattern, check_again: str = "Check again") -> None:
    """On a page that follows queued work (an import, a download): look again, as she would, until it is done."""
    arrive(page, heading)
    deadline = time.monotonic() + 60
    while (again := page.get_by_role("link", name=check_again, exact=True)).count():
        assert time.monotonic() < deadline, f"still waiting for the queue on {page.url}"
        time.sleep(0.3)
        again.click()
        arrive(page, heading)


def sign_in(page: Page, login: str, name: str, words: dict[str, str] = SIGN_IN) -> None:
    """From the sign-in page to the person's home page."""
    page.goto("/login")
    arrive(page, words["button"])
    page.get_by_label(words["login"]).fill(login)
    page.get_by_label(words["password"], exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name=words["button"]).click()
    arrive(page, words["hello"].format(name=name))


def main_nav(page: Page, name: str = "Main") -> Locator:
    return page.get_by_role("navigation", name=name)


def expect_message(page: Page, text: str) -> None:
    """A flashed message (role=status) says ``text``."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def expect_unread(page: Page, count: int, words: dict[str, str] = NOTIFICATIONS) -> None:
    """The header's notifications link carries the unread count (its words are for screen readers)."""
    name = f"{words['notifications']} {count} {words['unread']}"
    expect(main_nav(page, words["nav"]).get_by_role("link", name=name, exact=True)).to_be_visible()


def open_notification(page: Page, text: str, words: dict[str, str] = NOTIFICATIONS) -> None:
    """From the header, open the new notification reading ``text``; that follows its link (not checked here)."""
    main_nav(page, words["nav"]).get_by_role("link", name=re.compile(f"^{words['notifications']}")).click()
    arrive(page, words["notifications"])
    new = (
        page.get_by_role("listitem")
        .filter(has=page.get_by_text(words["new"], exact=True))
        .filter(has=page.get_by_role("button", name=text, exact=True))
    )
    expect(new).to_have_count(1)
    new.get_by_role("button", name=text, exact=True).click()


def assert_no_sideways_scroll(page: Page, width: int = PHONE[0]) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways at {width} px ({scroll_width} px wide)"


def section(page: Page, heading: str) -> Locator:
    """The part of the page under an h2 heading."""
    return page.locator("section").filter(has=page.get_by_role("heading", name=heading, exact=True))


def thread_item(page: Page, heading: str) -> Locator:
    """One entry of a submission thread (a version or a review), by its heading, e.g. "Version 2"."""
    return page.locator("ol.thread > li").filter(has=page.get_by_role("heading", name=heading, exact=True))


def make_png(folder: Path, name: str = "tea-leaves.png") -> Path:
    """A real 2x2 RGB PNG, built by hand: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([40, 120, 60]) * 2 for _row in range(2))  # filter byte, then 2 green pixels
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    path = folder / name
    path.write_bytes(png)
    return path


def find_ffmpeg() -> str:
    """ffmpeg, or a skip (a failure under CI): the video steps need a real clip."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        if under_ci():
            pytest.fail("ffmpeg is required under CI: apt-get install ffmpeg")
        pytest.skip("No ffmpeg found: apt-get install ffmpeg to run this browser test")
    return ffmpeg


def make_test_video(folder: Path, name: str = "tea-in-soft-light.mp4") -> Path:
    """Two seconds of ffmpeg's test pattern with a tone, at a phone camera's bitrate: its 360p version is smaller."""
    target = folder / name
    command = [find_ffmpeg(), "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25"]
    command += ["-f", "lavfi", "-i", "sine", "-t", "2", "-shortest", "-c:v", "libx264", "-b:v", "2M"]
    command += ["-pix_fmt", "yuv420p", str(target)]
    subprocess.run(command, check=True, timeout=60)
    return target


# The mentor's review, in English: the learner's journey and the mentor's both use it.

REVIEW_QUEUE = "Review queue"


def open_from_queue(page: Page, assignment: str, learner: str, version: int) -> None:
    """On the review queue: the learner's submission waits there; open its review page."""
    arrive(page, REVIEW_QUEUE)
    queued = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=assignment, exact=True))
    expect(queued.filter(has_text=f"{learner} · ")).to_contain_text(f"version {version}")
    queued.filter(has_text=f"{learner} · ").get_by_role("link", name=assignment, exact=True).click()
    arrive(page, assignment)
    expect(page.get_by_role("heading", name=f"Your review of version {version}")).to_be_visible()


def fill_review(page: Page, scores: dict[str, int], feedback: str, decision: str) -> None:
    """Rubric points, feedback and the decision ("Ask for a revision" or "Accept"), not sent yet."""
    for criterion, points in scores.items():
        page.get_by_label(criterion, exact=True).fill(str(points))
    page.get_by_label("Feedback for the learner").fill(feedback)
    page.get_by_role("group", name="Decision").get_by_label(decision, exact=True).check()


def send_review(page: Page, message: str) -> None:
    page.get_by_role("button", name="Send the review").click()
    arrive(page, REVIEW_QUEUE)
    expect_message(page, message)
