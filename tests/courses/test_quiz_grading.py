"""Grading a quiz on the server: every kind of question, numbers, attempts, refusals."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.learning.models import QuizAnswer, QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.services import quizzes
from lms.learning.services.quizzes import (
    AttemptAlreadyRecordedError,
    AttemptsUsedUpError,
    InvalidAnswerError,
    grade_attempt,
    parse_number,
)
from tests.factories import LessonFactory, OptionFactory, QuestionFactory, UserFactory


@pytest.fixture(autouse=True)
def english_request(app):
    """Refusal messages are translated when shown: in English here."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def quiz(**settings):
    return LessonFactory(kind="quiz", **{"pass_mark": 70, "attempts_allowed": 0, **settings})


def choice_question(lesson, kind="single", right=1, wrong=2, points=1):
    question = QuestionFactory(lesson=lesson, kind=kind, points=points)
    rights = [OptionFactory(question=question, correct=True, text=f"right {n}") for n in range(right)]
    wrongs = [OptionFactory(question=question, correct=False, text=f"wrong {n}") for n in range(wrong)]
    return question, rights, wrongs


def numeric_question(lesson, answer="12.5", tolerance="0", points=1):
    return QuestionFactory(
        lesson=lesson, kind="numeric", answer=Decimal(answer), tolerance=Decimal(tolerance), unit="元", points=points
    )


def ids(*options):
    return [str(option.id) for option in options]


def attempt_count(lesson) -> int:
    return db.session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.lesson_id == lesson.id))


def completed(learner, lesson) -> bool:
    query = select(Completion.id).where(Completion.learner_id == learner.id, Completion.lesson_id == lesson.id)
    return db.session.scalar(query) is not None


@pytest.mark.parametrize("kind", ["single", "true_false"])
def test_single_answer_questions(kind):
    lesson = quiz()
    question, (right,), (wrong,) = choice_question(lesson, kind=kind, wrong=1)
    learner = UserFactory()
    assert grade_attempt(lesson, learner, {question.id: ids(right)}).score_percent == 100
    assert grade_attempt(lesson, learner, {question.id: ids(wrong)}).score_percent == 0


def test_multiple_choice_is_right_only_with_exactly_the_right_set():
    lesson = quiz()
    question, (right_1, right_2), (wrong_1, _wrong_2) = choice_question(lesson, kind="multiple", right=2)
    learner = UserFactory()
    graded = {
        "all the right ones": grade_attempt(lesson, learner, {question.id: ids(right_1, right_2)}),
        "one missing": grade_attempt(lesson, learner, {question.id: ids(right_1)}),
        "one too many": grade_attempt(lesson, learner, {question.id: ids(right_1, right_2, wrong_1)}),
        "none": grade_attempt(lesson, learner, {}),
    }
    assert {label: attempt.passed for label, attempt in graded.items()} == {
        "all the right ones": True,
        "one missing": False,
        "one too many": False,
        "none": False,
    }
    stored = db.session.scalar(select(QuizAnswer).where(QuizAnswer.attempt_id == graded["one too many"].id))
    assert {option.id for option in stored.selected} == {right_1.id, right_2.id, wrong_1.id}


@pytest.mark.parametrize(
    ("typed", "right"),
    [
        ("12.5", True),
        (" 12.50 ", True),
        ("12,5", True),
        ("12.5元", True),  # a trailing currency word
        ("¥12.5", True),
        ("１２．５", True),  # a Chinese keyboard's full-width digits
        ("12。5", True),
        ("+12.5", True),
        ("12.6", True),  # exactly at the tolerance
        ("12.4", True),
        ("12.6001", False),  # just past it
        ("12.3999", False),
        ("13", False),
        ("-12.5", False),
    ],
)
def test_numeric_answers_within_the_tolerance_are_right(typed, right):
    lesson = quiz()
    question = numeric_question(lesson, answer="12.5", tolerance="0.1")
    attempt = grade_attempt(lesson, UserFactory(), {question.id: [typed]})
    assert attempt.passed is right
    answer = db.session.scalar(select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id))
    assert answer.numeric_value == parse_number(typed)


