"""A previewed import file, or the setup codes an import issued, kept between two requests under a random token.

In the database rather than on one machine's disk, so the lead may confirm on whichever app node answers.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db


class KeptImport(db.Model):
    """``kind`` is ``file`` (the uploaded CSV awaiting confirmation) or ``codes`` (JSON, shown for an hour)."""

    __tablename__ = "kept_imports"
    __table_args__ = (
        UniqueConstraint("token", "kind"),
        CheckConstraint("kind IN ('file', 'codes')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
