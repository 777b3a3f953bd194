"""Actions a learner made offline: the id her phone gave each, and when it happened."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.models import Enrollment
from lms.core.calendar import utcnow
from lms.core.extensions import db


@dataclass(frozen=True)
class OfflineAction:
    """What the phone sent with an action it kept while offline: its own id and the time on the phone."""

    client_id: str
    happened_at: datetime | None = None


def action_time(learner: User, action: OfflineAction | None) -> datetime:
    """When the action counts as made: the phone's time, kept between her first enrolment and now.

    A phone's clock can be wrong either way; an action cannot come from the future, nor from
    before she could learn here.
    """
    now = utcnow()
    if action is None or action.happened_at is None:
        return now
    enrolled = db.session.scalar(select(func.min(Enrollment.enrolled_at)).where(Enrollment.learner_id == learner.id))
    happened = min(action.happened_at, now)
    return max(happened, enrolled) if enrolled is not None else happened
