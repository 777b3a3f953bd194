"""The lesson editor keeps what was typed: every button saves the form first; empty lessons are not published."""

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import Lesson, Question, RubricCriterion
from lms.courses.services.authoring import AuthoringError, set_lesson_published
from tests.factories import LessonFactory, ModuleFactory, QuestionFactory


def edit(client, lesson, **data):
    return client.post(f"/manage/lessons/{lesson.id}/edit", data={"title": lesson.title, "minutes": "5", **data})


def test_publish_saves_the_typed_text_of_a_new_reading(client, auth, world):
    reading = LessonFactory(module=ModuleFactory(course=world.courses_a.course), body="", published=False)
    auth.login(world.lead)
    response = edit(client, reading, body="Weigh each parcel **before** you price it.", action="publish")
    assert response.headers["Location"] == f"/manage/lessons/{reading.id}/edit"
    stored = db.session.get(Lesson, reading.id)
    assert (stored.published, stored.body) == (True, "Weigh each parcel **before** you price it.")
    assert "Lesson saved and published." in client.get(response.headers["Location"]).text


def test_an_empty_reading_is_not_published_and_says_why(client, auth, world):
    reading = LessonFactory(module=ModuleFactory(course=world.courses_a.course), body="", published=False)
    auth.login(world.lead)
    response = edit(client, reading, title="Packing", body="   ", action="publish")
    assert response.status_code == 200
    assert "A reading needs its text before it is published." in response.text
    assert 'value="Packing"' in response.text
    assert "data-unsaved" in response.text
    stored = db.session.get(Lesson, reading.id)
    assert (stored.published, stored.title) == (False, reading.title)
    # The outline's publish button follows the same rule.
    client.post(f"/manage/lessons/{reading.id}/publish")
    assert db.session.get(Lesson, reading.id).published is False


def test_a_quiz_without_questions_is_not_published(client, auth, world):
    quiz = LessonFactory(module=ModuleFactory(course=world.courses_a.course), kind="quiz", published=False)
    with pytest.raises(AuthoringError, match="at least one question"):
        set_lesson_published(quiz, True)
    QuestionFactory(lesson=quiz)
    db.session.expire(quiz, ["questions"])
    assert set_lesson_published(quiz, True).published is True


def test_add_to_the_rubric_keeps_instructions_kinds_and_due_date(client, auth, world):
    assignment = LessonFactory(
        module=ModuleFactory(course=world.courses_a.course), kind="assignment", accepts="text", body="", published=False
    )
    auth.login(world.lead)
    response = edit(
        client,
        assignment,
        body="Photograph your price list.",
        accepts=["text", "photo"],
        due_days="14",
        criterion="Every product has a price",
        points="4",
        action="add_criterion",
    )
    criterion = db.session.scalars(select(RubricCriterion).where(RubricCriterion.lesson_id == assignment.id)).one()
    assert response.headers["Location"] == f"/manage/lessons/{assignment.id}/edit#criterion-{criterion.id}"
    stored = db.session.get(Lesson, assignment.id)
    assert (stored.body, stored.accepts, stored.due_days) == ("Photograph your price list.", "text,photo", 14)
    assert (criterion.criterion, criterion.points) == ("Every product has a price", 4)


def test_a_wrong_criterion_keeps_everything_typed_and_saves_nothing(client, auth, world):
    assignment = LessonFactory(
        module=ModuleFactory(course=world.courses_a.course), kind="assignment", accepts="text", body="", published=False
    )
    auth.login(world.lead)
    response = edit(
        client, assignment, body="Film your shop.", accepts=["video"], criterion="", points="4", action="add_criterion"
    )
    assert response.status_code == 200
    assert "The criterion was not added" in response.text
    assert "Film your shop." in response.text
    assert db.session.get(Lesson, assignment.id).body == ""
    assert (
        db.session.scalar(select(func.count(RubricCriterion.id)).where(RubricCriterion.lesson_id == assignment.id)) == 0
    )


def test_add_a_question_saves_the_quiz_first(client, auth, world):
    quiz = LessonFactory(module=ModuleFactory(course=world.courses_a.course), kind="quiz", body="", published=False)
    auth.login(world.lead)
    response = edit(
        client,
        quiz,
        body="Three questions.",
        pass_mark="60",
        attempts_allowed="2",
        question_kind="numeric",
        action="add_question",
    )
    assert response.headers["Location"] == f"/manage/lessons/{quiz.id}/questions/new?kind=numeric"
    assert db.session.get(Lesson, quiz.id).body == "Three questions."
    assert db.session.scalar(select(func.count(Question.id)).where(Question.lesson_id == quiz.id)) == 0


def test_the_editor_is_one_form_that_warns_before_leaving_unsaved_text(client, auth, world):
    assignment = LessonFactory(module=ModuleFactory(course=world.courses_a.course), kind="assignment", accepts="text")
    auth.login(world.lead)
    html = client.get(f"/manage/lessons/{assignment.id}/edit").text
    assert 'id="lesson-form" data-warn-unsaved' in html
    assert 'form="lesson-form" name="action" value="unpublish"' in html
    assert 'form="lesson-form" name="action" value="add_criterion"' in html
    assert "unsaved.js" in html
    assert 'form="lesson-form" id="criterion"' in html
