"""Preview as a learner: leads and admins as any cohort taking the course, a mentor as her own cohorts only."""

from tests.permission_cases.common import STAFF, Case, everyone, other_lead

# Mentor A neither mentors cohort B nor sees its course.
OTHER_COHORT = everyone(200, anonymous=302, learner=403, mentor=404)

CASES: dict[str, list[Case]] = {
    "courses.preview_course": [
        Case(lambda w: f"/courses/{w.courses_a.course.id}/preview", other_lead(STAFF)),
        Case(lambda w: f"/courses/{w.courses_a.course.id}/preview?cohort={w.cohort_a.id}", other_lead(STAFF)),
        Case(lambda w: f"/courses/{w.courses_b.course.id}/preview?cohort={w.cohort_b.id}", other_lead(OTHER_COHORT)),
        # Cohort B does not take course A: for nobody.
        Case(
            lambda w: f"/courses/{w.courses_a.course.id}/preview?cohort={w.cohort_b.id}",
            everyone(404, anonymous=302, learner=403),
        ),
        Case(lambda w: "/courses/99999999/preview", everyone(404, anonymous=302, learner=403)),
    ],
    "courses.preview_lesson": [
        Case(lambda w: f"/lessons/{w.courses_a.reading.id}/preview?cohort={w.cohort_a.id}", other_lead(STAFF)),
        Case(lambda w: f"/lessons/{w.courses_b.quiz.id}/preview?cohort={w.cohort_b.id}", other_lead(OTHER_COHORT)),
        # No cohort chosen, or a draft lesson learners do not see.
        Case(lambda w: f"/lessons/{w.courses_a.reading.id}/preview", everyone(404, anonymous=302, learner=403)),
        Case(
            lambda w: f"/lessons/{w.courses_a.draft.id}/preview?cohort={w.cohort_a.id}",
            everyone(404, anonymous=302, learner=403),
        ),
    ],
}
