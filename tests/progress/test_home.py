"""The learner's home: where to continue, progress, due work, quiz results, certificates; the staff's home."""

import itertools
from datetime import timedelta

import pytest

from lms.certificates.models import Certificate
from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.learning.models import QuizAttempt
from lms.learning.models.submission import Review, Submission, SubmissionVersion
from lms.learning.services.completions import record_completion
from tests.courses.test_page_weight import BUDGET_BYTES, page_weight
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    ModuleFactory,
    ProgramFactory,
)

KINDS = ("reading", "video", "quiz", "assignment")
NUMBERS = itertools.count()


def certificate(learner, course, **extra) -> Certificate:
    found = Certificate(
        kind="course", course=course, learner=learner, learner_name=learner.name, title=f"Certificate: {course.title}"
    )
    for key, value in extra.items():
        setattr(found, key, value)
    db.session.add(found)
    return found


def build(course_count: int, lesson_count: int):
    """A learner of a cohort that started 10 days ago, with courses half done, quizzes taken, a certificate."""
    program = ProgramFactory()
    cohort = CohortFactory(program=program, starts_on=program_today() - timedelta(days=10))
    learner = EnrollmentFactory(cohort=cohort).learner
    courses = []
    for number in range(course_count):
        course = CourseFactory(program=program, title=f"Course {next(NUMBERS)}")
        CohortCourseFactory(cohort=cohort, course=course)
        modules = [ModuleFactory(course=course) for _ in range(max(lesson_count // 3, 1))]
        lessons = [
            LessonFactory(
                module=modules[index * len(modules) // lesson_count],
                kind=KINDS[index % 4],
                due_days=(5 + index) if KINDS[index % 4] == "assignment" else None,
            )
            for index in range(lesson_count)
        ]
        for lesson in lessons[: lesson_count // 2]:
            record_completion(learner, lesson)
        for lesson in (each for each in lessons if each.kind == "quiz"):
            db.session.add(
                QuizAttempt(
                    lesson=lesson,
                    learner=learner,
                    number=1,
                    score_points=4,
                    max_points=5,
                    score_percent=80,
                    passed=True,
                )
            )
        if number == 0:
            certificate(learner, course)
        courses.append((course, lessons))
    db.session.commit()
    return learner, courses


def test_home_query_count_does_not_grow_with_courses_or_lessons(client, auth, count_queries):
    counts = {}
    for courses, lessons in [(1, 3), (5, 3), (1, 30), (5, 30)]:
        learner, _ = build(courses, lessons)
        auth.login(learner)
        with count_queries() as queries:
            assert client.get("/").status_code == 200
        counts[(courses, lessons)] = len(queries)
        auth.logout()
    assert len(set(counts.values())) == 1, counts
    # 14: the follow-up card asks once whether the learner graduated, the announcements card once for the latest
    assert counts[(1, 3)] <= 14, counts


def test_learner_continues_where_they_left_off(client, auth):
    learner, [(first, first_lessons), (second, second_lessons)] = build(2, 4)
    # The second course was touched last: it comes first, with its next lesson one tap away.
    record_completion(learner, second_lessons[2])
    db.session.commit()
    auth.login(learner)
    html = client.get("/").get_data(as_text=True)
    resume = html.split("Continue where you left off")[1].split("</section>")[0]
    assert f'/lessons/{second_lessons[3].id}"' in resume  # lessons 0, 1 and 2 are done
    assert f"Next: {first_lessons[2].title}" in html
    assert html.index(second.title) < html.index(first.title)
    assert "2 of 4 lessons done" in html
    assert "3 of 4 lessons done" in html


def test_home_lists_overdue_and_soon_due_assignments_only(client, auth):
    program = ProgramFactory()
    cohort = CohortFactory(program=program, starts_on=program_today() - timedelta(days=10))
    learner = EnrollmentFactory(cohort=cohort).learner
    module = ModuleFactory(course=CourseFactory(program=program))
    CohortCourseFactory(cohort=cohort, course=module.course)

    def assignment(title, due_days, **extra):
        return LessonFactory(module=module, kind="assignment", title=title, due_days=due_days, **extra)

    assignment("Late plan", 5)
    assignment("Price list soon", 12)
    assignment("Due today", 10)
    assignment("Far away video", 30)
    assignment("Undated shop link", None)
    assignment("Draft task", 3, published=False)
    record_completion(learner, assignment("Accepted already", 4))
    db.session.commit()
    auth.login(learner)
    html = client.get("/").get_data(as_text=True)
    due = html.split("Assignments due")[1].split("</section>")[0]
    assert "Late plan" in due
    assert "Overdue" in due
    assert "Price list soon" in due
    assert "Due today" in due
    for hidden in ("Far away video", "Undated shop link", "Draft task", "Accepted already"):
        assert hidden not in due
    assert due.index("Late plan") < due.index("Due today") < due.index("Price list soon")


def test_no_due_dates_without_a_cohort_start(client, auth):
    program = ProgramFactory()
    cohort = CohortFactory(program=program, starts_on=None)
    learner = EnrollmentFactory(cohort=cohort).learner
    lesson = LessonFactory(kind="assignment", due_days=0, module=ModuleFactory(course=CourseFactory(program=program)))
    CohortCourseFactory(cohort=cohort, course=lesson.module.course)
    auth.login(learner)
    html = client.get("/").get_data(as_text=True)
    assert "Assignments due" not in html
    assert f"Start: {lesson.title}" in html


def test_home_shows_latest_quiz_results_and_unrevoked_certificates(client, auth, world):
    learner, quiz = world.learner_a, world.courses_a.quiz
    for number, (percent, passed) in enumerate([(0, False), (100, True)], start=1):
        db.session.add(
            QuizAttempt(
                lesson=quiz,
                learner=learner,
                number=number,
                score_points=percent // 100,
                max_points=1,
                score_percent=percent,
                passed=passed,
            )
        )
    certificate(learner, world.courses_a.course)
    certificate(learner, world.courses_b.course, title="Revoked one", revoked_at=utcnow(), revoke_reason="error")
    db.session.commit()
    auth.login(learner)
    html = client.get("/").get_data(as_text=True)
    quizzes = html.split("Quiz results")[1].split("</section>")[0]
    assert f"/lessons/{quiz.id}/quiz/attempts/2" in quizzes
    assert "100%" in quizzes
    assert "Passed" in quizzes
    assert "attempts/1" not in quizzes
    assert "Certificate: Course A" in html
    assert "Revoked one" not in html


def test_a_learner_who_finished_everything_is_told_so(client, auth, world):
    for lesson in (world.courses_a.reading, world.courses_a.video, world.courses_a.quiz, world.courses_a.assignment):
        record_completion(world.learner_a, lesson)
    db.session.commit()
    auth.login(world.learner_a)
    html = client.get("/").get_data(as_text=True)
    assert "Continue where you left off" not in html
    assert "You have finished every lesson of your courses." in html


def test_mentor_home_lists_their_cohorts_with_learners_at_risk(client, auth, world):
    # The cohorts started a month ago: course A's assignment (due after 14 days) is overdue.
    world.cohort_a.starts_on = program_today() - timedelta(days=30)
    world.cohort_b.starts_on = program_today() - timedelta(days=30)
    db.session.commit()
    auth.login(world.mentor_a)
    html = client.get("/").get_data(as_text=True)
    assert "Cohort A" in html
    assert "Cohort B" not in html
    assert f"/cohorts/{world.cohort_a.id}/progress" in html
    assert f"/cohorts/{world.cohort_a.id}/at-risk" in html
    assert "1 learner at risk" in html
    record_completion(world.learner_a, world.courses_a.assignment)
    db.session.commit()
    # Enrolled just now and nothing overdue any more: the 7 quiet days have not passed, nobody is at risk.
    assert "0 learners at risk" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(world.lead)
    html = client.get("/").get_data(as_text=True)
    assert "Cohort A" in html
    assert "Cohort B" in html


@pytest.mark.parametrize("course_count", [1, 5])
def test_learner_home_weighs_under_30_kb_compressed(client, auth, course_count):
    learner, _ = build(course_count, 30)
    auth.login(learner)
    total, assets = page_weight(client, "/")
    assert "/static/style.css" in assets
    assert total < BUDGET_BYTES, f"home page: {total} bytes compressed"


def test_feedback_read_leaves_the_home_and_back_never_shows_the_old_list(app, client, auth, world):
    lesson = world.courses_a.assignment
    submission = Submission(lesson_id=lesson.id, learner_id=world.learner_a.id, cohort_id=world.cohort_a.id)
    db.session.add(submission)
    db.session.flush()
    version = SubmissionVersion(submission_id=submission.id, number=1, text="My price list")
    submission.version_count = 1
    db.session.add(version)
    db.session.flush()
    db.session.add(
        Review(
            submission_id=submission.id,
            version_id=version.id,
            mentor_id=world.mentor_a.id,
            decision="revision_requested",
            feedback="Add the weight.",
        )
    )
    submission.state = "revision_requested"
    db.session.commit()
    auth.login(world.learner_a)
    home = client.get("/")
    assert "New feedback from your mentor" in home.text
    assert "no-store" in home.headers["Cache-Control"]
    assert "Add the weight." in client.get(f"/lessons/{lesson.id}/submission").text
    assert "New feedback from your mentor" not in client.get("/").text
