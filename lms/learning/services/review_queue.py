"""The review queue and review turnaround: listed and counted by the database, whatever the size."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import contains_eager

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.cohorts.policies import managed_cohort_ids, viewable_cohort_ids
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.learning.models.submission import Extension, Review, Submission, SubmissionVersion
from lms.learning.services.due_dates import assignment_due_on
from lms.learning.services.submissions import REVIEWABLE_STATES
from lms.notifications.header import register_header_count

DEFAULT_WAIT_DAYS = 3  # a submission waiting longer than this for a decision is marked overdue


def review_wait_days() -> int:
    return current_app.config.get("LMS_REVIEW_WAIT_DAYS", DEFAULT_WAIT_DAYS)


def pending_submissions(user: User, cohort_id: int | None = None) -> Select:
    """A select of pending submissions this person reviews, oldest first, with their latest version.

    Learner, lesson, cohort, latest version and extension come in the same query, so a page of the
    queue costs the same number of queries however many submissions wait.
    """
    latest = SubmissionVersion
    query = (
        select(Submission, latest, Extension)
        .join(Submission.learner)
        .join(Submission.lesson)
        .join(Submission.cohort)
        .join(latest, and_(latest.submission_id == Submission.id, latest.number == Submission.version_count))
        .outerjoin(
            Extension, and_(Extension.lesson_id == Submission.lesson_id, Extension.learner_id == Submission.learner_id)
        )
        .options(
            contains_eager(Submission.learner),
            contains_eager(Submission.lesson),
            contains_eager(Submission.cohort),
        )
        .where(Submission.state.in_(REVIEWABLE_STATES))
        .order_by(Submission.last_submitted_at, Submission.id)
    )
    cohorts = viewable_cohort_ids(user)
    if cohorts is not None:
        query = query.where(Submission.cohort_id.in_(cohorts))
    if cohort_id is not None:
        query = query.where(Submission.cohort_id == cohort_id)
    return query


class PendingCount(NamedTuple):
    """How many submissions of one cohort wait for review, and since when the oldest waits."""

    cohort_id: int
    name: str
    count: int
    oldest: datetime | None


def waiting(user: User) -> Select:
    """A select of the ids of the submissions this person reviews that wait for a decision."""
    query = select(Submission.id).where(Submission.state.in_(REVIEWABLE_STATES))
    cohorts = viewable_cohort_ids(user)
    if cohorts is not None:
        query = query.where(Submission.cohort_id.in_(cohorts))
    return query


def pending_counts(user: User) -> list[PendingCount]:
    """For each cohort this person reviews with work waiting: the count and the oldest wait, in one query."""
    query = (
        select(Cohort.id, Cohort.name, func.count(Submission.id), func.min(Submission.last_submitted_at))
        .join(Submission, Submission.cohort_id == Cohort.id)
        .where(Submission.id.in_(waiting(user)))
        .group_by(Cohort.id, Cohort.name)
        .order_by(Cohort.name, Cohort.id)
    )
    return [PendingCount(*row) for row in db.session.execute(query)]


def pending_total(user: User) -> int:
    """How many submissions wait for this person's review, all cohorts together (the header's count)."""
    return db.session.scalar(select(func.count()).select_from(waiting(user).subquery()))


@dataclass
class QueueItem:
    """One waiting submission as the queue shows it."""

    submission: Submission
    version: SubmissionVersion
    due_on: date | None
    late: bool
    waiting_days: int
    overdue: bool


def queue_items(rows, now: datetime | None = None) -> list[QueueItem]:
    """Due dates, lateness and waiting time of a page of queue rows (no queries)."""
    now = now or utcnow()
    wait_days = review_wait_days()
    items = []
    for submission, version, extension in rows:
        waiting = (now - submission.last_submitted_at).days
        items.append(
            QueueItem(
                submission=submission,
                version=version,
                due_on=assignment_due_on(submission.lesson, submission.cohort, extension),
                late=version.late,
                waiting_days=waiting,
                overdue=version.late or now - submission.last_submitted_at > timedelta(days=wait_days),
            )
        )
    return items


@dataclass
class Turnaround:
    """The median time from a version's submission to its decision, over ``count`` reviews."""

    key: int
    name: str
    median_hours: float
    count: int


def median_turnaround(viewer: User, group_column, name_column, join_target, join_on) -> list[Turnaround]:
    """Median review turnaround per group over the reviews of the cohorts ``viewer`` runs, computed by the database.

    SQLite has no median function, so both databases use one window query: each group's reviews are
    numbered by turnaround, and the median is the average of the one or two middle rows.
    """
    reviews = select(Review).join(Submission, Submission.id == Review.submission_id)
    managed = managed_cohort_ids(viewer)
    if managed is not None:
        # A lead's figures count only her programs' reviews (a mentor's in another program too are not hers).
        reviews = reviews.where(Submission.cohort_id.in_(managed))
    numbered = (
        select(
            group_column.label("key"),
            Review.turnaround_seconds.label("seconds"),
            func.row_number().over(partition_by=group_column, order_by=Review.turnaround_seconds).label("position"),
            func.count().over(partition_by=group_column).label("total"),
        )
        .select_from(Review)
        .join(Submission, Submission.id == Review.submission_id)
        .where(group_column.is_not(None), Review.id.in_(reviews.with_only_columns(Review.id)))
        .subquery()
    )
    middle = (numbered.c.total + 1) // 2, (numbered.c.total + 2) // 2
    medians = (
        select(numbered.c.key, func.avg(numbered.c.seconds).label("median"), func.max(numbered.c.total).label("count"))
        .where(numbered.c.position.in_(middle))
        .group_by(numbered.c.key)
        .subquery()
    )
    query = (
        select(medians.c.key, name_column, medians.c.median, medians.c.count)
        .join(join_target, join_on(medians.c.key))
        .order_by(name_column)
    )
    return [
        Turnaround(key=key, name=name, median_hours=round(float(median) / 3600, 1), count=count)
        for key, name, median, count in db.session.execute(query)
    ]


def turnaround_by_mentor(viewer: User) -> list[Turnaround]:
    """Median turnaround of each mentor's reviews (of the cohorts ``viewer`` runs)."""
    return median_turnaround(viewer, Review.mentor_id, User.name, User, lambda key: User.id == key)


def turnaround_by_cohort(viewer: User) -> list[Turnaround]:
    """Median turnaround of the reviews of each cohort's submissions (of the cohorts ``viewer`` runs)."""
    return median_turnaround(viewer, Submission.cohort_id, Cohort.name, Cohort, lambda key: Cohort.id == key)


register_header_count("reviews_waiting", pending_total)
