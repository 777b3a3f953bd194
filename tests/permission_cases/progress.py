"""Progress: the learner's home, cohort grids, at-risk lists, learner pages.

The world's mentor mentors cohort A only: cohort B's grid and learners are hidden from them (404),
as is every other learner's page from a learner.
"""

from tests.permission_cases.common import Case, everyone, moved_to_cohort_b, other_lead

COHORT_A_STAFF = everyone(200, anonymous=302, learner=403)
OTHER_COHORT_STAFF = everyone(200, anonymous=302, learner=403, mentor=404)
MISSING_COHORT = everyone(404, anonymous=302, learner=403)


def cohort_cases(suffix: str) -> list[Case]:
    return [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/{suffix}", other_lead(COHORT_A_STAFF)),
        Case(lambda w: f"/cohorts/{w.cohort_b.id}/{suffix}", OTHER_COHORT_STAFF),
        Case(lambda w: f"/cohorts/999999/{suffix}", MISSING_COHORT),
    ]


CASES: dict[str, list[Case]] = {
    "progress.cohort_grid": cohort_cases("progress"),
    "progress.cohort_grid_csv": cohort_cases("progress.csv"),
    "progress.at_risk": cohort_cases("at-risk"),
    "progress.learner_page": [
        # The learner's own page; their mentor's learner.
        Case(lambda w: f"/learners/{w.learner_a.id}", other_lead(everyone(200, anonymous=302))),
        # Another cohort's learner: hidden from a learner and from a mentor of another cohort.
        Case(lambda w: f"/learners/{w.learner_b.id}", everyone(200, anonymous=302, learner=404, mentor=404)),
        # A learner who moved from cohort A to B: no longer cohort A's mentor's to see.
        Case(lambda w: f"/learners/{moved_to_cohort_b(w)}", everyone(200, anonymous=302, learner=404, mentor=404)),
        # Staff have no learner page.
        Case(lambda w: f"/learners/{w.mentor_a.id}", everyone(404, anonymous=302)),
        Case(lambda w: "/learners/999999", everyone(404, anonymous=302)),
    ],
}
