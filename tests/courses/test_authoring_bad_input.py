"""Bad input to the authoring pages: a clear message, never a 500, and nothing half-written."""

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import CohortCourse, Course, Lesson, Module, Option, Question, RubricCriterion
from tests.courses.test_authoring_services import record_attempt
from tests.factories import CohortFactory, LessonFactory, ProgramFactory


def snapshot() -> tuple:
    """Every authoring table's row count, and each lesson's and question's editable values."""
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Course, Module, Lesson, Question, Option, RubricCriterion, CohortCourse)
    )
    lessons = db.session.execute(
        select(
            Lesson.title, Lesson.minutes, Lesson.pass_mark, Lesson.attempts_allowed, Lesson.accepts, Lesson.due_days
        ).order_by(Lesson.id)
    ).all()
    questions = db.session.execute(
        select(Question.prompt, Question.points, Question.answer).order_by(Question.id)
    ).all()
    return counts, lessons, questions


@pytest.fixture
def lead(client, auth, world):
    auth.login(world.lead)
    return world


def quiz_url(world, suffix="edit"):
    return f"/manage/lessons/{world.courses_a.quiz.id}/{suffix}"


QUIZ = {"title": "Check", "minutes": "5", "pass_mark": "70", "attempts_allowed": "0"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minutes": "five"}, "Not a valid integer value"),
        ({"pass_mark": "lots"}, "Not a valid integer value"),
        ({"pass_mark": "150"}, "Number must be between 0 and 100"),
        ({"pass_mark": "-1"}, "Number must be between 0 and 100"),
        ({"pass_mark": ""}, "This field is required"),
        ({"attempts_allowed": "-2"}, "Number must be between 0 and 100"),
        ({"minutes": "9" * 40}, "Number must be between 0 and 600"),
        ({"title": ""}, "This field is required"),
        ({"title": "x" * 201}, "Field cannot be longer than 200 characters"),
    ],
)
def test_quiz_settings_out_of_range_are_refused(client, lead, changes, message):
    before = snapshot()
    response = client.post(quiz_url(lead), data={**QUIZ, **changes})
    assert response.status_code == 200
    assert message in response.text
    assert snapshot() == before


@pytest.mark.parametrize(
    ("accepts", "message"),
    [([], "Accept at least one kind of submission"), (["text", "fax"], "not a valid choice")],
)
def test_an_assignment_accepts_known_kinds_and_at_least_one(client, lead, accepts, message):
    before = snapshot()
    url = f"/manage/lessons/{lead.courses_a.assignment.id}/edit"
    response = client.post(url, data={"title": "Plan", "minutes": "10", "accepts": accepts, "due_days": "-1"})
    assert message in response.text
    assert "Number must be between 0 and 3650" in response.text
    assert snapshot() == before


SINGLE = {"prompt": "Best light?", "points": "1", "option_0-text": "Window", "option_1-text": "Sun"}


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("single", {**SINGLE, "points": "-1"}, "Number must be between 0 and 1000"),
        ("single", {**SINGLE, "points": "one"}, "Not a valid integer value"),
        ("single", {**SINGLE, "option_0-correct": "y", "option_1-correct": "y"}, "Mark exactly one option"),
        ("single", SINGLE, "Mark exactly one option"),
        ("single", {"prompt": "Best light?", "points": "1", "option_0-text": "Only", "option_0-correct": "y"}, "two"),
        ("multiple", SINGLE, "Mark at least one option"),
        ("true_false", {**SINGLE, "option_1-text": "", "option_0-correct": "y"}, "exactly two options"),
        ("numeric", {"prompt": "Price?", "points": "1"}, "This field is required"),
        ("numeric", {"prompt": "Price?", "points": "1", "answer": "twelve"}, "Not a valid decimal value"),
        ("numeric", {"prompt": "Price?", "points": "1", "answer": "NaN"}, "at most 4 decimals"),
        ("numeric", {"prompt": "Price?", "points": "1", "answer": "Infinity"}, "at most 4 decimals"),
        ("numeric", {"prompt": "Price?", "points": "1", "answer": "9" * 40}, "at most 4 decimals"),
        ("numeric", {"prompt": "Price?", "points": "1", "answer": "1.00001"}, "at most 4 decimals"),
        ("numeric", {"prompt": "Price?", "points": "1", "answer": "5", "tolerance": "-0.5"}, "at least 0"),
    ],
)
def test_questions_breaking_the_rules_are_refused_with_a_message(client, lead, kind, data, message):
    before = snapshot()
    response = client.post(quiz_url(lead, f"questions/new?kind={kind}"), data=data)
    assert response.status_code == 200
    assert message in response.text
    assert snapshot() == before


def test_an_unknown_kind_of_lesson_or_question_is_refused(client, lead):
    before = snapshot()
    module = lead.courses_a.module
    response = client.post(f"/manage/modules/{module.id}/lessons/new", data={"kind": "essay", "title": "Essay"})
    assert "Not a valid choice" in response.text
    assert client.post(quiz_url(lead, "questions/new?kind=essay"), data=SINGLE).status_code == 404
    assert client.get(quiz_url(lead, "questions/new")).status_code == 404
    # Questions belong to quizzes only.
    url = f"/manage/lessons/{lead.courses_a.reading.id}/questions/new?kind=single"
    assert client.post(url, data=SINGLE).status_code == 404
    assert snapshot() == before


