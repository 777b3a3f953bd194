"""The pieces every permission table is written with."""

from collections.abc import Callable
from dataclasses import dataclass, field

from lms.cohorts.models import EnrollmentStatus
from lms.core.extensions import db
from tests.factories import EnrollmentFactory, UserFactory, World

ROLES = ("anonymous", "learner", "mentor", "lead", "admin")


@dataclass(frozen=True)
class Case:
    url: Callable[[World], str]
    expect: dict[str, int]
    method: str = "GET"
    # The form posted, or a function of the world that gives it (for ids the world makes).
    data: dict | Callable[[World], dict] = field(default_factory=dict)


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, status) for role in ROLES}


def other_lead(expect: dict[str, int], status: int = 404) -> dict[str, int]:
    """``expect``, and what a lead of another program gets (hidden, unless said otherwise): she runs only hers."""
    return {**expect, "other_lead": status}


SIGNED_IN = everyone(200, anonymous=302)
STAFF = everyone(200, anonymous=302, learner=403)
MANAGERS = everyone(200, anonymous=302, learner=403, mentor=403)
MANAGER_ACTION = everyone(302, learner=403, mentor=403)
ANONYMOUS_ONLY = everyone(302, anonymous=200)


def moved_to_cohort_b(world: World) -> int:
    """A learner of cohort A who moved to cohort B (made when the case's URL is built): mentor A's no longer."""
    learner = UserFactory(name="Moved Learner")
    EnrollmentFactory(cohort=world.cohort_a, learner=learner, status=EnrollmentStatus.MOVED)
    EnrollmentFactory(cohort=world.cohort_b, learner=learner)
    db.session.commit()
    return learner.id
