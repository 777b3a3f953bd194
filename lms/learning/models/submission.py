"""Assignment submissions, their versions and files, mentors' reviews, and due-date extensions."""

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.cohorts.models.cohort import Cohort
from lms.core.calendar import program_today, utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db
from lms.courses.models import Lesson, RubricCriterion
from lms.media.models import MediaFile


class SubmissionState(StrEnum):
    SUBMITTED = "submitted"  # waiting in the review queue; the learner may still change it
    IN_REVIEW = "in_review"  # a mentor opened it: the learner can no longer change this version
    REVISION_REQUESTED = "revision_requested"  # back with the learner
    ACCEPTED = "accepted"  # counts as the lesson complete


class Submission(db.Model):
    """A learner's work for one assignment lesson: one row, many versions."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("lesson_id", "learner_id"),
        CheckConstraint("state IN ('submitted', 'in_review', 'revision_requested', 'accepted')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The cohort the learner was in when submitting: it decides which mentors review it.
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(24), default=SubmissionState.SUBMITTED, index=True)
    # Bumped by every change; a stale form (or a second mentor) is refused by a conditional UPDATE.
    row_version: Mapped[int] = mapped_column(default=1)
    version_count: Mapped[int] = mapped_column(default=0)
    first_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewing_mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lesson: Mapped[Lesson] = relationship()
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    cohort: Mapped[Cohort] = relationship()
    reviewing_mentor: Mapped[User | None] = relationship(foreign_keys=[reviewing_mentor_id])
    versions: Mapped[list["SubmissionVersion"]] = relationship(
        back_populates="submission", order_by="SubmissionVersion.number", cascade="all, delete-orphan"
    )
    reviews: Mapped[list["Review"]] = relationship(
        back_populates="submission", order_by="Review.created_at", cascade="all, delete-orphan"
    )


class SubmissionVersion(db.Model):
    """What the learner sent one time; never changed once a mentor has started reviewing it."""

    __tablename__ = "submission_versions"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)
    # The id the phone gave work handed in offline: sent again, it makes no second version.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)

    submission: Mapped[Submission] = relationship(back_populates="versions")
    files: Mapped[list["SubmissionFile"]] = relationship(
        back_populates="version", order_by="SubmissionFile.id", cascade="all, delete-orphan"
    )


class SubmissionFile(db.Model):
    __tablename__ = "submission_files"
    __table_args__ = (CheckConstraint("kind IN ('photo', 'video', 'file')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("submission_versions.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))

    version: Mapped[SubmissionVersion] = relationship(back_populates="files")
    media: Mapped[MediaFile] = relationship()


class ReviewDecision(StrEnum):
    ACCEPTED = "accepted"
    REVISION_REQUESTED = "revision_requested"


class Review(db.Model):
    """A mentor's decision on one version; one per version, so two mentors cannot both decide."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("version_id"),
        CheckConstraint("decision IN ('accepted', 'revision_requested')", name="decision_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("submission_versions.id", ondelete="CASCADE"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decision: Mapped[str] = mapped_column(String(24))
    feedback: Mapped[str] = mapped_column(Text, default="")
    total_points: Mapped[int] = mapped_column(default=0)
    # From the version's submission to this decision: the turnaround leads watch.
    turnaround_seconds: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_by_learner_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="reviews")
    version: Mapped[SubmissionVersion] = relationship()
    mentor: Mapped[User | None] = relationship()
    scores: Mapped[list["ReviewScore"]] = relationship(
        back_populates="review", order_by="ReviewScore.criterion_id", cascade="all, delete-orphan"
    )


class ReviewScore(db.Model):
    __tablename__ = "review_scores"
    __table_args__ = (CheckConstraint("points >= 0", name="points_not_negative"),)

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criteria.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[RubricCriterion] = relationship()


# A new due date lies between today and a year ahead: further is a typo, earlier is not an extension.
LONGEST_EXTENSION_DAYS = 366


def extension_bounds(today: date | None = None) -> tuple[date, date]:
    """The first and last day an extension's new due date may be."""
    today = today or program_today()
    return today, today + timedelta(days=LONGEST_EXTENSION_DAYS)


class Extension(db.Model):
    """A later due date a mentor granted one learner for one assignment."""

    __tablename__ = "extensions"
    __table_args__ = (UniqueConstraint("lesson_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