def test_numeric_comparison_is_exact_decimal_arithmetic():
    lesson = quiz()
    # 0.1 + 0.2 != 0.3 in binary floating point; a price calculation must not fail on it.
    question = numeric_question(lesson, answer="0.3", tolerance="0")
    assert grade_attempt(lesson, UserFactory(), {question.id: ["0.30"]}).passed
    assert not grade_attempt(lesson, UserFactory(), {question.id: ["0.3001"]}).passed


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("12.5", "12.5"),
        (" 12.50 ", "12.5"),
        ("1,200", "1200"),
        ("1，200", "1200"),
        ("1,200.5", "1200.5"),
        (".5", "0.5"),
        ("12,5", "12.5"),
        ("8.2元", "8.2"),
        ("8.2 块", "8.2"),
        ("¥12", "12"),
    ],
)
def test_parse_number_reads_what_people_type(typed, value):
    assert parse_number(typed) == Decimal(value)


def test_parse_number_takes_the_questions_own_unit():
    assert parse_number("12.5 kg", "kg") == Decimal("12.5")
    with pytest.raises(InvalidAnswerError, match="斤"):
        parse_number("25斤", "kg")


@pytest.mark.parametrize(
    ("typed", "example"),
    [("1,2345", "1.5 or 1,500"), ("1.234,5", "1.5 or 1,500"), ("3万", "30000"), ("twelve", "8.2 or 3,500")],
)
def test_ambiguous_numbers_are_refused_with_an_example(typed, example):
    with pytest.raises(InvalidAnswerError) as refused:
        parse_number(typed)
    assert example in str(refused.value)


@pytest.mark.parametrize(
    "typed", ["twelve", "12 斤", "1e3", "NaN", "Infinity", "12.5.1", "--3", "1,2,3", "1,2345", "3万", "9" * 40]
)
def test_text_is_refused_and_no_attempt_is_recorded(typed):
    lesson = quiz()
    question = numeric_question(lesson)
    learner = UserFactory()
    with pytest.raises(InvalidAnswerError) as refused:
        grade_attempt(lesson, learner, {question.id: [typed]})
    assert refused.value.question_id == question.id
    db.session.rollback()
    assert attempt_count(lesson) == 0


def test_points_weigh_questions_and_the_percent_is_rounded_down():
    lesson = quiz(pass_mark=67)
    first, (right_1,), _ = choice_question(lesson)
    second, (right_2,), _ = choice_question(lesson)
    third, _, (wrong_3, _other) = choice_question(lesson)
    attempt = grade_attempt(
        lesson, UserFactory(), {first.id: ids(right_1), second.id: ids(right_2), third.id: ids(wrong_3)}
    )
    assert (attempt.score_points, attempt.max_points, attempt.score_percent) == (2, 3, 66)
    assert attempt.passed is False  # 66.67 % is not 67 %

    heavy = quiz(pass_mark=75)
    big, (right_big,), _ = choice_question(heavy, points=3)
    small, _, (wrong_small, _other) = choice_question(heavy, points=1)
    attempt = grade_attempt(heavy, UserFactory(), {big.id: ids(right_big), small.id: ids(wrong_small)})
    assert (attempt.score_points, attempt.max_points, attempt.score_percent, attempt.passed) == (3, 4, 75, True)


def test_every_attempt_is_kept_and_numbered():
    lesson = quiz()
    question, (right,), (wrong, _other) = choice_question(lesson)
    learner, other_learner = UserFactory(), UserFactory()
    numbers = [grade_attempt(lesson, learner, {question.id: ids(wrong)}).number for _ in range(3)]
    numbers.append(grade_attempt(lesson, learner, {question.id: ids(right)}).number)
    assert numbers == [1, 2, 3, 4]
    assert grade_attempt(lesson, other_learner, {}).number == 1
    assert attempt_count(lesson) == 5


def test_attempts_allowed_is_enforced():
    lesson = quiz(attempts_allowed=2)
    question, _, (wrong, _other) = choice_question(lesson)
    learner = UserFactory()
    grade_attempt(lesson, learner, {question.id: ids(wrong)})
    grade_attempt(lesson, learner, {question.id: ids(wrong)})
    with pytest.raises(AttemptsUsedUpError, match="all 2 attempts"):
        grade_attempt(lesson, learner, {question.id: ids(wrong)})
    assert attempt_count(lesson) == 2


