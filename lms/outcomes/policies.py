"""Who may fill in, see and manage a learner's outcome records."""

from lms.auth.models import Role, User
from lms.cohorts.policies import mentors_learner_now


def can_manage_outcomes(user: User) -> bool:
    """Leads and admins manage outcomes across the program and read the audit log."""
    return user.role in (Role.LEAD, Role.ADMIN)


def can_edit_intake(user: User, learner: User) -> bool:
    """The learner themself, a mentor of one of their active cohorts, or a lead/admin."""
    if learner.role != Role.LEARNER:
        return False
    return user.id == learner.id or can_manage_outcomes(user) or mentors_learner_now(user, learner)


def can_view_outcomes(user: User, learner: User) -> bool:
    """The same people who may fill in the intake may read the learner's outcome records."""
    return can_edit_intake(user, learner)
