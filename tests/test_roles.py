"""Who counts as staff and as a program manager: one answer, whichever area asks."""

from flask_login import AnonymousUserMixin

from lms.cohorts.policies import can_manage_cohorts
from lms.core.security import is_admin, is_learner, is_mentor, is_program_manager, is_staff
from lms.courses.policies import can_manage_courses
from lms.learning.policies import can_view_turnaround
from lms.outcomes.policies import can_delete_follow_up, can_manage_outcomes
from lms.progress.policies import can_contact_learner

MANAGER_POLICIES = (
    can_manage_cohorts,
    can_manage_courses,
    can_manage_outcomes,
    can_view_turnaround,
    can_delete_follow_up,
)


def test_each_role_answers_the_role_policies(world):
    people = {"learner": world.learner_a, "mentor": world.mentor_a, "lead": world.lead, "admin": world.admin}
    answers = {
        role: (is_learner(user), is_mentor(user), is_staff(user), is_program_manager(user), is_admin(user))
        for role, user in people.items()
    }
    assert answers == {
        "learner": (True, False, False, False, False),
        "mentor": (False, True, True, False, False),
        "lead": (False, False, True, True, False),
        "admin": (False, False, True, True, True),
    }
    for user in people.values():
        assert {policy(user) for policy in MANAGER_POLICIES} == {is_program_manager(user)}
        assert can_contact_learner(user) == is_staff(user)


def test_an_anonymous_visitor_has_no_role():
    visitor = AnonymousUserMixin()
    assert not any(check(visitor) for check in (is_learner, is_mentor, is_staff, is_program_manager, is_admin))
