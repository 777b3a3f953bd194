"""Outcomes: the impact dashboard and its aggregate export, for leads and admins across the whole program."""

from tests.permission_cases.common import MANAGERS, Case

CASES: dict[str, list[Case]] = {
    # Mentors are refused too, even for their own cohort: the dashboard is the program's, not a cohort's.
    "outcomes.impact": [
        Case(lambda w: "/impact", MANAGERS),
        Case(lambda w: f"/impact?cohort={w.cohort_a.id}&by=channel&verified=yes", MANAGERS),
        Case(lambda w: f"/impact?cohort={w.cohort_b.id}&poverty=yes&gender=female&by=gender", MANAGERS),
        Case(lambda w: f"/impact?program={w.program.id}&from=2027-01-01&to=2027-12-31&by=county", MANAGERS),
        # Garbled filters are ignored: the whole program is shown.
        Case(lambda w: "/impact?cohort=99999999999999999999&program=-1&from=2027-02-30&gender=%00&by=%00", MANAGERS),
    ],
    "outcomes.impact_report_csv": [
        Case(lambda w: "/impact/report.csv", MANAGERS),
        Case(lambda w: f"/impact/report.csv?cohort={w.cohort_a.id}&by=poverty", MANAGERS),
        Case(lambda w: "/impact/report.csv?cohort=abc&channel=x&verified=maybe&by=channel", MANAGERS),
    ],
}
