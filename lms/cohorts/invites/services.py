"""Invite codes: their settings, why one is refused, and joining a cohort with one."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.cohorts import services
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.signals import invite_accepted
from lms.core.calendar import program_today, utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.roles import Role


class InviteRefusedError(UserFacingError):
    """The invite code cannot be used now; the message says why, in the reader's language."""


def clean_invite_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def find_cohort_by_invite(code: str) -> Cohort | None:
    """The cohort this invite code belongs to (whether or not it may be used now), or None."""
    cleaned = clean_invite_code(code or "")
    if not cleaned or len(cleaned) > 16:
        return None
    return db.session.scalar(select(Cohort).where(Cohort.invite_code == cleaned))


def invite_problem(cohort: Cohort, now: datetime | None = None) -> str | None:
    """Why this cohort's invite code cannot be used now, or None when it can."""
    now = now or utcnow()
    if not cohort.invite_enabled:
        return _("This invite code is switched off. Please ask your program for a new one.")
    if has_ended(cohort):
        return _("This cohort has ended. Please ask your program about the next one.")
    if cohort.invite_expires_at is not None and cohort.invite_expires_at <= now:
        return _("This invite code has expired. Please ask your program for a new one.")
    if cohort.invite_max_uses is not None and cohort.invite_uses >= cohort.invite_max_uses:
        return _("This invite code has been used as many times as allowed. Please ask your program.")
    if cohort.capacity is not None and services.active_learner_count(cohort) >= cohort.capacity:
        return _("This cohort is full. Please ask your program.")
    return None


def has_ended(cohort: Cohort) -> bool:
    """Is the cohort's last day past, in the program's calendar? Nobody joins a cohort that has ended."""
    return cohort.ends_on is not None and cohort.ends_on < program_today()


def count_invite_use(cohort: Cohort) -> None:
    """Count one use of the invite code, or raise InviteRefusedError; one conditional UPDATE, no check-then-write.

    The UPDATE also locks the cohort's row until the transaction ends, so a second
    joiner waits here and then counts the learners this one added.
    """
    now = utcnow()
    result = db.session.execute(
        update(Cohort)
        .where(
            Cohort.id == cohort.id,
            Cohort.invite_enabled.is_(True),
            or_(Cohort.ends_on.is_(None), Cohort.ends_on >= program_today()),
            or_(Cohort.invite_expires_at.is_(None), Cohort.invite_expires_at > now),
            or_(Cohort.invite_max_uses.is_(None), Cohort.invite_uses < Cohort.invite_max_uses),
        )
        .values(invite_uses=Cohort.invite_uses + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(cohort)
    if result.rowcount != 1:
        raise InviteRefusedError(invite_problem(cohort, now) or _("This invite code cannot be used now."))
    if cohort.capacity is not None and services.active_learner_count(cohort) >= cohort.capacity:
        raise InviteRefusedError(_("This cohort is full. Please ask your program."))


def register_learner(cohort: Cohort, data: dict) -> User:
    """Create a learner account from the join form and enrol it; raises InviteRefusedError (caller rolls back)."""
    count_invite_use(cohort)
    learner = accounts.create_user(
        name=data["name"],
        role=Role.LEARNER,
        password=data["password"],
        email=data.get("email") or None,
        phone=data.get("phone") or None,
        locale=data.get("locale"),
    )
    services.enroll_learner(cohort, learner)
    invite_accepted.send(learner, cohort=cohort)
    return learner


def join_cohort(cohort: Cohort, learner: User) -> Enrollment:
    """Enrol a signed-in learner in another cohort with its code; raises InviteRefusedError (caller rolls back)."""
    current = db.session.scalar(
        select(Enrollment.id).where(
            Enrollment.cohort_id == cohort.id,
            Enrollment.learner_id == learner.id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
    )
    if current is not None:
        raise InviteRefusedError(_("You are already in this cohort."))
    count_invite_use(cohort)
    enrollment = services.enroll_learner(cohort, learner)
    invite_accepted.send(learner, cohort=cohort)
    return enrollment


def update_invite_settings(cohort: Cohort, data: dict) -> Cohort:
    """Set the invite code's expiry, maximum number of uses and whether it works."""
    cohort.invite_expires_at = data.get("invite_expires_at")
    cohort.invite_max_uses = data.get("invite_max_uses")
    cohort.invite_enabled = bool(data.get("invite_enabled"))
    db.session.flush()
    return cohort


def set_invite_enabled(cohort: Cohort, enabled: bool) -> Cohort:
    """Switch the invite code on or off."""
    cohort.invite_enabled = enabled
    db.session.flush()
    return cohort


def regenerate_invite_code(cohort: Cohort) -> Cohort:
    """Give the cohort a new invite code; the old one stops working and the use count starts again."""
    cohort.invite_code = services.unused_invite_code()
    cohort.invite_uses = 0
    db.session.flush()
    return cohort
