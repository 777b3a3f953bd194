"""What "Save for offline" keeps on a phone: the pages of a course or module and the small files they show.

The phone's script asks for a package (``package``), keeps every address in it with the browser's
cache, and later asks again: a lesson whose ``version`` changed is fetched anew, the others stay.
Sizes are the files' own sizes and an estimate of each compressed page, shown before anything downloads.
A video lesson keeps the version its page plays first for this learner and browser (``courses/video_choice.py``).
"""

import hashlib
from dataclasses import dataclass, field
from typing import NamedTuple

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lms.core.extensions import db
from lms.courses.models import Lesson, LessonKind
from lms.courses.video_choice import video_offer, viewer_preference
from lms.learning.services.lessons import CourseOutline
from lms.media.models import MediaFile

# A learner page with its header, compressed, before its own text (measured on the page-weight test's pages).
PAGE_BYTES = 5 * 1024
# Markdown text compresses to about a third.
TEXT_COMPRESSION = 3


class SavedFile(NamedTuple):
    id: int
    size_bytes: int


def saved_file(media_id: int | None, size_bytes: int | None) -> SavedFile | None:
    return SavedFile(media_id, size_bytes) if media_id is not None else None


@dataclass(frozen=True)
class Viewer:
    """What decides the version of a video she saves: her setting, and whether her browser saves data."""

    preference: str | None = None
    save_data: bool = False


def viewer_of(user, save_data: bool) -> Viewer:
    """The viewer a request speaks for: the signed-in person's setting and her browser's ``Save-Data``."""
    return Viewer(viewer_preference(user), save_data)


@dataclass
class SavedLesson:
    """One lesson as a phone keeps it: its addresses, their size, and a version that changes with the lesson."""

    id: int
    module_id: int
    version: str
    urls: list[str]
    size_bytes: int


@dataclass
class Package:
    """A course, or one of its modules, to save: the lessons a learner may open now, with what they show."""

    key: str
    title: str
    urls: list[str]
    lessons: list[SavedLesson] = field(default_factory=list)

    @property
    def size_bytes(self) -> int:
        return PAGE_BYTES * len(self.urls) + sum(lesson.size_bytes for lesson in self.lessons)

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "bytes": self.size_bytes,
            "urls": self.urls,
            "lessons": [{"id": lesson.id, "version": lesson.version, "urls": lesson.urls} for lesson in self.lessons],
        }


def media_url(media_id: int) -> str:
    return url_for("courses.media_file", media_id=media_id)


def saved_lessons(outline: CourseOutline, viewer: Viewer) -> list[SavedLesson]:
    """Every lesson of the outline's open modules, with the files its page shows, in one query."""
    open_ids = [lesson.id for item in outline.modules if not item.locked for lesson in item.lessons]
    if not open_ids:
        return []
    video, rendition, rendition_small, audio, poster, captions = (aliased(MediaFile) for _ in range(6))
    rows = db.session.execute(
        select(
            Lesson.id,
            Lesson.module_id,
            Lesson.kind,
            Lesson.updated_at,
            func.length(Lesson.body) + func.length(Lesson.transcript),
            video.id,
            video.size_bytes,
            rendition.id,
            rendition.size_bytes,
            rendition_small.id,
            rendition_small.size_bytes,
            audio.id,
            audio.size_bytes,
            poster.id,
            poster.size_bytes,
            captions.id,
            captions.size_bytes,
        )
        .outerjoin(video, video.id == Lesson.video_id)
        .outerjoin(rendition, rendition.id == Lesson.rendition_id)
        .outerjoin(rendition_small, rendition_small.id == Lesson.rendition_small_id)
        .outerjoin(audio, audio.id == Lesson.audio_id)
        .outerjoin(poster, poster.id == Lesson.poster_id)
        .outerjoin(captions, captions.id == Lesson.captions_id)
        .where(Lesson.id.in_(open_ids))
    ).all()
    by_id = {row[0]: saved_lesson(viewer, *row) for row in rows}
    return [by_id[lesson_id] for lesson_id in open_ids if lesson_id in by_id]


def saved_lesson(viewer: Viewer, lesson_id, module_id, kind, updated_at, text_length, *columns) -> SavedLesson:
    original, normal, small, audio, poster, captions = (
        saved_file(*columns[index : index + 2]) for index in range(0, len(columns), 2)
    )
    urls = [url_for("courses.lesson_page", lesson_id=lesson_id)]
    size = (text_length or 0) // TEXT_COMPRESSION
    if kind == LessonKind.ASSIGNMENT:
        urls.append(url_for("cohorts.my_submission", lesson_id=lesson_id))
        size += PAGE_BYTES
    # What the page shows her before she taps anything: the version it plays first, its poster, the captions.
    offer = video_offer(original, normal, small, audio, viewer.preference, viewer.save_data)
    if offer is not None:
        for shown in [offer.playing.file, poster if offer.show_poster else None, captions]:
            if shown is not None:
                urls.append(media_url(shown.id))
                size += shown.size_bytes
    version = hashlib.sha256(f"{updated_at.isoformat()}|{'|'.join(urls)}".encode()).hexdigest()[:16]
    return SavedLesson(lesson_id, module_id, version, urls, size)


def lesson_version(lesson: Lesson, viewer: Viewer) -> str:
    """The version a saved copy of this lesson has (``saved_lesson``), from a lesson loaded with its files."""
    files = (lesson.video, lesson.rendition, lesson.rendition_small, lesson.audio, lesson.poster, lesson.captions)
    columns = [value for file in files for value in ((file.id, file.size_bytes) if file else (None, None))]
    text_length = len(lesson.body or "") + len(lesson.transcript or "")
    return saved_lesson(
        viewer, lesson.id, lesson.module_id, lesson.kind, lesson.updated_at, text_length, *columns
    ).version


def package(outline: CourseOutline, module_id: int | None = None, viewer: Viewer = Viewer()) -> Package:
    """The course (or one module of it) as the learner would save it now."""
    course = outline.course
    lessons = saved_lessons(outline, viewer)
    if module_id is None:
        return Package(
            f"course-{course.id}", course.title, [url_for("courses.course_page", course_id=course.id)], lessons
        )
    title = next(item.module.title for item in outline.modules if item.module.id == module_id)
    chosen = [lesson for lesson in lessons if lesson.module_id == module_id]
    return Package(f"module-{module_id}", title, [url_for("courses.course_page", course_id=course.id)], chosen)


def package_sizes(outline: CourseOutline, viewer: Viewer = Viewer()) -> dict[int | None, int]:
    """module id → bytes to save it, and None → the whole course, for the course page's buttons."""
    lessons = saved_lessons(outline, viewer)
    course = Package("", "", [""], lessons)
    sizes: dict[int | None, int] = {None: course.size_bytes}
    for item in outline.modules:
        module = Package("", "", [""], [lesson for lesson in lessons if lesson.module_id == item.module.id])
        if module.lessons:
            sizes[item.module.id] = module.size_bytes
    return sizes
