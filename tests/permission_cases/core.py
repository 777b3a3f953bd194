"""Accounts, cohorts and the home page."""

from tests.permission_cases.common import (
    ANONYMOUS_ONLY,
    MANAGER_ACTION,
    MANAGERS,
    SIGNED_IN,
    STAFF,
    Case,
    everyone,
)

CASES: dict[str, list[Case]] = {
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
