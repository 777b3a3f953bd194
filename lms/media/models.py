"""Uploaded files: videos and their renditions, images, captions, downloadable resources."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db


class MediaKind(StrEnum):
    VIDEO = "video"
    RENDITION = "rendition"
    POSTER = "poster"
    CAPTIONS = "captions"
    IMAGE = "image"
    RESOURCE = "resource"


class VideoStatus(StrEnum):
    NONE = "none"  # no video uploaded yet
    PROCESSING = "processing"  # waiting for, or in, the rendition step
    READY = "ready"  # small rendition and poster made
    ORIGINAL_ONLY = "original-only"  # no ffmpeg here: the original is served
    FAILED = "failed"  # ffmpeg could not read the file


class MediaFile(db.Model):
    """A file kept in the upload folder; ``path`` is relative to it."""

    __tablename__ = "media_files"
    __table_args__ = (
        CheckConstraint("kind IN ('video', 'rendition', 'poster', 'captions', 'image', 'resource')", name="kind_known"),
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
