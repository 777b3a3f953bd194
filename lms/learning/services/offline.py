"""Actions a learner made offline: the id her phone gave each, and when it happened."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.models import Enrollment
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.courses.models import CohortCourse, Lesson


@dataclass(frozen=True)
class OfflineAction:
    """What the phone sent with an action it kept while offline: its own id and the time on the phone."""

    client_id: str
    happened_at: datetime | None = None


def offline_window() -> timedelta:
    """How long before its arrival an offline action may count as made (``LMS_OFFLINE_WINDOW_HOURS``)."""
    return timedelta(hours=current_app.config["LMS_OFFLINE_WINDOW_HOURS"])


def action_time(learner: User, lesson: Lesson, action: OfflineAction | None) -> datetime:
    """When the action counts as made: the phone's time, kept between the earliest it could be and now.

    A phone's clock can be wrong either way, and a phone kept offline for long must not move work
    back before a due date it missed: the time is never in the future, never before the lesson
    opened or her enrolment in a cohort taking its course, and never more than the offline window
    before it arrived.
    """
    now = utcnow()
    if action is None or action.happened_at is None:
        return now
    enrolled = db.session.scalar(
        select(func.min(Enrollment.enrolled_at))
        .join(CohortCourse, CohortCourse.cohort_id == Enrollment.cohort_id)
        .where(Enrollment.learner_id == learner.id, CohortCourse.course_id == lesson.module.course_id)
    )
    earliest = [now - offline_window(), *(time for time in (enrolled, lesson.opened_at) if time is not None)]
    return max(min(action.happened_at, now), *earliest)
