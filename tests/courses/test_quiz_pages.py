"""Taking a quiz in the browser: the form, the result page, refusals, attempts."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import Lesson
from lms.learning.models import QuizAttempt
from lms.learning.models.completion import Completion
from tests.factories import EnrollmentFactory, LessonFactory, ModuleFactory, OptionFactory, QuestionFactory


@pytest.fixture
def quiz(world):
    """A quiz of course A with one question of each kind."""
    module = ModuleFactory(course=world.courses_a.course, position=99)
    lesson = LessonFactory(module=module, kind="quiz", title="Pricing quiz", pass_mark=75, attempts_allowed=2)
    single = QuestionFactory(lesson=lesson, kind="single", prompt="Which light is best?", points=1)
    window = OptionFactory(question=single, text="A window", correct=True, feedback="Soft light shows the colour.")
    noon = OptionFactory(question=single, text="Noon sun", feedback="Hard shadows hide the product.")
    truth = QuestionFactory(lesson=lesson, kind="true_false", prompt="Fresh fruit ships in a sealed bag.", points=1)
    true = OptionFactory(question=truth, text="True")
    false = OptionFactory(question=truth, text="False", correct=True, feedback="It needs air.")
    multiple = QuestionFactory(lesson=lesson, kind="multiple", prompt="What goes on the label?", points=1)
    name = OptionFactory(question=multiple, text="Product name", correct=True)
    weight = OptionFactory(question=multiple, text="Net weight", correct=True)
    colour = OptionFactory(question=multiple, text="Your favourite colour")
    numeric = QuestionFactory(
        lesson=lesson,
        kind="numeric",
        prompt="Cost 30, margin 50 %: the price?",
        answer=Decimal("45"),
        tolerance=Decimal("0.5"),
        unit="元",
        points=1,
        feedback_correct="Cost times 1.5.",
        feedback_wrong="Multiply the cost by 1.5.",
    )
    return {
        "lesson": lesson,
        "single": single,
        "truth": truth,
        "multiple": multiple,
        "numeric": numeric,
        "window": window,
        "noon": noon,
        "true": true,
        "false": false,
        "name": name,
        "weight": weight,
        "colour": colour,
    }


def right_answers(q, number=1):
    return {
        f"question-{q['single'].id}": str(q["window"].id),
        f"question-{q['truth'].id}": str(q["false"].id),
        f"question-{q['multiple'].id}": [str(q["name"].id), str(q["weight"].id)],
        f"question-{q['numeric'].id}": "45,2",
        "number": str(number),
    }


def attempts(lesson) -> int:
    return db.session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.lesson_id == lesson.id))


def test_the_quiz_form_has_the_right_input_for_each_kind(client, auth, world, quiz):
    auth.login(world.learner_a)
    html = client.get(f"/lessons/{quiz['lesson'].id}").get_data(as_text=True)
    assert f'type="radio" name="question-{quiz["single"].id}" value="{quiz["window"].id}"' in html
    assert f'type="radio" name="question-{quiz["truth"].id}" value="{quiz["false"].id}"' in html
    assert f'type="checkbox" name="question-{quiz["multiple"].id}" value="{quiz["name"].id}"' in html
    assert f'type="text" inputmode="decimal" autocomplete="off" id="question-{quiz["numeric"].id}"' in html
    assert "元" in html
    assert "Pass mark: 75%" in html
    assert "2 attempts allowed" in html
    assert 'name="number" type="hidden" value="1"' in html


def test_passing_shows_the_result_and_completes_the_lesson(client, auth, world, quiz):
    lesson = quiz["lesson"]
    auth.login(world.learner_a)
    response = client.post(f"/lessons/{lesson.id}/quiz", data=right_answers(quiz))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/lessons/{lesson.id}/quiz/attempts/1"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100%" in html
    assert "Passed. Well done!" in html
    assert "Points: 4 of 4" in html
    assert "Attempts used: 1 of 2." in html
    assert "1 attempt left" in html
    assert "Cost times 1.5." in html  # the numeric question's feedback
    assert "Soft light shows the colour." in html  # the chosen option's feedback
    assert "Your answer: 45.2 元" in html
    done = select(Completion.id).where(Completion.learner_id == world.learner_a.id, Completion.lesson_id == lesson.id)
    assert db.session.scalar(done) is not None


def test_a_failed_attempt_shows_what_was_wrong_without_giving_the_answers_away(client, auth, world, quiz):
    lesson = quiz["lesson"]
    auth.login(world.learner_a)
    answers = {
        **right_answers(quiz),
        f"question-{quiz['single'].id}": str(quiz["noon"].id),
        f"question-{quiz['numeric'].id}": "46",
    }
    client.post(f"/lessons/{lesson.id}/quiz", data=answers)
    html = client.get(f"/lessons/{lesson.id}/quiz/attempts/1").get_data(as_text=True)
    assert "50%" in html
    assert "Not passed yet: you need 75%." in html
    assert "✗ Not right" in html
    # One attempt is left: the answers, and the feedback that works them out, stay hidden.
    assert "Hard shadows hide the product." not in html
    assert "Multiply the cost by 1.5." not in html
    assert "a right answer" not in html
    assert "The answer:" not in html
    assert "The right answers show once you pass, or once every attempt is used." in html
    assert "Try again" in html


@pytest.mark.parametrize(
    ("setting", "shown_after_first", "shown_after_last"),
    [("each", True, True), ("last", False, True), ("passed", False, True), ("never", False, False)],
)
def test_the_quiz_says_when_answers_and_feedback_show(
    client, auth, world, quiz, setting, shown_after_first, shown_after_last
):
    lesson = quiz["lesson"]
    lesson.show_answers = setting
    db.session.commit()
    auth.login(world.learner_a)
    wrong = {f"question-{quiz['single'].id}": str(quiz["noon"].id)}
    for number, shown in ((1, shown_after_first), (2, shown_after_last)):
        client.post(f"/lessons/{lesson.id}/quiz", data={**wrong, "number": str(number)})
        html = client.get(f"/lessons/{lesson.id}/quiz/attempts/{number}").text
        assert ("a right answer" in html) is shown
        assert ("Hard shadows hide the product." in html) is shown  # the option's feedback follows the setting


def test_a_lead_sets_when_a_quiz_shows_its_answers(client, auth, world, quiz):
    lesson = quiz["lesson"]
    auth.login(world.lead)
    assert (
        "After the learner passes (or has used every attempt)" in client.get(f"/manage/lessons/{lesson.id}/edit").text
    )
    data = {"title": lesson.title, "minutes": "5", "pass_mark": "75", "attempts_allowed": "2", "show_answers": "never"}
    client.post(f"/manage/lessons/{lesson.id}/edit", data=data)
    assert db.session.get(Lesson, lesson.id).show_answers == "never"
    response = client.post(f"/manage/lessons/{lesson.id}/edit", data={**data, "show_answers": "always"})
    assert response.status_code == 200
    assert db.session.get(Lesson, lesson.id).show_answers == "never"


def test_after_the_last_attempt_the_right_answers_are_shown(client, auth, world, quiz):
    lesson = quiz["lesson"]
    auth.login(world.learner_a)
    wrong = {f"question-{quiz['single'].id}": str(quiz["noon"].id)}
    client.post(f"/lessons/{lesson.id}/quiz", data={**wrong, "number": "1"})
    client.post(f"/lessons/{lesson.id}/quiz", data={**wrong, "number": "2"})
    html = client.get(f"/lessons/{lesson.id}/quiz/attempts/2").get_data(as_text=True)
    assert "a right answer" in html
    assert "The answer: 45 元 (± 0.5)" in html
    assert "Try again" not in html
    assert f'href="/lessons/{lesson.id}/quiz/attempts/1"' in html  # the previous attempt

    lesson_html = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "You have used every attempt at this quiz." in lesson_html
    assert "Send my answers" not in lesson_html
    response = client.post(f"/lessons/{lesson.id}/quiz", data={**wrong, "number": "3"})
    assert response.headers["Location"] == f"/lessons/{lesson.id}"
    assert "You have used all 2 attempts at this quiz." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert attempts(lesson) == 2


def test_text_for_a_number_is_refused_and_the_answers_are_kept(client, auth, world, quiz):
    lesson = quiz["lesson"]
    auth.login(world.learner_a)
    response = client.post(
        f"/lessons/{lesson.id}/quiz", data={**right_answers(quiz), f"question-{quiz['numeric'].id}": "forty five"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "“forty five” is not a number. Type digits, for example 8.2 or 3,500." in html
    assert 'value="forty five"' in html
    assert f'value="{quiz["window"].id}" checked' in html
    assert attempts(lesson) == 0


def test_an_option_of_another_quiz_is_refused(client, auth, world, quiz):
    lesson = quiz["lesson"]
    foreign = world.courses_a.quiz.questions[0].options[0]
    auth.login(world.learner_a)
    response = client.post(
        f"/lessons/{lesson.id}/quiz", data={**right_answers(quiz), f"question-{quiz['single'].id}": str(foreign.id)}
    )
    assert response.status_code == 400
    assert "not one of this question" in response.get_data(as_text=True)
    response = client.post(
        f"/lessons/{lesson.id}/quiz", data={**right_answers(quiz), f"question-{foreign.question_id}": str(foreign.id)}
    )
    assert response.status_code == 400
    assert "a question that is not in this quiz" in response.get_data(as_text=True)
    assert attempts(lesson) == attempts(world.courses_a.quiz) == 0


def test_the_same_form_sent_twice_makes_one_attempt(client, auth, world, quiz):
    lesson = quiz["lesson"]
    auth.login(world.learner_a)
    client.post(f"/lessons/{lesson.id}/quiz", data=right_answers(quiz))
    response = client.post(f"/lessons/{lesson.id}/quiz", data=right_answers(quiz))
    assert "This attempt was already recorded." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert attempts(lesson) == 1


def test_results_are_the_learners_own(client, auth, world, quiz):
    lesson = quiz["lesson"]
    classmate = EnrollmentFactory(cohort=world.cohort_a).learner
    auth.login(world.learner_a)
    client.post(f"/lessons/{lesson.id}/quiz", data=right_answers(quiz))
    auth.logout()
    auth.login(classmate)
    assert client.get(f"/lessons/{lesson.id}/quiz/attempts/1").status_code == 404
    assert "Your attempts" not in client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    auth.logout()
    auth.login(world.learner_b)
    assert client.get(f"/lessons/{lesson.id}/quiz/attempts/1").status_code == 404  # not their course


def test_staff_see_the_questions_but_send_nothing(client, auth, world, quiz):
    lesson = quiz["lesson"]
    auth.login(world.mentor_a)
    html = client.get(f"/lessons/{lesson.id}").get_data(as_text=True)
    assert "Which light is best?" in html
    assert "disabled" in html
    assert "Send my answers" not in html
    assert client.post(f"/lessons/{lesson.id}/quiz", data=right_answers(quiz)).status_code == 403
