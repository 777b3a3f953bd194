"""Quiz attempts: every attempt a learner makes, with her answers."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db
from lms.courses.models import Lesson, Option, Question


class QuizAttempt(db.Model):
    """One submitted try at a quiz; every attempt is kept."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("lesson_id", "learner_id", "number"),
        CheckConstraint("score_points >= 0 AND score_points <= max_points", name="score_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    score_points: Mapped[int]
    max_points: Mapped[int]
    score_percent: Mapped[int]
    passed: Mapped[bool]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The id the phone gave an attempt answered offline: sent again, it is not graded twice.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)

    lesson: Mapped[Lesson] = relationship()
    learner: Mapped[User] = relationship()
    answers: Mapped[list["QuizAnswer"]] = relationship(
        back_populates="attempt", order_by="QuizAnswer.id", cascade="all, delete-orphan"
    )


quiz_answer_options = Table(
    "quiz_answer_options",
    db.metadata,
    Column("answer_id", ForeignKey("quiz_answers.id", ondelete="CASCADE"), primary_key=True),
    Column("option_id", ForeignKey("options.id", ondelete="CASCADE"), primary_key=True),
)


class QuizAnswer(db.Model):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    numeric_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    correct: Mapped[bool]
    points_awarded: Mapped[int]

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    selected: Mapped[list[Option]] = relationship(secondary=quiz_answer_options, order_by=Option.position)
