"""Preview as a learner: the learner pages' own rules, run for a learner of a chosen cohort who exists only for the
length of one request.

The stand-in learner and her enrolment are written inside a savepoint that is always rolled back, so the pages show
exactly what a new learner of the cohort sees (offers, locks, due dates) and nothing the preview does is kept.
"""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from flask import g, url_for
from flask_babel import gettext as _

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.core.extensions import db
from lms.core.roles import Role

# No password can match this hash: the stand-in can never sign in, even for the instant she exists.
NO_PASSWORD = "!preview"  # noqa: S105 - not a password: a hash nothing matches


@contextmanager
def preview_learner(cohort: Cohort, viewer: User) -> Iterator[User]:
    """A learner of ``cohort`` with no progress, for the block's length only; everything written meanwhile is undone."""
    savepoint = db.session.begin_nested()
    try:
        learner = User(
            name=_("Preview learner"),
            # Every account has a login; this one is no number anyone can type, and is rolled back with the rest.
            phone=f"preview-{secrets.token_hex(6)}",
            role=Role.LEARNER,
            password_hash=NO_PASSWORD,
            locale=viewer.locale,
            active=False,
        )
        db.session.add(learner)
        db.session.add(Enrollment(cohort=cohort, learner=learner, status=EnrollmentStatus.ACTIVE))
        db.session.flush()
        g.preview_cohort = cohort
        yield learner
    finally:
        g.pop("preview_cohort", None)
        savepoint.rollback()


def previewed_cohort() -> Cohort | None:
    """The cohort the page being drawn is previewed as, or None on every ordinary page."""
    return g.get("preview_cohort")


def lesson_url(lesson_id: int) -> str:
    """A lesson's link on the learner pages: inside a preview it stays in the preview."""
    cohort = previewed_cohort()
    if cohort is not None:
        return url_for("courses.preview_lesson", lesson_id=lesson_id, cohort=cohort.id)
    return url_for("courses.lesson_page", lesson_id=lesson_id)


def course_url(course_id: int) -> str:
    """A course's link on the learner pages: inside a preview it stays in the preview."""
    cohort = previewed_cohort()
    if cohort is not None:
        return url_for("courses.preview_course", course_id=course_id, cohort=cohort.id)
    return url_for("courses.course_page", course_id=course_id)
