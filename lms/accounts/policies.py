"""Who may switch whose account off or on again."""

from lms.accounts.models import User
from lms.core.roles import Role
from lms.core.security import is_admin

# Leads run every program of an installation, so the people of their programs are its learners and mentors.
LEAD_MAY_SWITCH_OFF = (Role.LEARNER, Role.MENTOR)


def can_switch_off(actor, person: User) -> bool:
    """Admins may switch off anyone but themselves; leads, the learners and mentors of their programs."""
    if actor is None or getattr(actor, "id", None) == person.id:
        return False
    if is_admin(actor):
        return True
    return getattr(actor, "role", None) == Role.LEAD and person.role in LEAD_MAY_SWITCH_OFF
