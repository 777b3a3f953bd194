"""Who may switch whose account off or on again."""

from collections.abc import Callable, Iterable

from sqlalchemy import Select, false, or_, select, true

from lms.accounts.models import User
from lms.core.extensions import db
from lms.core.roles import Role
from lms.core.security import is_admin

# A lead switches off the learners and mentors of the programs she leads.
LEAD_MAY_SWITCH_OFF = (Role.LEARNER, Role.MENTOR)

# Who a lead's programs hold: filled by the cohorts area (which knows programs) when the app starts. Given a lead,
# a select of the ids of the people of her programs.
PeopleOfLead = Callable[[User], Select]
PEOPLE_OF_LEAD: list[PeopleOfLead] = []


def register_people_of_lead(rule: PeopleOfLead) -> PeopleOfLead:
    """Tell the accounts area who a lead's programs hold."""
    if rule not in PEOPLE_OF_LEAD:
        PEOPLE_OF_LEAD.append(rule)
    return rule


def listed_people(actor):
    """A where clause for the accounts this person's accounts page lists: an admin every one; a lead the staff (the
    installation's mentors, whom she assigns to her cohorts) and the learners of her programs only."""
    if is_admin(actor):
        return true()
    if getattr(actor, "role", None) != Role.LEAD:
        return false()
    return or_(User.role != Role.LEARNER, *(User.id.in_(rule(actor)) for rule in PEOPLE_OF_LEAD))


def switchable_ids(actor, people: Iterable[User]) -> set[int]:
    """The ids of these people ``actor`` may switch off or on: one query for a lead's whole page."""
    people = list(people)
    if actor is None or not people:
        return set()
    others = [person for person in people if person.id != getattr(actor, "id", None)]
    if is_admin(actor):
        return {person.id for person in others}
    if getattr(actor, "role", None) != Role.LEAD:
        return set()
    candidates = [person.id for person in others if person.role in LEAD_MAY_SWITCH_OFF]
    if not candidates or not PEOPLE_OF_LEAD:
        return set()
    found = set()
    for rule in PEOPLE_OF_LEAD:
        found |= set(db.session.scalars(select(User.id).where(User.id.in_(candidates), User.id.in_(rule(actor)))))
    return found


def can_switch_off(actor, person: User) -> bool:
    """Admins may switch off anyone but themselves; leads, the learners and mentors of their programs."""
    return person.id in switchable_ids(actor, [person])
