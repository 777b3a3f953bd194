"""Submissions, the review queue and reviews.

The world's learner and mentor belong to cohort A: cohort B's assignment and submissions are hidden
from them (404), as are lessons that are not published assignments. Handing in is for learners;
reviewing for mentors of the submission's cohort, leads and admins.
"""

from sqlalchemy import select

from lms.core.extensions import db
from lms.learning.models.submission import Submission, SubmissionVersion
from tests.permission_cases.common import MANAGERS, STAFF, Case, everyone, other_lead

LEARNER_PAGE = everyone(403, anonymous=302, learner=200)
LEARNER_HIDDEN = everyone(403, anonymous=302, learner=404)
LEARNER_ACTION = everyone(403, anonymous=302, learner=302)
OTHER_COHORT = everyone(200, anonymous=302, learner=403, mentor=404)
STAFF_MISSING = everyone(404, anonymous=302, learner=403)


def submission_of(learner, lesson, cohort) -> int:
    """A submission with one version, waiting for review (made once: the bad-input test asks again)."""
    existing = db.session.scalar(
        select(Submission.id).where(Submission.learner_id == learner.id, Submission.lesson_id == lesson.id)
    )
    if existing is not None:
        return existing
    submission = Submission(lesson=lesson, learner=learner, cohort=cohort, version_count=1)
    submission.versions.append(SubmissionVersion(number=1, text="My price list: tea 80 yuan per 500 g"))
    db.session.add(submission)
    db.session.commit()
    return submission.id


def review_url(pick):
    def url(w):
        learner, courses, cohort = pick(w)
        return f"/submissions/{submission_of(learner, courses.assignment, cohort)}/review"

    return url


COHORT_A = review_url(lambda w: (w.learner_a, w.courses_a, w.cohort_a))
COHORT_B = review_url(lambda w: (w.learner_b, w.courses_b, w.cohort_b))

CASES: dict[str, list[Case]] = {
    "cohorts.my_submission": [
        Case(lambda w: f"/lessons/{w.courses_a.assignment.id}/submission", LEARNER_PAGE),
        # Another cohort's assignment, a lesson that is not an assignment, a draft: nothing to hand in.
        Case(lambda w: f"/lessons/{w.courses_b.assignment.id}/submission", LEARNER_HIDDEN),
        Case(lambda w: f"/lessons/{w.courses_a.reading.id}/submission", LEARNER_HIDDEN),
        Case(lambda w: f"/lessons/{w.courses_a.draft.id}/submission", LEARNER_HIDDEN),
        Case(lambda w: "/lessons/999999/submission", LEARNER_HIDDEN),
    ],
    "cohorts.submit_work": [
        Case(
            lambda w: f"/lessons/{w.courses_a.assignment.id}/submission",
            LEARNER_ACTION,
            method="POST",
            data={"text": "I filmed my tea garden at dawn."},
        ),
        # Nothing filled in: the form comes back with what to do.
        Case(
            lambda w: f"/lessons/{w.courses_a.assignment.id}/submission",
            everyone(403, anonymous=302, learner=409),
            method="POST",
        ),
        Case(
            lambda w: f"/lessons/{w.courses_b.assignment.id}/submission",
            LEARNER_HIDDEN,
            method="POST",
            data={"text": "Not my cohort's"},
        ),
        Case(lambda w: f"/lessons/{w.courses_a.quiz.id}/submission", LEARNER_HIDDEN, method="POST"),
    ],
    "cohorts.review_queue": [
        Case(lambda w: "/reviews", STAFF),
        Case(lambda w: f"/reviews?cohort={w.cohort_b.id}", STAFF),
    ],
    "cohorts.review": [
        Case(COHORT_A, other_lead(STAFF)),
        Case(COHORT_B, OTHER_COHORT),
        Case(lambda w: "/submissions/999999/review", STAFF_MISSING),
        # A review form without its fields: shown again with the errors, to those who may review.
        Case(COHORT_A, everyone(400, anonymous=302, learner=403), method="POST"),
        Case(COHORT_B, everyone(400, anonymous=302, learner=403, mentor=404), method="POST"),
    ],
    "cohorts.turnaround": [Case(lambda w: "/reviews/turnaround", MANAGERS)],
    "cohorts.cohort_extensions": [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/extensions", other_lead(STAFF)),
        Case(lambda w: f"/cohorts/{w.cohort_b.id}/extensions", OTHER_COHORT),
        Case(lambda w: "/cohorts/999999/extensions", STAFF_MISSING),
        # Posted without an assignment: the form again, with what is missing.
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/extensions",
            everyone(400, anonymous=302, learner=403),
            method="POST",
            data={"due_on": "2027-12-31"},
        ),
    ],
    "cohorts.extensions": [
        Case(lambda w: f"/submissions/extensions?learner={w.learner_a.id}", STAFF),
        Case(lambda w: f"/submissions/extensions?learner={w.learner_b.id}", OTHER_COHORT),
        # Not a learner, or nobody: nothing to extend.
        Case(lambda w: f"/submissions/extensions?learner={w.mentor_a.id}", STAFF_MISSING),
        Case(lambda w: "/submissions/extensions", STAFF_MISSING),
        # Posted without an assignment: the form again, with what is missing (granting: tests/cohorts).
        Case(
            lambda w: f"/submissions/extensions?learner={w.learner_a.id}",
            everyone(400, anonymous=302, learner=403),
            method="POST",
            data={"due_on": "2027-12-31"},
        ),
        Case(
            lambda w: f"/submissions/extensions?learner={w.learner_b.id}",
            everyone(400, anonymous=302, learner=403, mentor=404),
            method="POST",
            data={"due_on": "2027-12-31"},
        ),
    ],
}
