"""Lesson pages are light: HTML, CSS and JavaScript together, compressed, stay under 30 KB (media excluded)."""

import gzip
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.core.extensions import db
from lms.courses.models import LessonResource
from lms.media.models import MediaFile
from tests.factories import OptionFactory, QuestionFactory, RubricCriterionFactory

BUDGET_BYTES = 30 * 1024
# A reading as long as a real one: a few screens of text a villager reads on a phone.
READING = "\n\n".join(
    [
        "## Choose one product",
        "Start with **one** product you know well: your tea, your honey, your dried bamboo shoots. "
        "Write down where it grows, who makes it, and why it tastes better than what the supermarket sells.",
        "| Item | Cost (元) | Price (元) |\n|---|---|---|\n| 250 g tea | 30 | 45 |\n| 500 g honey | 25 | 40 |",
        "- Weigh every pack the same\n- Write the harvest date\n- Take one photo in daylight",
    ]
    * 8
)
LINKED_ASSET = re.compile(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"')


def compressed_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def page_weight(client, url: str) -> tuple[int, list[str]]:
    """Compressed bytes of the page and of every same-origin stylesheet and script it references."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data()
    total = compressed_size(html)
    assets = [
        href for href in LINKED_ASSET.findall(html.decode()) if href.startswith("/") and not href.startswith("//")
    ]
    for href in assets:
        asset = client.get(href)
        assert asset.status_code == 200, href
        total += compressed_size(asset.get_data())
        asset.close()
    return total, [href.split("?", 1)[0] for href in assets]  # the paths, without their version


@pytest.fixture
def furnished(world):
    """Course A's lessons with realistic content: long text, video files, a full quiz, a rubric, a download."""
    a = world.courses_a
    a.reading.body = READING
    for number, kind in enumerate(("video", "rendition", "poster", "captions", "resource")):
        db.session.add(MediaFile(kind=kind, path=f"weight/{number}", content_type="video/mp4", size_bytes=10**6))
    db.session.flush()
    stored = {file.path: file for file in db.session.scalars(select(MediaFile))}
    a.video.video, a.video.rendition = stored["weight/0"], stored["weight/1"]
    a.video.poster, a.video.captions = stored["weight/2"], stored["weight/3"]
    a.video.video_status = "ready"
    a.video.transcript = READING
    db.session.add(LessonResource(lesson=a.reading, media=stored["weight/4"], title="Price list template"))
    for number in range(10):
        question = QuestionFactory(lesson=a.quiz, kind="multiple", prompt=f"Question {number}: what helps a sale?")
        for option in range(4):
            OptionFactory(question=question, text=f"A longer answer choice, number {option}", correct=option < 2)
    QuestionFactory(lesson=a.quiz, kind="numeric", answer=Decimal(45), tolerance=Decimal("0.5"), unit="元")
    a.assignment.body = READING
    for number in range(6):
        RubricCriterionFactory(lesson=a.assignment, criterion=f"Criterion {number}: the product fills the frame")
    db.session.commit()
    return a


@pytest.mark.parametrize("kind", ["reading", "video", "quiz", "assignment"])
def test_each_kind_of_lesson_page_weighs_under_30_kb_compressed(client, auth, world, furnished, kind):
    auth.login(world.learner_a)
    lesson = getattr(furnished, kind)
    total, assets = page_weight(client, f"/lessons/{lesson.id}")
    # The service worker the offline script installs is counted once, with the page.
    total += compressed_size(client.get("/sw.js").get_data())
    assert "/static/style.css" in assets
    assert "/static/offline.js" in assets
    if kind == "video":
        assert "/static/lesson.js" in assets
    assert total < BUDGET_BYTES, f"{kind} lesson page: {total} bytes compressed"
