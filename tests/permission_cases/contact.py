"""Notifications, the email outbox, the mentor's home, check-ins."""

from lms.accounts.models import User
from lms.core.extensions import db
from lms.notifications.models import Notification, NotificationKind
from tests.permission_cases.common import SIGNED_IN, STAFF, Case, everyone, moved_to_cohort_b


def notification_of(user) -> int:
    """A notification of ``user`` (made when the case's URL is built), leading to the home page."""
    notification = Notification(user_id=user.id, kind=NotificationKind.INVITE_ACCEPTED, link="/", params={})
    db.session.add(notification)
    db.session.commit()
    return notification.id


def check_ins(cohort, learner) -> str:
    return f"/cohorts/{cohort.id}/learners/{learner.id}/check-ins"


HIDDEN_FROM_STAFF = everyone(404, anonymous=302, learner=403)

CASES: dict[str, list[Case]] = {
    "cohorts.notifications_page": [Case(lambda w: "/notifications", SIGNED_IN)],
    "cohorts.open_notification": [
        # The learner opens their own and is sent to its link; anyone else finds nothing.
        Case(
            lambda w: f"/notifications/{notification_of(w.learner_a)}/open",
            everyone(404, anonymous=302, learner=302),
            method="POST",
        ),
        Case(
            lambda w: f"/notifications/{notification_of(w.mentor_b)}/open", everyone(404, anonymous=302), method="POST"
        ),
        Case(lambda w: "/notifications/999999/open", everyone(404, anonymous=302), method="POST"),
    ],
    "cohorts.read_all_notifications": [Case(lambda w: "/notifications/read-all", everyone(302), method="POST")],
    "cohorts.outbox": [Case(lambda w: "/outbox", everyone(403, anonymous=302, admin=200))],
    "cohorts.check_ins": [
        Case(lambda w: check_ins(w.cohort_a, w.learner_a), STAFF),
        # Only the cohort's mentor logs one; an empty form comes back with its errors.
        Case(
            lambda w: check_ins(w.cohort_a, w.learner_a),
            everyone(403, anonymous=302, mentor=200),
            method="POST",
        ),
        # Cohort B is another mentor's: hidden from mentor A.
        Case(lambda w: check_ins(w.cohort_b, w.learner_b), everyone(200, anonymous=302, learner=403, mentor=404)),
        Case(
            lambda w: check_ins(w.cohort_b, w.learner_b),
            everyone(403, anonymous=302, mentor=404),
            method="POST",
            data={"happened_on": "2026-01-05", "channel": "call"},
        ),
        # A learner who moved from cohort A to B: cohort A's notes are hidden from its mentor now.
        Case(
            lambda w: check_ins(w.cohort_a, db.session.get(User, moved_to_cohort_b(w))),
            HIDDEN_FROM_STAFF | {"lead": 200, "admin": 200},
        ),
        # Learner B is not in cohort A.
        Case(lambda w: check_ins(w.cohort_a, w.learner_b), HIDDEN_FROM_STAFF),
        Case(lambda w: check_ins(w.cohort_a, w.lead), HIDDEN_FROM_STAFF),
        Case(lambda w: f"/cohorts/999999/learners/{w.learner_a.id}/check-ins", HIDDEN_FROM_STAFF),
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/learners/999999/check-ins", HIDDEN_FROM_STAFF),
    ],
}
