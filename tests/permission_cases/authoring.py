"""Course authoring: the leads of the course's program and admins, whatever its cohort or state; a lead of
another program finds none of it."""

from tests.permission_cases.common import MANAGER_ACTION, MANAGERS, Case, everyone, other_lead

# A missing object, or a question or criterion of another lesson: hidden from managers.
NOT_FOUND = everyone(404, anonymous=302, learner=403, mentor=403)
NOT_FOUND_ACTION = everyone(404, anonymous=302, learner=403, mentor=403)


def question(w, lesson=None):
    """The id of the quiz question of course A, or of a chosen lesson's first question."""
    return (lesson or w.courses_a.quiz).questions[0].id


def criterion(w):
    return w.courses_a.assignment.rubric[0].id


CASES: dict[str, list[Case]] = {
    "courses.manage_courses": [Case(lambda w: "/manage/courses", other_lead(MANAGERS, 200))],
    "courses.manage_new_course": [
        Case(lambda w: "/manage/courses/new", other_lead(MANAGERS, 200)),
        Case(lambda w: f"/manage/courses/new?program_id={w.program.id}", other_lead(MANAGERS, 200)),
    ],
    "courses.manage_course": [
        Case(lambda w: f"/manage/courses/{w.courses_a.course.id}", other_lead(MANAGERS)),
        # Cohort B's course: its program's leads author every cohort's courses.
        Case(lambda w: f"/manage/courses/{w.courses_b.course.id}", other_lead(MANAGERS)),
        Case(lambda w: "/manage/courses/999999", NOT_FOUND),
    ],
    "courses.manage_edit_course": [
        Case(lambda w: f"/manage/courses/{w.courses_a.course.id}/edit", other_lead(MANAGERS)),
        Case(lambda w: "/manage/courses/999999/edit", NOT_FOUND),
    ],
    "courses.manage_publish_course": [
        Case(lambda w: f"/manage/courses/{w.courses_b.course.id}/publish", other_lead(MANAGER_ACTION), method="POST"),
        Case(lambda w: "/manage/courses/999999/publish", NOT_FOUND_ACTION, method="POST"),
    ],
    "courses.manage_duplicate_course": [
        Case(lambda w: f"/manage/courses/{w.courses_a.course.id}/duplicate", other_lead(MANAGER_ACTION), method="POST"),
        Case(lambda w: "/manage/courses/999999/duplicate", NOT_FOUND_ACTION, method="POST"),
    ],
    "courses.manage_unpublish_course": [
        Case(lambda w: f"/manage/courses/{w.courses_a.course.id}/unpublish", other_lead(MANAGERS)),
        Case(
            lambda w: f"/manage/courses/{w.courses_a.course.id}/unpublish",
            other_lead(MANAGER_ACTION),
            method="POST",
            data={"confirm": "yes"},
        ),
        Case(lambda w: "/manage/courses/999999/unpublish", NOT_FOUND),
    ],
    "courses.manage_offer_course": [
        Case(
            lambda w: f"/manage/courses/{w.courses_a.course.id}/cohorts",
            other_lead(MANAGER_ACTION),
            method="POST",
            data={"offered": "0"},
        ),
    ],
    "courses.manage_new_module": [
        Case(lambda w: f"/manage/courses/{w.courses_a.course.id}/modules/new", other_lead(MANAGERS)),
        Case(lambda w: "/manage/courses/999999/modules/new", NOT_FOUND),
    ],
    "courses.manage_edit_module": [
        Case(lambda w: f"/manage/modules/{w.courses_a.module.id}/edit", other_lead(MANAGERS)),
        Case(lambda w: "/manage/modules/999999/edit", NOT_FOUND),
    ],
    "courses.manage_move_module": [
        Case(lambda w: f"/manage/modules/{w.courses_a.module.id}/move/up", other_lead(MANAGER_ACTION), method="POST"),
        Case(lambda w: f"/manage/modules/{w.courses_b.module.id}/move/down", other_lead(MANAGER_ACTION), method="POST"),
    ],
    "courses.manage_delete_module": [
        Case(lambda w: f"/manage/modules/{w.courses_a.module.id}/delete", other_lead(MANAGERS)),
        Case(lambda w: "/manage/modules/999999/delete", NOT_FOUND),
    ],
    "courses.manage_new_lesson": [
        Case(lambda w: f"/manage/modules/{w.courses_a.module.id}/lessons/new", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/modules/{w.courses_a.module.id}/lessons/new?kind=quiz", other_lead(MANAGERS)),
    ],
    "courses.manage_edit_lesson": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.reading.id}/edit", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/lessons/{w.courses_a.video.id}/edit", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/edit", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/lessons/{w.courses_b.assignment.id}/edit", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/lessons/{w.courses_a.draft.id}/edit", other_lead(MANAGERS)),
        Case(lambda w: "/manage/lessons/999999/edit", NOT_FOUND),
    ],
    "courses.manage_move_lesson": [
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.reading.id}/move/down", other_lead(MANAGER_ACTION), method="POST"
        ),
        Case(lambda w: f"/manage/lessons/{w.courses_a.draft.id}/move/down", other_lead(MANAGER_ACTION), method="POST"),
    ],
    "courses.manage_publish_lesson": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.draft.id}/publish", other_lead(MANAGER_ACTION), method="POST"),
        Case(lambda w: f"/manage/lessons/{w.courses_b.video.id}/unpublish", other_lead(MANAGER_ACTION), method="POST"),
    ],
    "courses.manage_delete_lesson": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.draft.id}/delete", other_lead(MANAGERS)),
        Case(
            lambda w: f"/manage/lessons/{w.courses_b.draft.id}/delete",
            other_lead(MANAGER_ACTION),
            method="POST",
            data={"confirm": "yes"},
        ),
        Case(lambda w: "/manage/lessons/999999/delete", NOT_FOUND),
    ],
    "courses.manage_new_question": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/questions/new?kind=single", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/questions/new?kind=numeric", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/questions/new?kind=essay", NOT_FOUND),
        # Only quizzes have questions.
        Case(lambda w: f"/manage/lessons/{w.courses_a.reading.id}/questions/new?kind=single", NOT_FOUND),
    ],
    "courses.manage_edit_question": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/questions/{question(w)}/edit", other_lead(MANAGERS)),
        # Course B's question through course A's quiz.
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/questions/{question(w, w.courses_b.quiz)}/edit",
            NOT_FOUND,
        ),
    ],
    "courses.manage_delete_question": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/questions/{question(w)}/delete", other_lead(MANAGERS)),
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/questions/{question(w, w.courses_b.quiz)}/delete",
            NOT_FOUND_ACTION,
            method="POST",
        ),
    ],
    "courses.manage_move_question": [
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/questions/{question(w)}/move/up",
            other_lead(MANAGER_ACTION),
            method="POST",
        ),
    ],
    "courses.manage_new_criterion": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.assignment.id}/criteria/new", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/criteria/new", NOT_FOUND),
    ],
    "courses.manage_edit_criterion": [
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.assignment.id}/criteria/{criterion(w)}/edit", other_lead(MANAGERS)
        ),
        Case(
            lambda w: f"/manage/lessons/{w.courses_b.assignment.id}/criteria/{criterion(w)}/edit",
            NOT_FOUND,
        ),
    ],
    "courses.manage_delete_criterion": [
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.assignment.id}/criteria/{criterion(w)}/delete",
            other_lead(MANAGERS),
        ),
    ],
    "courses.manage_move_criterion": [
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.assignment.id}/criteria/{criterion(w)}/move/down",
            other_lead(MANAGER_ACTION),
            method="POST",
        ),
    ],
}