def test_another_quizs_question_through_this_quizs_url_is_not_found(client, lead):
    other = lead.courses_b.quiz.questions[0]
    before = snapshot()
    base = quiz_url(lead, f"questions/{other.id}")
    data = {**SINGLE, "option_0-correct": "y"}
    assert client.post(f"{base}/edit", data=data).status_code == 404
    assert client.post(f"{base}/delete", data={"confirm": "yes"}).status_code == 404
    assert client.post(f"{base}/move/up").status_code == 404
    criterion = lead.courses_b.assignment.rubric[0]
    url = f"/manage/lessons/{lead.courses_a.assignment.id}/criteria/{criterion.id}/edit"
    assert client.post(url, data={"criterion": "Mine now", "points": "3"}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"criterion": "Clear price", "points": "0"}, "Number must be between 1 and 1000"),
        ({"criterion": "Clear price", "points": "-4"}, "Number must be between 1 and 1000"),
        ({"criterion": "Clear price", "points": "four"}, "Not a valid integer value"),
        ({"criterion": " ", "points": "4"}, "This field is required"),
    ],
)
def test_a_rubric_criterion_needs_text_and_positive_points(client, lead, data, message):
    before = snapshot()
    response = client.post(f"/manage/lessons/{lead.courses_a.assignment.id}/criteria/new", data=data)
    assert message in response.text
    assert snapshot() == before


def test_reordering_beyond_the_ends_changes_nothing(client, lead):
    module = lead.courses_a.module
    lessons = module.lessons
    first_question = lead.courses_a.quiz.questions[0]
    criterion = lead.courses_a.assignment.rubric[0]
    before = snapshot(), [lesson.position for lesson in lessons]
    urls = [
        f"/manage/modules/{module.id}/move/up",
        f"/manage/modules/{module.id}/move/down",
        f"/manage/lessons/{lessons[0].id}/move/up",
        f"/manage/lessons/{lessons[-1].id}/move/down",
        quiz_url(lead, f"questions/{first_question.id}/move/down"),
        f"/manage/lessons/{lead.courses_a.assignment.id}/criteria/{criterion.id}/move/up",
    ]
    for url in urls:
        response = client.post(url)
        assert response.status_code == 302, url
        assert "flash-error" not in client.get(response.headers["Location"]).text
    db.session.expire_all()
    assert (snapshot(), [lesson.position for lesson in lessons]) == before
    assert client.post(f"/manage/lessons/{lessons[0].id}/move/sideways").status_code == 404


def test_offering_to_a_cohort_of_another_program_is_refused(client, lead):
    stranger = CohortFactory()
    before = snapshot()
    course = lead.courses_a.course
    response = client.post(f"/manage/courses/{course.id}/cohorts", data={"offered": [stranger.id]})
    assert "Choose cohorts from the list" in client.get(response.headers["Location"]).text
    response = client.post(f"/manage/courses/{course.id}/cohorts", data={"offered": ["abc"]})
    assert response.status_code == 302
    assert snapshot() == before


def test_a_course_form_with_bad_values_writes_nothing(client, lead):
    before = snapshot()
    cases = [
        ({"title": ""}, "This field is required"),
        ({"language": "fr"}, "Not a valid choice"),
        ({"estimated_minutes": "an hour"}, "Not a valid integer value"),
        ({"estimated_minutes": "-5"}, "Number must be between 0 and 100000"),
        ({"program_id": "999999"}, "Not a valid choice"),
    ]
    for changes, message in cases:
        data = {"program_id": lead.program.id, "title": "Pricing", "language": "en", **changes}
        response = client.post("/manage/courses/new", data=data)
        assert response.status_code == 200, changes
        assert message in response.text, changes
    assert snapshot() == before


def test_moving_an_offered_course_to_another_program_is_refused(client, lead):
    other = CohortFactory(program=ProgramFactory(leads=[lead.lead])).program
    course = lead.courses_a.course
    data = {"program_id": other.id, "title": "Moved", "language": "en"}
    response = client.post(f"/manage/courses/{course.id}/edit", data=data)
    assert "Withdraw it first" in response.text
    db.session.expire_all()
    assert (course.program_id, course.title) == (lead.program.id, "Course A")


def test_markup_in_titles_is_shown_as_text(client, lead):
    LessonFactory(module=lead.courses_a.module, title='<script>alert("x")</script>')
    page = client.get(f"/manage/courses/{lead.courses_a.course.id}").text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_a_chosen_option_cannot_be_blanked_through_the_page(client, lead):
    question = lead.courses_a.quiz.questions[0]
    record_attempt(lead, question.lesson, question, question.options[1])
    before = snapshot()
    data = {"prompt": question.prompt, "points": "1", "option_0-text": "Window", "option_0-correct": "y"}
    data |= {"option_1-text": "", "option_2-text": "Lamp"}
    response = client.post(quiz_url(lead, f"questions/{question.id}/edit"), data=data)
    assert response.status_code == 200
    assert "in past attempts, so it stays" in response.text
    assert snapshot() == before
