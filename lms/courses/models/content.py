"""Course → ordered modules → ordered lessons, and which cohorts take which course."""

import math
import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship, selectinload, validates

from lms.cohorts.models import Cohort, Program
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db
from lms.courses.markdown import render_markdown
from lms.media.models import MediaFile, VideoStatus

if TYPE_CHECKING:
    from lms.courses.models.quiz import Question, RubricCriterion


class LessonKind(StrEnum):
    VIDEO = "video"
    READING = "reading"
    QUIZ = "quiz"
    ASSIGNMENT = "assignment"


LESSON_KINDS = tuple(kind.value for kind in LessonKind)
SUBMISSION_KINDS = ("text", "link", "photo", "video", "file")


class UnlockRule(StrEnum):
    """In a sequential course, what of a module's assignments opens the next module."""

    SUBMISSION = "submission"  # handed in: a slow review never stalls the learner
    ACCEPTANCE = "acceptance"  # accepted by a mentor


class AnswerReveal(StrEnum):
    """When a quiz's result page shows the right answers and the feedback that explains them."""

    EACH_ATTEMPT = "each"
    LAST_ATTEMPT = "last"  # once no attempt is left
    PASSED = "passed"  # once passed, or no attempt is left
    NEVER = "never"


def new_content_version() -> str:
    return secrets.token_hex(8)


def note_published(row, published: bool) -> bool:
    """Keep when a course or lesson was first published (a validator: every way of publishing passes here)."""
    if published and row.first_published_at is None:
        row.first_published_at = utcnow()
    return published


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("language IN ('zh_Hans', 'en')", name="language_known"),
        CheckConstraint("unlock_on IN ('submission', 'acceptance')", name="unlock_on_known"),
        # A course in another language is the same course as its original: at most one copy per language.
        UniqueConstraint("translation_of_id", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    slug: Mapped[str | None] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="zh_Hans")
    # The course this one is a copy of in another language (None: an original); a learner is shown the copy in
    # her language (``learning.services.lessons.in_her_language``).
    translation_of_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"), index=True)
    estimated_minutes: Mapped[int] = mapped_column(default=0)
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    published: Mapped[bool] = mapped_column(default=False)
    # When it was first published: before it, no learner could have seen it.
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When on, a module opens only once every lesson of the module before it is complete.
    sequential: Mapped[bool] = mapped_column(default=False)
    unlock_on: Mapped[str] = mapped_column(String(16), default=UnlockRule.SUBMISSION, server_default="submission")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # A new random value at every change to the course, its modules, lessons and what they hold (``versions.py``):
    # the key of the outline each process keeps, and part of a lesson page's ETag.
    content_version: Mapped[str] = mapped_column(String(16), default=new_content_version, server_default="0")

    program: Mapped[Program] = relationship()
    cover: Mapped[MediaFile | None] = relationship()
    translation_of: Mapped["Course | None"] = relationship(remote_side="Course.id")
    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="(Module.position, Module.id)", cascade="all, delete-orphan"
    )

    @validates("published")
    def note_first_publishing(self, _key, published):
        return note_published(self, published)


class Module(db.Model):
    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module", order_by="(Lesson.position, Lesson.id)", cascade="all, delete-orphan"
    )


