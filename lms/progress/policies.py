"""Who may see whose progress."""

from lms.accounts.models import User
from lms.cohorts import policies as cohort_policies
from lms.cohorts.models import Cohort
from lms.core.roles import Role
from lms.core.security import is_staff


def can_view_cohort_progress(user: User, cohort: Cohort) -> bool:
    """A cohort's grid, export and at-risk list: its mentors, leads and admins."""
    return cohort_policies.can_view_cohort(user, cohort)


def can_view_learner_progress(user: User, learner: User) -> bool:
    """A learner's page: the learner, their cohorts' mentors, leads and admins; only learners have one."""
    return learner.role == Role.LEARNER and cohort_policies.can_view_learner(user, learner)


def can_contact_learner(user: User) -> bool:
    """Staff see a learner's phone number as a link to call; a learner looking at themself needs none."""
    return is_staff(user)
