"""What each learner has finished, and the certificates it earned."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db
from lms.courses.models import Lesson


class Completion(db.Model):
    """A lesson a learner has finished; recorded once, never undone by later visits."""

    __tablename__ = "completions"
    __table_args__ = (UniqueConstraint("learner_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The id the phone gave a "Mark as done" made offline: sent again, it adds nothing.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)

    learner: Mapped[User] = relationship()
    lesson: Mapped[Lesson] = relationship()
