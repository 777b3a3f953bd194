"""Mentors' reviews: opening a submission, deciding on it once, and extending due dates."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.courses.models import Lesson, Module
from lms.learning.models.submission import (
    Review,
    ReviewDecision,
    ReviewScore,
    Submission,
    SubmissionFile,
    SubmissionVersion,
)
from lms.learning.services.completions import record_completion
from lms.learning.services.submissions import REVIEWABLE_STATES
from lms.learning.signals import submission_reviewed


class ReviewConflict(UserFacingError):  # noqa: N818 - read as "the review met a conflict"
    """Someone decided or the learner changed the work after this form was opened; ``message`` says which."""


@dataclass
class ReviewInput:
    """What a mentor's review form carries."""

    row_version: int
    version_id: int
    decision: str
    feedback: str = ""
    scores: dict[int, int | None] = field(default_factory=dict)


def load_for_review(submission_id: int) -> Submission | None:
    """A submission with its learner, cohort, lesson and rubric, every version's files and every review."""
    return db.session.scalar(
        select(Submission)
        .options(
            joinedload(Submission.learner),
            joinedload(Submission.cohort),
            joinedload(Submission.reviewing_mentor),
            joinedload(Submission.lesson).joinedload(Lesson.module).joinedload(Module.course),
            selectinload(Submission.lesson, Lesson.rubric),
            selectinload(Submission.versions).selectinload(SubmissionVersion.files).joinedload(SubmissionFile.media),
            selectinload(Submission.reviews).selectinload(Review.scores),
            selectinload(Submission.reviews).joinedload(Review.mentor),
        )
        .where(Submission.id == submission_id)
    )


def starting_scores(submission: Submission) -> dict[int, int]:
    """Criterion id → points of the latest review: where the review of the next version starts (no query)."""
    if not submission.reviews:
        return {}
    return {score.criterion_id: score.points for score in submission.reviews[-1].scores}


def conflict_message(submission: Submission, version_id: int) -> str:
    """Why a review could not be recorded: already decided by someone, or the learner sent a new version."""
    decided_by = db.session.execute(
        select(Review.id, User.name).outerjoin(User, User.id == Review.mentor_id).where(Review.version_id == version_id)
    ).first()
    if decided_by is not None:
        return _l(
            "This work was already reviewed by %(name)s. Your feedback was not sent; it is kept below.",
            name=decided_by.name or _l("another mentor"),
        )
    latest = db.session.scalar(
        select(SubmissionVersion.id)
        .where(SubmissionVersion.submission_id == submission.id)
        .order_by(SubmissionVersion.number.desc())
        .limit(1)
    )
    if latest != version_id:
        return _l(
            "The learner changed the work after you opened it. Look at the new version; your feedback is kept below."
        )
    return _l("This work changed while you were reviewing it. Look at it again; your feedback is kept below.")


def record_review(submission: Submission, mentor: User, data: ReviewInput) -> Review:
    """Decide on the latest version once: one conditional UPDATE, then the review; raises ReviewConflict."""
    version = db.session.get(SubmissionVersion, data.version_id)
    if version is None or version.submission_id != submission.id:
        raise ReviewConflict(conflict_message(submission, data.version_id))
    now = utcnow()
    # The row_version the form saw must still be there, and the version must still be the latest:
    # a second mentor, a stale tab or a learner's new version all make this match no row.
    changed = db.session.execute(
        update(Submission)
        .where(
            Submission.id == submission.id,
            Submission.row_version == data.row_version,
            Submission.version_count == version.number,
            Submission.state.in_(REVIEWABLE_STATES),
        )
        .values(
            state=data.decision,
            row_version=Submission.row_version + 1,
            decided_at=now,
            reviewing_mentor_id=mentor.id,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise ReviewConflict(conflict_message(submission, data.version_id))
    scores = {criterion: points for criterion, points in data.scores.items() if points is not None}
    review = Review(
        submission_id=submission.id,
        version_id=version.id,
        mentor_id=mentor.id,
        decision=data.decision,
        feedback=data.feedback.strip(),
        total_points=sum(scores.values()),
        turnaround_seconds=max(int((now - version.submitted_at).total_seconds()), 0),
        created_at=now,
        scores=[ReviewScore(criterion_id=criterion, points=points) for criterion, points in scores.items()],
    )
    try:
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:
        # The unique review per version: a second guard behind the conditional update.
        raise ReviewConflict(conflict_message(submission, data.version_id)) from None
    db.session.refresh(submission)
    if data.decision == ReviewDecision.ACCEPTED:
        record_completion(submission.learner, submission.lesson)
    submission_reviewed.send(mentor, submission=submission, review=review)
    return review
