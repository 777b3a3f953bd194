"""Learner pages: catalogue, course, lesson, quiz.

The world's learner and mentor belong to cohort A: course A is theirs, course B
(offered to cohort B only) is hidden from them, and so are draft lessons. A lead of
another program finds none of the world's program's courses.
"""

from tests.permission_cases.common import SIGNED_IN, Case, everyone, other_lead

HIDDEN_FROM_COHORT_A = everyone(200, anonymous=302, learner=404, mentor=404)
LEARNER_ACTION = everyone(403, anonymous=302, learner=302)
LEARNER_ONLY_HIDDEN = everyone(403, anonymous=302, learner=404)


def lesson_url(pick):
    return lambda w: f"/lessons/{pick(w).id}"


CASES: dict[str, list[Case]] = {
    "courses.catalogue": [Case(lambda w: "/courses", other_lead(SIGNED_IN, 200))],
    "courses.course_page": [
        Case(lambda w: f"/courses/{w.courses_a.course.id}", other_lead(SIGNED_IN)),
        Case(lambda w: f"/courses/{w.courses_b.course.id}", other_lead(HIDDEN_FROM_COHORT_A)),
        Case(lambda w: "/courses/999999", everyone(404, anonymous=302)),
    ],
    "courses.lesson_page": [
        Case(lesson_url(lambda w: w.courses_a.reading), other_lead(SIGNED_IN)),
        Case(lesson_url(lambda w: w.courses_a.video), other_lead(SIGNED_IN)),
        Case(lesson_url(lambda w: w.courses_a.quiz), other_lead(SIGNED_IN)),
        Case(lesson_url(lambda w: w.courses_a.assignment), other_lead(SIGNED_IN)),
        # Drafts are for the people who write courses.
        Case(lesson_url(lambda w: w.courses_a.draft), other_lead(HIDDEN_FROM_COHORT_A)),
        Case(lesson_url(lambda w: w.courses_b.reading), other_lead(HIDDEN_FROM_COHORT_A)),
        Case(lambda w: "/lessons/999999", everyone(404, anonymous=302)),
    ],
    "courses.mark_lesson_done": [
        Case(lambda w: f"/lessons/{w.courses_a.reading.id}/done", LEARNER_ACTION, method="POST"),
        Case(lambda w: f"/lessons/{w.courses_a.video.id}/done", LEARNER_ACTION, method="POST"),
        # A quiz is done by passing it, an assignment by a mentor's acceptance.
        Case(
            lambda w: f"/lessons/{w.courses_a.quiz.id}/done",
            everyone(403, anonymous=302, learner=400),
            method="POST",
        ),
        # A draft of her own course never opened to learners is not found; one unpublished while she was offline
        # is refused with a message (tests/courses/test_offline_actions.py).
        Case(lambda w: f"/lessons/{w.courses_a.draft.id}/done", LEARNER_ONLY_HIDDEN, method="POST"),
        Case(lambda w: f"/lessons/{w.courses_b.reading.id}/done", LEARNER_ONLY_HIDDEN, method="POST"),
    ],
    "courses.submit_quiz": [
        Case(lambda w: f"/lessons/{w.courses_a.quiz.id}/quiz", LEARNER_ACTION, method="POST"),
        Case(lambda w: f"/lessons/{w.courses_b.quiz.id}/quiz", LEARNER_ONLY_HIDDEN, method="POST"),
        Case(lambda w: f"/lessons/{w.courses_a.reading.id}/quiz", LEARNER_ONLY_HIDDEN, method="POST"),
    ],
    # Saving for offline use: the service worker is for everyone (it does nothing for a visitor); what a course
    # saves follows who may see the course.
    "courses.service_worker": [Case(lambda w: "/sw.js", everyone(200))],
    "courses.saved_page": [Case(lambda w: "/offline", SIGNED_IN)],
    "courses.offline_package": [
        Case(lambda w: f"/courses/{w.courses_a.course.id}/offline", other_lead(SIGNED_IN)),
        Case(
            lambda w: f"/courses/{w.courses_a.course.id}/offline?module={w.courses_a.module.id}", other_lead(SIGNED_IN)
        ),
        Case(
            lambda w: f"/courses/{w.courses_a.course.id}/offline?module={w.courses_b.module.id}",
            everyone(404, anonymous=302),
        ),
        Case(lambda w: f"/courses/{w.courses_b.course.id}/offline", other_lead(HIDDEN_FROM_COHORT_A)),
    ],
    "courses.quiz_result": [
        # No attempt yet: there is no result to show (the shown case is in tests/courses/test_quiz_pages.py).
        Case(lambda w: f"/lessons/{w.courses_a.quiz.id}/quiz/attempts/1", LEARNER_ONLY_HIDDEN),
        Case(lambda w: f"/lessons/{w.courses_b.quiz.id}/quiz/attempts/1", LEARNER_ONLY_HIDDEN),
    ],
}
