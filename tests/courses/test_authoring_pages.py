"""A lead builds, orders, publishes and offers a course in the browser (no JavaScript needed)."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import CohortCourse, Course, Lesson, Module, Question
from lms.learning.models import QuizAttempt, Submission
from lms.learning.models.completion import Completion
from tests.factories import CourseFactory, LessonFactory, ModuleFactory


def follow(client, response):
    """The page a redirect leads to (the isolated test client follows none itself)."""
    assert response.status_code == 302, response.status_code
    return client.get(response.headers["Location"])


def lessons_of(module_id: int) -> list[Lesson]:
    return list(db.session.scalars(select(Lesson).where(Lesson.module_id == module_id).order_by(Lesson.position)))


def test_a_lead_builds_a_course_with_all_four_kinds_of_lesson(client, auth, world):
    auth.login(world.lead)
    response = client.post(
        "/manage/courses/new",
        data={
            "program_id": world.program.id,
            "title": "Sell your honey online",
            "summary": "Open a shop and send your first parcel.",
            "language": "en",
            "estimated_minutes": "45",
            "sequential": "y",
        },
    )
    course = db.session.scalar(select(Course).where(Course.title == "Sell your honey online"))
    assert response.headers["Location"] == f"/manage/courses/{course.id}"
    assert (course.published, course.sequential, course.estimated_minutes) == (False, True, 45)

    response = client.post(f"/manage/courses/{course.id}/modules/new", data={"title": "Your shop"})
    module = course.modules[0]
    assert response.headers["Location"] == f"/manage/courses/{course.id}#module-{module.id}"

    for kind in ("video", "reading", "quiz", "assignment"):
        response = client.post(
            f"/manage/modules/{module.id}/lessons/new", data={"kind": kind, "title": f"A {kind}", "minutes": "3"}
        )
        lesson = lessons_of(module.id)[-1]
        assert response.headers["Location"] == f"/manage/lessons/{lesson.id}/edit"
        assert (lesson.kind, lesson.published) == (kind, False)
    video, reading, quiz, assignment = lessons_of(module.id)

    client.post(f"/manage/lessons/{video.id}/edit", data={"title": "Film a jar", "minutes": "2", "transcript": "Hold"})
    client.post(f"/manage/lessons/{reading.id}/edit", data={"title": "Labels", "minutes": "4", "body": "**Weight**"})
    client.post(
        f"/manage/lessons/{quiz.id}/edit",
        data={"title": "Check", "minutes": "5", "body": "Two questions.", "pass_mark": "60", "attempts_allowed": "2"},
    )
    client.post(
        f"/manage/lessons/{assignment.id}/edit",
        data={"title": "Your price list", "minutes": "20", "body": "Write it.", "accepts": ["text", "photo"]},
    )
    client.post(
        f"/manage/lessons/{quiz.id}/questions/new?kind=true_false",
        data={
            "prompt": "Honey needs a food-safety licence to be sold online.",
            "points": "1",
            "option_0-text": "True",
            "option_0-correct": "y",
            "option_0-feedback": "Yes: a SC licence number on the label.",
            "option_1-text": "False",
        },
    )
    client.post(
        f"/manage/lessons/{quiz.id}/questions/new?kind=numeric",
        data={"prompt": "A jar costs 18 to make. Price at a 40 % margin?", "points": "2", "answer": "30", "unit": "元"},
    )
    client.post(
        f"/manage/lessons/{assignment.id}/criteria/new", data={"criterion": "Every product priced", "points": 5}
    )
    for lesson in (video, reading, quiz, assignment):
        client.post(f"/manage/lessons/{lesson.id}/publish")
    client.post(f"/manage/courses/{course.id}/publish")
    client.post(f"/manage/courses/{course.id}/cohorts", data={"offered": [world.cohort_a.id], "required": []})

    db.session.expire_all()
    assert [(lesson.title, lesson.published) for lesson in lessons_of(module.id)] == [
        ("Film a jar", True),
        ("Labels", True),
        ("Check", True),
        ("Your price list", True),
    ]
    assert (video.transcript, reading.body, quiz.pass_mark, quiz.attempts_allowed) == ("Hold", "**Weight**", 60, 2)
    assert (assignment.accepts, assignment.due_days, [c.points for c in assignment.rubric]) == ("text,photo", None, [5])
    true_false, numeric = quiz.questions
    assert [(option.text, option.correct) for option in true_false.options] == [("True", True), ("False", False)]
    assert (numeric.answer, numeric.tolerance, numeric.unit) == (Decimal(30), Decimal(0), "元")
    assert db.session.get(Course, course.id).published is True
    offers = db.session.execute(
        select(CohortCourse.cohort_id, CohortCourse.required).where(CohortCourse.course_id == course.id)
    )
    assert offers.all() == [(world.cohort_a.id, False)]


def test_the_course_list_shows_every_course_with_its_counts(client, auth, world):
    CourseFactory(program=world.program, title="Empty draft", published=False)
    auth.login(world.admin)
    page = client.get("/manage/courses").text
    assert "Course A" in page
    assert "Course B" in page
    assert "Empty draft" in page
    # Four of each course's five lessons are published.
    assert page.count("4 of 5") == 2
    assert "0 of 0" in page
    assert 'href="/manage/courses"' in client.get("/").text


def test_the_outline_lists_modules_and_lessons_in_order_with_their_state(client, auth, world):
    auth.login(world.lead)
    page = client.get(f"/manage/courses/{world.courses_a.course.id}").text
    titles = ["reading", "video", "quiz", "assignment", "draft"]
    positions = [page.index(f"Course A: {title}") for title in titles]
    assert positions == sorted(positions)
    assert page.count(">Draft<") == 1
    assert "Cohort A" in page
    assert "Cohort B" in page


def test_edit_pages_link_to_the_file_pages_when_they_exist(app, client, auth, world):
    auth.login(world.lead)
    lesson_page = client.get(f"/manage/lessons/{world.courses_a.video.id}/edit").text
    course_page = client.get(f"/manage/courses/{world.courses_a.course.id}/edit").text
    has_files = "courses.manage_lesson_files" in app.view_functions
    has_cover = "courses.manage_course_cover" in app.view_functions
    assert (f"/manage/lessons/{world.courses_a.video.id}/files" in lesson_page) == has_files
    assert (f"/manage/courses/{world.courses_a.course.id}/cover" in course_page) == has_cover


def test_lessons_and_modules_move_and_stop_quietly_at_the_ends(client, auth, world):
    auth.login(world.lead)
    module = world.courses_a.module
    first, last = lessons_of(module.id)[0], lessons_of(module.id)[-1]
    order = [lesson.id for lesson in lessons_of(module.id)]
    for url in (f"/manage/lessons/{first.id}/move/up", f"/manage/lessons/{last.id}/move/down"):
        response = follow(client, client.post(url))
        assert response.status_code == 200
        assert "flash-error" not in response.text
    assert [lesson.id for lesson in lessons_of(module.id)] == order
    response = client.post(f"/manage/lessons/{last.id}/move/up")
    assert response.headers["Location"] == f"/manage/courses/{module.course_id}#lesson-{last.id}"
    assert [lesson.id for lesson in lessons_of(module.id)] == [*order[:-2], order[-1], order[-2]]

    second = ModuleFactory(course=module.course, title="Shipping")
    client.post(f"/manage/modules/{second.id}/move/up")
    db.session.expire_all()
    assert [m.title for m in db.session.get(Course, module.course_id).modules] == ["Shipping", module.title]


def test_publishing_and_unpublishing_a_lesson(client, auth, world):
    auth.login(world.lead)
    draft = world.courses_a.draft
    response = follow(client, client.post(f"/manage/lessons/{draft.id}/publish"))
    assert "Lesson published." in response.text
    assert db.session.get(Lesson, draft.id).published is True
    response = client.post(f"/manage/lessons/{draft.id}/unpublish", data={"next": f"/manage/lessons/{draft.id}/edit"})
    assert response.headers["Location"] == f"/manage/lessons/{draft.id}/edit"
    assert db.session.get(Lesson, draft.id).published is False
    # A "next" pointing off the site is ignored.
    response = client.post(f"/manage/lessons/{draft.id}/publish", data={"next": "https://evil.example/"})
    assert response.headers["Location"].startswith(f"/manage/courses/{world.courses_a.course.id}")


def test_a_lesson_with_progress_is_refused_deletion_with_a_clear_message(client, auth, world):
    reading = world.courses_a.reading
    db.session.add(Completion(learner=world.learner_a, lesson=reading))
    db.session.commit()
    auth.login(world.lead)
    page = client.get(f"/manage/lessons/{reading.id}/delete").text
    assert "1 learner finished this lesson." in page
    assert "Unpublish it instead" in page
    assert 'name="confirm"' not in page
    response = follow(client, client.post(f"/manage/lessons/{reading.id}/delete", data={"confirm": "yes"}))
    assert "Unpublish it instead" in response.text
    assert db.session.get(Lesson, reading.id) is not None


def test_a_quiz_with_attempts_is_refused_deletion(client, auth, world):
    quiz = world.courses_a.quiz
    db.session.add(
        QuizAttempt(
            lesson=quiz, learner=world.learner_a, number=1, score_points=1, max_points=1, score_percent=100, passed=True
        )
    )
    db.session.commit()
    auth.login(world.lead)
    assert "1 quiz attempt was made on it." in client.get(f"/manage/lessons/{quiz.id}/delete").text
    client.post(f"/manage/lessons/{quiz.id}/delete", data={"confirm": "yes"})
    assert db.session.get(Lesson, quiz.id) is not None


def test_deleting_needs_the_confirmation_form(client, auth, world):
    draft_id = world.courses_a.draft.id
    auth.login(world.lead)
    page = client.get(f"/manage/lessons/{draft_id}/delete").text
    assert 'name="confirm"' in page
    client.post(f"/manage/lessons/{draft_id}/delete")
    assert db.session.get(Lesson, draft_id) is not None
    response = follow(client, client.post(f"/manage/lessons/{draft_id}/delete", data={"confirm": "yes"}))
    assert "Lesson deleted." in response.text
    assert db.session.get(Lesson, draft_id) is None


def test_deleting_a_module_question_and_criterion(client, auth, world):
    auth.login(world.lead)
    empty_id = ModuleFactory(course=world.courses_a.course).id
    client.post(f"/manage/modules/{empty_id}/delete", data={"confirm": "yes"})
    assert db.session.get(Module, empty_id) is None
    quiz, assignment = world.courses_a.quiz, world.courses_a.assignment
    question, criterion = quiz.questions[0], assignment.rubric[0]
    client.post(f"/manage/lessons/{quiz.id}/questions/{question.id}/delete", data={"confirm": "yes"})
    client.post(f"/manage/lessons/{assignment.id}/criteria/{criterion.id}/delete", data={"confirm": "yes"})
    db.session.expire_all()
    assert (quiz.questions, assignment.rubric) == ([], [])


def test_editing_a_question_keeps_its_id_and_its_options_ids(client, auth, world):
    quiz = world.courses_a.quiz
    question = quiz.questions[0]
    option_ids = [option.id for option in question.options]
    auth.login(world.lead)
    page = client.get(f"/manage/lessons/{quiz.id}/questions/{question.id}/edit").text
    assert "Soft daylight by a window" in page
    response = client.post(
        f"/manage/lessons/{quiz.id}/questions/{question.id}/edit",
        data={
            "prompt": "Which light is best for filming tea leaves?",
            "points": "2",
            "option_0-text": "Soft daylight by a window",
            "option_0-correct": "y",
            "option_1-text": "The midday sun behind you",
            "option_1-feedback": "Your product ends up in shadow.",
        },
    )
    assert response.headers["Location"] == f"/manage/lessons/{quiz.id}/edit#question-{question.id}"
    db.session.expire_all()
    saved = db.session.get(Question, question.id)
    assert (saved.prompt, saved.points) == ("Which light is best for filming tea leaves?", 2)
    assert [option.id for option in saved.options] == option_ids
    assert saved.options[1].feedback == "Your product ends up in shadow."


def test_offering_replaces_the_courses_cohorts_and_required_implies_offered(client, auth, world):
    course = world.courses_a.course
    auth.login(world.lead)
    response = client.post(f"/manage/courses/{course.id}/cohorts", data={"required": [world.cohort_b.id]})
    assert response.headers["Location"] == f"/manage/courses/{course.id}#cohorts"
    rows = db.session.execute(
        select(CohortCourse.cohort_id, CohortCourse.required).where(CohortCourse.course_id == course.id)
    )
    assert rows.all() == [(world.cohort_b.id, True)]
    page = client.get(f"/manage/courses/{course.id}").text
    assert f'name="required" value="{world.cohort_b.id}" aria-label="Required for Cohort B" checked' in page
    client.post(f"/manage/courses/{course.id}/cohorts", data={})
    assert db.session.scalar(select(func.count(CohortCourse.id)).where(CohortCourse.course_id == course.id)) == 0


def add_lessons(module: Module, how_many: int) -> None:
    for _ in range(how_many):
        LessonFactory(module=module)


@pytest.mark.parametrize("page", ["list", "outline"])
def test_query_count_does_not_grow_with_lessons(client, auth, world, count_queries, page):
    auth.login(world.lead)
    course = world.courses_a.course
    url = "/manage/courses" if page == "list" else f"/manage/courses/{course.id}"
    counts = []
    for how_many in (2, 20):
        extra = ModuleFactory(course=course)
        add_lessons(extra, how_many)
        db.session.add(Completion(learner=world.learner_a, lesson=extra.lessons[0]))
        CourseFactory(program=world.program)
        db.session.commit()
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_an_assignment_with_learners_work_is_refused_deletion_and_keeps_the_work(client, auth, world):
    """Handed-in work (not yet reviewed, so no completion) still keeps its lesson: unpublish instead."""
    assignment = world.courses_a.assignment
    submission = Submission(lesson_id=assignment.id, learner_id=world.learner_a.id, cohort_id=world.cohort_a.id)
    db.session.add(submission)
    db.session.commit()
    auth.login(world.lead)
    page = client.get(f"/manage/lessons/{assignment.id}/delete").text
    assert "1 learner handed in work for it." in page
    assert 'name="confirm"' not in page
    response = follow(client, client.post(f"/manage/lessons/{assignment.id}/delete", data={"confirm": "yes"}))
    assert "Unpublish it instead" in response.text
    assert db.session.get(Lesson, assignment.id) is not None
    assert db.session.get(Submission, submission.id) is not None


def test_unpublishing_a_course_asks_first_naming_its_cohorts_and_learners(client, auth, world):
    course = world.courses_a.course
    auth.login(world.lead)
    outline = client.get(f"/manage/courses/{course.id}").text
    assert f'href="/manage/courses/{course.id}/unpublish"' in outline
    page = client.get(f"/manage/courses/{course.id}/unpublish").text
    assert f"Unpublish “{course.title}”?" in page
    assert "1 learner stops seeing this course:" in page
    assert f">{world.cohort_a.name}</a> · 1 learner" in page
    # One click is not enough: the post without the confirmation changes nothing.
    assert client.post(f"/manage/courses/{course.id}/unpublish").status_code == 400
    db.session.expire_all()
    assert db.session.get(Course, course.id).published
    response = client.post(f"/manage/courses/{course.id}/unpublish", data={"confirm": "yes", "next": "/manage/courses"})
    assert response.headers["Location"] == "/manage/courses"
    db.session.expire_all()
    assert not db.session.get(Course, course.id).published


def test_unpublishing_a_course_no_cohort_takes_says_nobody_is_affected(client, auth, world):
    course = CourseFactory(program=world.program, published=True)
    db.session.commit()
    auth.login(world.lead)
    assert "No cohort takes this course" in client.get(f"/manage/courses/{course.id}/unpublish").text


def test_a_lead_offers_and_withdraws_courses_from_the_cohort_page(client, auth, world):
    cohort = world.cohort_a
    course_a, course_b = world.courses_a.course, world.courses_b.course
    other_program = CourseFactory()
    db.session.commit()
    auth.login(world.lead)
    assert f'href="/cohorts/{cohort.id}/courses"' in client.get(f"/cohorts/{cohort.id}").text
    page = client.get(f"/cohorts/{cohort.id}/courses").text
    assert course_b.title in page
    assert other_program.title not in page  # only its own program's courses
    response = client.post(f"/cohorts/{cohort.id}/courses", data={"offered": [course_b.id], "required": [course_b.id]})
    assert response.headers["Location"] == f"/cohorts/{cohort.id}#courses"
    offers = db.session.execute(
        select(CohortCourse.course_id, CohortCourse.required).where(CohortCourse.cohort_id == cohort.id)
    )
    assert dict(offers.all()) == {course_b.id: True}  # course A withdrawn, course B offered and required
    assert course_a.title not in client.get(f"/cohorts/{cohort.id}").text.split('id="courses"')[1]
    # A course of another program is refused, and nothing changes.
    refused = client.post(f"/cohorts/{cohort.id}/courses", data={"offered": [other_program.id]})
    assert refused.status_code == 400
    assert "Choose courses from the list." in refused.text
    offers = db.session.execute(select(CohortCourse.course_id).where(CohortCourse.cohort_id == cohort.id))
    assert offers.scalars().all() == [course_b.id]
