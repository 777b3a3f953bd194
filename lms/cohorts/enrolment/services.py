"""Moving learners between cohorts, withdrawing them, and pairing them with a mentor."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts import services
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db


class EnrolmentRefusedError(UserFacingError):
    """The change cannot be made; the message says why."""


def find_enrollment(cohort: Cohort, learner_id: int) -> Enrollment | None:
    """This learner's enrolment in this cohort (active or left), or None."""
    return db.session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.learner_id == learner_id)
    )


def move_targets(cohort: Cohort):
    """A select of the other cohorts of the same program, by name: where a learner may be moved."""
    return select(Cohort).where(Cohort.program_id == cohort.program_id, Cohort.id != cohort.id).order_by(Cohort.name)


def require_active(enrollment: Enrollment) -> None:
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise EnrolmentRefusedError(_("%(name)s has already left this cohort.", name=enrollment.learner.name))


def move_learner(enrollment: Enrollment, target: Cohort) -> Enrollment:
    """Move a learner to another cohort of the same program; the old enrolment stays, marked moved."""
    require_active(enrollment)
    if target.program_id != enrollment.cohort.program_id or target.id == enrollment.cohort_id:
        raise EnrolmentRefusedError(_("Choose another cohort of the same program."))
    existing = find_enrollment(target, enrollment.learner_id)
    if existing is not None and existing.status == EnrollmentStatus.ACTIVE:
        raise EnrolmentRefusedError(
            _("%(name)s is already in %(cohort)s.", name=enrollment.learner.name, cohort=target.name)
        )
    if target.capacity is not None and services.active_learner_count(target) >= target.capacity:
        raise EnrolmentRefusedError(_("%(cohort)s is full.", cohort=target.name))
    enrollment.status = EnrollmentStatus.MOVED
    enrollment.left_at = utcnow()
    return services.enroll_learner(target, enrollment.learner)


def withdraw_learner(enrollment: Enrollment) -> Enrollment:
    """Mark a learner as withdrawn; their completions and submissions stay."""
    require_active(enrollment)
    enrollment.status = EnrollmentStatus.WITHDRAWN
    enrollment.left_at = utcnow()
    db.session.flush()
    return enrollment


def pair_mentor(enrollment: Enrollment, mentor: User | None) -> Enrollment:
    """Pair a learner with one of the cohort's mentors, or unpair them (``mentor`` None)."""
    require_active(enrollment)
    if mentor is not None and mentor not in enrollment.cohort.mentors:
        raise EnrolmentRefusedError(_("Choose one of this cohort's mentors."))
    enrollment.mentor_id = mentor.id if mentor is not None else None
    db.session.flush()
    return enrollment
