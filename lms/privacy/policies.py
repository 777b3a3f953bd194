"""Who may download a learner's data, and who decides on her deletion request."""

from lms.accounts.models import User
from lms.cohorts.policies import leads_learner
from lms.core.roles import Role
from lms.core.security import is_program_manager


def can_have_own_data(user: User) -> bool:
    """Learners download what we hold about them and may ask for its deletion (staff ask an admin)."""
    return user.role == Role.LEARNER


def can_decide_deletion(user: User, learner: User) -> bool:
    """An admin, or a lead of a program the learner is or was in; never she herself, nor a mentor."""
    return is_program_manager(user) and user.id != learner.id and leads_learner(user, learner)
