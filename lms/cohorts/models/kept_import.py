"""A previewed import file, then its import waiting for the job queue and what that import gave, kept under a
random token.

In the database rather than on one machine's disk, so the lead may confirm on whichever app node answers and
any queue worker may run it.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db


class KeptImport(db.Model):
    """``kind``: ``file`` (the uploaded CSV awaiting confirmation), ``queued`` (confirmed: the file waits for its job,
    which ``job`` describes), then ``done`` (what the import gave, JSON: setup codes among it, so shown for an hour)
    or ``refused`` (why nothing was written)."""

    __tablename__ = "kept_imports"
    __table_args__ = (
        UniqueConstraint("token", "kind"),
        CheckConstraint("kind IN ('file', 'queued', 'done', 'refused')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # JSON: which import runs the file, for whom, with what (kept so a lost job can be enqueued again).
    job: Mapped[str] = mapped_column(Text, default="", server_default="")
    # When it was uploaded, then when it was confirmed, then when its import ended.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
