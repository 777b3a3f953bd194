"""Cohort announcements: staff post to their own cohorts; a learner reads those of the cohorts she is in now."""

from sqlalchemy import select

from lms.cohorts.announcements.services import post_announcement
from lms.cohorts.models import Announcement
from lms.core.extensions import db
from tests.permission_cases.common import STAFF, Case, everyone


def announcement_to(world, cohort) -> int:
    """A URL-builder's helper: an announcement the lead posted to ``cohort``, made once."""
    found = db.session.scalar(select(Announcement).where(Announcement.title == f"To {cohort.name}"))
    if found is None:
        found = post_announcement(world.lead, [cohort.id], f"To {cohort.name}", "Text")
    return found.id


def form(cohort) -> dict:
    return {"cohorts": cohort.id, "title": "Livestream practice", "body": "Saturday at 8 pm."}


STAFF_ACTION = everyone(302, learner=403)
LEARNER_ACTION = everyone(403, anonymous=302, learner=302)
LEARNER_HIDDEN = everyone(403, anonymous=302, learner=404)

CASES: dict[str, list[Case]] = {
    "cohorts.announcements": [Case(lambda w: "/announcements", STAFF)],
    "cohorts.new_announcement": [
        Case(lambda w: "/announcements/new", STAFF),
        Case(lambda w: f"/announcements/new?cohort={w.cohort_b.id}", STAFF),
        # Mentor A posts to her own cohort; cohort B is not hers: the form again with the message.
        Case(lambda w: "/announcements/new", STAFF_ACTION, "POST", lambda w: form(w.cohort_a)),
        Case(
            lambda w: "/announcements/new", everyone(302, learner=403, mentor=400), "POST", lambda w: form(w.cohort_b)
        ),
        Case(lambda w: "/announcements/new", everyone(400, anonymous=302, learner=403), "POST", {"title": "x"}),
    ],
    "cohorts.announcement": [
        # Cohort A's: learner A and mentor A read it; cohort B's is hidden from them as if it did not exist.
        Case(lambda w: f"/announcements/{announcement_to(w, w.cohort_a)}", everyone(200, anonymous=302)),
        Case(
            lambda w: f"/announcements/{announcement_to(w, w.cohort_b)}",
            everyone(200, anonymous=302, learner=404, mentor=404),
        ),
        Case(lambda w: "/announcements/99999999", everyone(404, anonymous=302)),
    ],
    "cohorts.read_announcement": [
        # Only a learner reads one into her record; another cohort's is hidden from her.
        Case(lambda w: f"/announcements/{announcement_to(w, w.cohort_a)}/read", LEARNER_ACTION, "POST"),
        Case(lambda w: f"/announcements/{announcement_to(w, w.cohort_b)}/read", LEARNER_HIDDEN, "POST"),
        Case(lambda w: "/announcements/99999999/read", LEARNER_HIDDEN, "POST"),
    ],
}
