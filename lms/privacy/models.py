"""A learner's requests to be deleted (her downloads are exports of the media area)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db


class DeletionState(StrEnum):
    REQUESTED = "requested"  # waiting for a lead
    WITHDRAWN = "withdrawn"  # the learner changed her mind
    REFUSED = "refused"  # a lead said why not (a note)
    ANONYMISED = "anonymised"  # done: the person is gone, the figures stay


class DeletionRequest(db.Model):
    """A learner's request that we delete what we hold about her, and what a lead decided."""

    __tablename__ = "deletion_requests"
    __table_args__ = (
        CheckConstraint("state IN ('requested', 'withdrawn', 'refused', 'anonymised')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=DeletionState.REQUESTED, index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Why a lead refused (for instance, a loan still being repaid); shown to the learner.
    note: Mapped[str] = mapped_column(Text, default="")

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
