"""The permission matrix: for every route, what each role gets.

Every endpoint of ``app.url_map`` must have an entry here; ``test_permissions``
fails on a route without one. Statuses: 200 shown, 302 sent elsewhere (to sign
in, for the anonymous), 403 refused, 404 hidden.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.factories import World

ROLES = ("anonymous", "learner", "mentor", "lead", "admin")


@dataclass(frozen=True)
class Case:
    url: Callable[[World], str]
    expect: dict[str, int]
    method: str = "GET"
    data: dict = field(default_factory=dict)


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {role: overrides.get(role, status) for role in ROLES}


SIGNED_IN = everyone(200, anonymous=302)
STAFF = everyone(200, anonymous=302, learner=403)
MANAGERS = everyone(200, anonymous=302, learner=403, mentor=403)
MANAGER_ACTION = everyone(302, learner=403, mentor=403)
ANONYMOUS_ONLY = everyone(302, anonymous=200)

MATRIX: dict[str, list[Case]] = {
    "progress.home": [Case(lambda w: "/", SIGNED_IN)],
    "auth.login": [Case(lambda w: "/login", ANONYMOUS_ONLY)],
    "auth.logout": [Case(lambda w: "/logout", everyone(302), method="POST")],
    "auth.change_password": [Case(lambda w: "/account/password", SIGNED_IN)],
    "auth.set_language": [Case(lambda w: "/language", everyone(302), method="POST", data={"lang": "en"})],
    "auth.accounts": [Case(lambda w: "/accounts", MANAGERS)],
    "auth.new_account": [Case(lambda w: "/accounts/new", MANAGERS)],
    "cohorts.join": [
        Case(lambda w: "/join", ANONYMOUS_ONLY),
        Case(lambda w: f"/join/{w.cohort_a.invite_code}", ANONYMOUS_ONLY),
    ],
    "cohorts.index": [Case(lambda w: "/cohorts", STAFF)],
    "cohorts.new_program": [Case(lambda w: "/programs/new", MANAGERS)],
    "cohorts.new_cohort": [Case(lambda w: "/cohorts/new", MANAGERS)],
    "cohorts.detail": [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}", STAFF),
        # Cohort B is not the mentor's: it is hidden from them.
        Case(lambda w: f"/cohorts/{w.cohort_b.id}", everyone(200, anonymous=302, learner=403, mentor=404)),
        Case(lambda w: "/cohorts/999999", everyone(404, anonymous=302, learner=403)),
    ],
    "cohorts.regenerate_invite": [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/invite-code", MANAGER_ACTION, method="POST")
    ],
    "cohorts.assign_mentor": [
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/mentors",
            MANAGER_ACTION,
            method="POST",
            data={"mentor_id": "0"},
        )
    ],
    "cohorts.unassign_mentor": [
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/mentors/{w.mentor_a.id}/remove",
            MANAGER_ACTION,
            method="POST",
        ),
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/mentors/{w.learner_a.id}/remove",
            everyone(404, anonymous=302, learner=403, mentor=403),
            method="POST",
        ),
    ],
}


def endpoints_missing_from_matrix(app) -> list[str]:
    """Endpoints the app serves that the matrix says nothing about."""
    return sorted(
        {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"} - set(MATRIX)
    )
