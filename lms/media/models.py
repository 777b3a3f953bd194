"""Uploaded files: videos and their renditions, images, captions, downloadable resources."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db


class MediaKind(StrEnum):
    VIDEO = "video"
    RENDITION = "rendition"
    AUDIO = "audio"  # the sound of a lesson video alone, for learners who save data
    POSTER = "poster"
    CAPTIONS = "captions"
    IMAGE = "image"
    RESOURCE = "resource"
    EXPORT = "export"  # a file an export job built, for the person who asked for it


class VideoStatus(StrEnum):
    NONE = "none"  # no video uploaded yet
    PROCESSING = "processing"  # waiting for, or in, the rendition step
    READY = "ready"  # small renditions, audio and poster made
    ORIGINAL_ONLY = "original-only"  # no ffmpeg here: the original is served
    FAILED = "failed"  # ffmpeg could not read the file


class MediaFile(db.Model):
    """A file kept in the upload folder; ``path`` is relative to it."""

    __tablename__ = "media_files"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('video', 'rendition', 'audio', 'poster', 'captions', 'image', 'resource', 'export')",
            name="kind_known",
        ),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(String(255), unique=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def size_mb(self) -> float:
        return self.size_bytes / (1024 * 1024)


class ExportStatus(StrEnum):
    WAITING = "waiting"  # enqueued, no worker has it yet
    RUNNING = "running"  # a worker writes the file (``claimed_until`` says how long its claim lasts)
    READY = "ready"
    FAILED = "failed"


class ExportJob(db.Model):
    """A large export built by a queue job into the store; only the person who asked for it downloads it."""

    __tablename__ = "export_jobs"
    __table_args__ = (CheckConstraint("status IN ('waiting', 'running', 'ready', 'failed')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The export's selection as query-string arguments (what the page's link carried).
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    filename: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ExportStatus.WAITING)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id", ondelete="SET NULL"))
    rows: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    file: Mapped[MediaFile | None] = relationship()
    requested_by: Mapped[User] = relationship()

    @property
    def under_way(self) -> bool:
        return self.status in (ExportStatus.WAITING, ExportStatus.RUNNING)
