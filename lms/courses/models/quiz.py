"""Quiz questions, options and attempts; assignment rubrics."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.courses.models.content import Lesson
from lms.db_types import UTCDateTime
from lms.extensions import db
from lms.timeutil import utcnow


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    NUMERIC = "numeric"


QUESTION_KINDS = tuple(kind.value for kind in QuestionKind)


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint("kind IN ('single', 'multiple', 'true_false', 'numeric')", name="kind_known"),
        CheckConstraint("points >= 0", name="points_not_negative"),
        CheckConstraint("tolerance >= 0", name="tolerance_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    points: Mapped[int] = mapped_column(default=1)
    # Numeric questions: the answer, how far off still counts, and the unit shown.
    answer: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    tolerance: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(0))
    unit: Mapped[str] = mapped_column(String(20), default="")
    feedback_correct: Mapped[str] = mapped_column(Text, default="")
    feedback_wrong: Mapped[str] = mapped_column(Text, default="")

    lesson: Mapped[Lesson] = relationship(back_populates="questions")
    options: Mapped[list["Option"]] = relationship(
        back_populates="question", order_by="(Option.position, Option.id)", cascade="all, delete-orphan"
    )


class Option(db.Model):
    __tablename__ = "options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship(back_populates="options")


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


class RubricCriterion(db.Model):
    """One line of an assignment's rubric, scored by the mentor."""

    __tablename__ = "rubric_criteria"
    __table_args__ = (CheckConstraint("points > 0", name="points_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    criterion: Mapped[str] = mapped_column(Text)
    points: Mapped[int]

    lesson: Mapped[Lesson] = relationship(back_populates="rubric")
