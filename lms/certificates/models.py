"""Certificates: issued for a course or at graduation, verified by a public code."""

import base64
import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.cohorts.models import Program
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db
from lms.courses.models import Course


class CertificateKind(StrEnum):
    COURSE = "course"
    PROGRAM = "program"


def new_verification_code() -> str:
    # 20 characters of base32: about 100 bits, short enough for a QR code a cheap camera reads.
    return base64.b32encode(secrets.token_bytes(13)).decode().rstrip("=")[:20]


class Certificate(db.Model):
    """A course certificate (course complete) or a program certificate (graduation), verifiable by code.

    The learner's name and the title are kept as issued, so the printed page and the
    public verification page keep saying what was certified even if names change later.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("learner_id", "course_id"),
        UniqueConstraint("learner_id", "program_id"),
        CheckConstraint(
            "(kind = 'course' AND course_id IS NOT NULL AND program_id IS NULL)"
            " OR (kind = 'program' AND program_id IS NOT NULL AND course_id IS NULL)",
            name="kind_matches_subject",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32), unique=True, default=new_verification_code)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"))
    learner_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    course: Mapped[Course | None] = relationship()
    program: Mapped[Program | None] = relationship()
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