def test_no_limit_when_attempts_allowed_is_zero():
    lesson = quiz(attempts_allowed=0)
    question, _, (wrong, _other) = choice_question(lesson)
    learner = UserFactory()
    for _ in range(6):
        grade_attempt(lesson, learner, {question.id: ids(wrong)})
    assert attempt_count(lesson) == 6


def test_an_option_of_another_question_is_refused():
    lesson = quiz()
    first, (right_1,), _ = choice_question(lesson)
    second, (right_2,), _ = choice_question(lesson)
    with pytest.raises(InvalidAnswerError) as refused:
        grade_attempt(lesson, UserFactory(), {first.id: ids(right_2), second.id: ids(right_2)})
    assert refused.value.question_id == first.id
    db.session.rollback()
    assert attempt_count(lesson) == 0
    assert right_1.id != right_2.id


def test_an_option_or_question_of_another_quiz_is_refused():
    lesson, other = quiz(), quiz()
    question, _, _ = choice_question(lesson)
    foreign_question, (foreign_option,), _ = choice_question(other)
    learner = UserFactory()
    with pytest.raises(InvalidAnswerError):
        grade_attempt(lesson, learner, {question.id: ids(foreign_option)})
    with pytest.raises(InvalidAnswerError):
        grade_attempt(lesson, learner, {foreign_question.id: ids(foreign_option)})
    with pytest.raises(InvalidAnswerError):
        grade_attempt(lesson, learner, {question.id: ["not-a-number"]})
    db.session.rollback()
    assert attempt_count(lesson) == attempt_count(other) == 0


def test_two_options_for_a_single_answer_question_are_refused():
    lesson = quiz()
    question, (right,), (wrong, _other) = choice_question(lesson)
    with pytest.raises(InvalidAnswerError):
        grade_attempt(lesson, UserFactory(), {question.id: ids(right, wrong)})


def test_a_form_sent_twice_is_recorded_once():
    lesson = quiz()
    question, (right,), _ = choice_question(lesson)
    learner = UserFactory()
    grade_attempt(lesson, learner, {question.id: ids(right)}, number=1)
    db.session.commit()
    with pytest.raises(AttemptAlreadyRecordedError):
        grade_attempt(lesson, learner, {question.id: ids(right)}, number=1)
    assert attempt_count(lesson) == 1


def test_two_submissions_racing_past_the_count_make_one_attempt(monkeypatch):
    lesson = quiz()
    question, (right,), _ = choice_question(lesson)
    learner = UserFactory()
    grade_attempt(lesson, learner, {question.id: ids(right)})
    db.session.commit()
    # The second request counted before the first one committed: it also believes it makes attempt 1.
    monkeypatch.setattr(quizzes, "attempts_used", lambda *_args: 0)
    with pytest.raises(AttemptAlreadyRecordedError):
        grade_attempt(lesson, learner, {question.id: ids(right)})
    db.session.rollback()
    assert attempt_count(lesson) == 1


def test_passing_records_completion_and_failing_does_not():
    lesson = quiz(pass_mark=100)
    question, (right,), (wrong, _other) = choice_question(lesson)
    learner = UserFactory()
    grade_attempt(lesson, learner, {question.id: ids(wrong)})
    assert not completed(learner, lesson)
    grade_attempt(lesson, learner, {question.id: ids(right)})
    grade_attempt(lesson, learner, {question.id: ids(right)})  # passing again changes nothing
    db.session.commit()
    assert completed(learner, lesson)
    assert db.session.scalar(select(func.count(Completion.id)).where(Completion.lesson_id == lesson.id)) == 1


def test_unanswered_questions_count_as_wrong():
    lesson = quiz(pass_mark=50)
    first, (right,), _ = choice_question(lesson)
    numeric = numeric_question(lesson)
    attempt = grade_attempt(lesson, UserFactory(), {first.id: ids(right), numeric.id: ["  "]})
    assert (attempt.score_points, attempt.score_percent, attempt.passed) == (1, 50, True)


def test_a_quiz_without_questions_cannot_be_taken():
    lesson = quiz()
    with pytest.raises(InvalidAnswerError):
        grade_attempt(lesson, UserFactory(), {})