class Lesson(db.Model):
    """One short lesson; the columns of the other kinds stay empty."""

    __tablename__ = "lessons"
    __table_args__ = (
        CheckConstraint("kind IN ('video', 'reading', 'quiz', 'assignment')", name="kind_known"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_percent"),
        CheckConstraint("attempts_allowed >= 0", name="attempts_not_negative"),
        CheckConstraint("due_days >= 0", name="due_days_not_negative"),
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("show_answers IN ('each', 'last', 'passed', 'never')", name="show_answers_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=5)
    published: Mapped[bool] = mapped_column(default=False)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Markdown: the text of a reading, a quiz's introduction, an assignment's instructions.
    body: Mapped[str] = mapped_column(Text, default="")
    # Video lessons.
    transcript: Mapped[str] = mapped_column(Text, default="")
    # Both texts rendered and sanitised when they are saved, not on every page a learner opens.
    body_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    transcript_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    video_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    rendition_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    # The 240p version and the sound alone, for learners saving data (``courses/video_choice.py`` offers them).
    rendition_small_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    audio_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    poster_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    captions_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    video_status: Mapped[str] = mapped_column(String(16), default=VideoStatus.NONE)
    # The conversion working on the video now, and until when its claim holds unless renewed.
    video_claim: Mapped[str | None] = mapped_column(String(32))
    video_claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None]
    # Quiz lessons: percent needed to pass; 0 attempts means no limit.
    pass_mark: Mapped[int] = mapped_column(default=70)
    attempts_allowed: Mapped[int] = mapped_column(default=0)
    show_answers: Mapped[str] = mapped_column(String(16), default=AnswerReveal.PASSED, server_default="passed")
    # Assignment lessons: due this many days after the cohort starts; accepted kinds, comma-separated.
    due_days: Mapped[int | None]
    accepts: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    module: Mapped[Module] = relationship(back_populates="lessons")
    video: Mapped[MediaFile | None] = relationship(foreign_keys=[video_id])
    rendition: Mapped[MediaFile | None] = relationship(foreign_keys=[rendition_id])
    rendition_small: Mapped[MediaFile | None] = relationship(foreign_keys=[rendition_small_id])
    audio: Mapped[MediaFile | None] = relationship(foreign_keys=[audio_id])
    poster: Mapped[MediaFile | None] = relationship(foreign_keys=[poster_id])
    captions: Mapped[MediaFile | None] = relationship(foreign_keys=[captions_id])
    resources: Mapped[list["LessonResource"]] = relationship(
        back_populates="lesson", order_by="LessonResource.id", cascade="all, delete-orphan"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="lesson", order_by="(Question.position, Question.id)", cascade="all, delete-orphan"
    )
    rubric: Mapped[list["RubricCriterion"]] = relationship(
        back_populates="lesson",
        order_by="(RubricCriterion.position, RubricCriterion.id)",
        cascade="all, delete-orphan",
    )

    @validates("published")
    def note_first_publishing(self, _key, published):
        return note_published(self, published)

    @validates("body", "transcript")
    def render_text(self, key, text):
        setattr(self, f"{key}_html", str(render_markdown(text)))
        return text

    @property
    def rendered_body(self) -> Markup:
        return Markup(self.body_html)  # noqa: S704 - sanitised by render_markdown when saved

    @property
    def rendered_transcript(self) -> Markup:
        return Markup(self.transcript_html)  # noqa: S704 - sanitised by render_markdown when saved

    @property
    def opened_at(self) -> datetime | None:
        """When learners could first see it: it and its course both published once (None: never)."""
        course = self.module.course
        if self.first_published_at is None or course.first_published_at is None:
            return None
        return max(self.first_published_at, course.first_published_at)

    def take_video_duration(self, seconds: float | None) -> None:
        """Keep the video's length, and fill the lesson's minutes from it (rounded up; the lead may change them)."""
        self.duration_seconds = round(seconds) if seconds is not None else None
        if self.duration_seconds is not None:
            self.minutes = max(1, math.ceil(self.duration_seconds / 60))

    @property
    def small_rendition(self) -> MediaFile | None:
        """The rendition to offer: only when it is smaller than the original (a tiny upload may not be)."""
        if self.rendition is None or self.video is None or self.rendition.size_bytes >= self.video.size_bytes:
            return None
        return self.rendition

    @property
    def accepted_kinds(self) -> list[str]:
        return [kind for kind in self.accepts.split(",") if kind]


class LessonResource(db.Model):
    """A file a learner may download with a lesson (a price-list template, say)."""

    __tablename__ = "lesson_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))

    lesson: Mapped[Lesson] = relationship(back_populates="resources")
    media: Mapped[MediaFile] = relationship()


class CohortCourse(db.Model):
    """A course offered to a cohort; ``required`` ones count towards graduation."""

    __tablename__ = "cohort_courses"
    __table_args__ = (UniqueConstraint("cohort_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    cohort: Mapped[Cohort] = relationship()
    course: Mapped[Course] = relationship()


def lesson_page_options():
    """Loader options for a learner's lesson page: its module and course, its downloads; ``load_video_files`` then
    reads its video files, when it has any (six empty joins on every reading cost more than that query)."""
    return [
        joinedload(Lesson.module).joinedload(Module.course),
        selectinload(Lesson.resources).joinedload(LessonResource.media),
    ]


def load_video_files(lesson: Lesson) -> None:
    """The lesson's video, versions, poster and captions in one query, none for a lesson without: its relationships
    then find them in the session."""
    ids = [
        media_id
        for media_id in (
            lesson.video_id,
            lesson.rendition_id,
            lesson.rendition_small_id,
            lesson.audio_id,
            lesson.poster_id,
            lesson.captions_id,
        )
        if media_id is not None
    ]
    if ids:
        db.session.scalars(select(MediaFile).where(MediaFile.id.in_(ids))).all()


def lesson_with_files():
    """Loader options for a lesson page: its module and course, its video files and downloads."""
    return [
        joinedload(Lesson.module).joinedload(Module.course),
        joinedload(Lesson.video),
        joinedload(Lesson.rendition),
        joinedload(Lesson.rendition_small),
        joinedload(Lesson.audio),
        joinedload(Lesson.poster),
        joinedload(Lesson.captions),
        selectinload(Lesson.resources).joinedload(LessonResource.media),
    ]
