"""Quizzes: grading an attempt on the server, keeping every attempt, and reviewing one."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.numbers import NumberRefusedError, read_number
from lms.courses.models import AnswerReveal, Lesson, Question, QuestionKind
from lms.learning.models import QuizAnswer, QuizAttempt
from lms.learning.services.completions import record_completion
from lms.learning.services.offline import OfflineAction, action_time

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE, QuestionKind.MULTIPLE)
# Numeric(14, 4) columns: four decimals kept, and fewer than ten digits before the point.
DECIMAL_PLACES = Decimal("0.0001")
NUMBER_DIGITS = 10
# More decimals than the column keeps are rounded, not refused: 0.33333 is a fair answer to 1/3.
ANY_PLACES = 30


class QuizRefusedError(UserFacingError):
    """An attempt that was not recorded; ``message`` tells the learner why."""

    def __init__(self, message, question_id: int | None = None):
        super().__init__(message)
        self.question_id = question_id


class InvalidAnswerError(QuizRefusedError):
    """The posted answers cannot be graded: not a number, or an option of another question."""


class AttemptsUsedUpError(QuizRefusedError):
    """The learner has used every attempt the quiz allows."""


class AttemptAlreadyRecordedError(QuizRefusedError):
    """The same attempt arrived twice (a double click, a second tab, the back button)."""


def quiz_questions(lesson: Lesson) -> list[Question]:
    """A quiz's questions in order, with their options, in two queries."""
    query = (
        select(Question)
        .where(Question.lesson_id == lesson.id)
        .options(selectinload(Question.options))
        .order_by(Question.position, Question.id)
    )
    return list(db.session.scalars(query))


def attempts_used(lesson: Lesson, learner: User) -> int:
    """How many attempts this learner has made at this quiz."""
    query = select(func.count(QuizAttempt.id)).where(
        QuizAttempt.lesson_id == lesson.id, QuizAttempt.learner_id == learner.id
    )
    return db.session.scalar(query) or 0


def attempts_left(lesson: Lesson, used: int) -> int | None:
    """Attempts still allowed, or None when the quiz allows any number."""
    if not lesson.attempts_allowed:
        return None
    return max(lesson.attempts_allowed - used, 0)


def learner_attempts(lesson: Lesson, learner: User) -> list[QuizAttempt]:
    """The learner's attempts at this quiz, newest first."""
    query = (
        select(QuizAttempt)
        .where(QuizAttempt.lesson_id == lesson.id, QuizAttempt.learner_id == learner.id)
        .order_by(QuizAttempt.number.desc())
    )
    return list(db.session.scalars(query))


def parse_number(raw: str, unit: str = "") -> Decimal:
    """A typed answer as Decimal: "12.5", "１２．５", "1,200", "8.2元" or "12.5 kg" (the question's unit) all read."""
    try:
        value = read_number(raw, decimals=ANY_PLACES, digits=NUMBER_DIGITS, currency=True, units=(unit,), negative=True)
    except NumberRefusedError as refusal:
        raise InvalidAnswerError(refusal.message) from None
    if value is None:
        raise InvalidAnswerError(_l("Type a number, such as 12.5."))
    return value.quantize(DECIMAL_PLACES, rounding=ROUND_HALF_EVEN)


def _grade_choice(question: Question, values: Sequence[str]) -> tuple[bool, list]:
    options = {option.id: option for option in question.options}
    selected_ids: set[int] = set()
    for value in values:
        option_id = int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
        if option_id not in options:
            raise InvalidAnswerError(
                _l("An answer was sent that is not one of this question's choices. Please answer again."),
                question.id,
            )
        selected_ids.add(option_id)
    if question.kind != QuestionKind.MULTIPLE and len(selected_ids) > 1:
        raise InvalidAnswerError(_l("Choose only one answer for this question."), question.id)
    correct_ids = {option.id for option in question.options if option.correct}
    selected = [option for option in question.options if option.id in selected_ids]
    return selected_ids == correct_ids, selected


def _grade_numeric(question: Question, values: Sequence[str]) -> tuple[bool, Decimal | None]:
    if len(values) > 1:
        raise InvalidAnswerError(_l("Type one number for this question."), question.id)
    if not values:
        return False, None
    try:
        value = parse_number(values[0], question.unit or "")
    except InvalidAnswerError as refusal:
        raise InvalidAnswerError(refusal.message, question.id) from None
    if question.answer is None:
        return False, value
    return abs(value - Decimal(question.answer)) <= Decimal(question.tolerance or 0), value


def grade_attempt(
    lesson: Lesson,
    learner: User,
    answers: Mapping[int, Sequence[str]],
    *,
    number: int | None = None,
    offline: OfflineAction | None = None,
) -> QuizAttempt:
    """Grade and keep one attempt; passing records the lesson as done.

    ``answers`` maps question id → the posted values (option ids, or the typed number).
    ``number`` is the attempt number the form was made for: a form sent again is refused
    as already recorded instead of using up another attempt. Nothing is written when a
    ``QuizRefusedError`` is raised; after ``AttemptAlreadyRecordedError`` the session must be rolled back.
    ``offline``: an attempt answered offline, graded now and dated when it was answered; sent again
    with the same id, the attempt already graded is returned and nothing is added.
    """
    if offline is not None:
        replayed = offline_attempt(learner, offline.client_id)
        if replayed is not None:
            return replayed
    questions = quiz_questions(lesson)
    if not questions:
        raise InvalidAnswerError(_l("This quiz has no questions yet."))
    used = attempts_used(lesson, learner)
    # An attempt kept offline is told apart by its client id, not by the number its form was made for.
    if number is not None and offline is None and number <= used:
        raise AttemptAlreadyRecordedError(_l("This attempt was already recorded."))
    if attempts_left(lesson, used) == 0:
        if lesson.attempts_allowed == 1:
            raise AttemptsUsedUpError(_l("You have used your only attempt at this quiz."))
        raise AttemptsUsedUpError(
            _l("You have used all %(count)d attempts at this quiz.", count=lesson.attempts_allowed)
        )
    by_id = {question.id: question for question in questions}
    if any(question_id not in by_id for question_id in answers):
        raise InvalidAnswerError(_l("An answer was sent for a question that is not in this quiz. Please answer again."))

    attempt = QuizAttempt(
        lesson_id=lesson.id,
        learner_id=learner.id,
        number=used + 1,
        submitted_at=action_time(learner, lesson, offline),
        client_id=offline.client_id if offline else None,
    )
    score = 0
    for question in questions:
        values = [value.strip() for value in answers.get(question.id, ()) if value and value.strip()]
        answer = QuizAnswer(question=question, correct=False, points_awarded=0)
        if question.kind in CHOICE_KINDS:
            answer.correct, answer.selected = _grade_choice(question, values)
        else:
            answer.correct, answer.numeric_value = _grade_numeric(question, values)
        answer.points_awarded = question.points if answer.correct else 0
        score += answer.points_awarded
        attempt.answers.append(answer)

    attempt.max_points = sum(question.points for question in questions)
    attempt.score_points = score
    # Rounded down: 69.9 % does not pass a 70 % mark. A quiz worth no points is passed by taking it.
    attempt.score_percent = score * 100 // attempt.max_points if attempt.max_points else 100
    attempt.passed = attempt.score_percent >= lesson.pass_mark
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError as error:
        # Two submissions raced past the count: the unique (lesson, learner, number) stopped the second.
        raise AttemptAlreadyRecordedError(_l("This attempt was already recorded.")) from error
    if attempt.passed:
        record_completion(learner, lesson, offline)
    return attempt


def offline_attempt(learner: User, client_id: str) -> QuizAttempt | None:
    """The learner's attempt the phone sent before under this id, or None; another learner's id is refused."""
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.client_id == client_id))
    if attempt is not None and attempt.learner_id != learner.id:
        raise AttemptAlreadyRecordedError(_l("This attempt was already recorded."))
    return attempt


@dataclass
class AttemptReview:
    """One attempt with its questions and answers, for the result page."""

    attempt: QuizAttempt
    questions: list[Question]
    answers: dict[int, QuizAnswer]
    attempts: list[QuizAttempt]
    attempts_left: int | None
    show_answers: str = AnswerReveal.PASSED

    @property
    def reveal_answers(self) -> bool:
        """Whether the right answers and their feedback show, by the quiz's setting (``answers_revealed``)."""
        return answers_revealed(self.show_answers, self.attempts, self.attempts_left)


def answers_revealed(setting: str, attempts: Sequence[QuizAttempt], attempts_left: int | None) -> bool:
    """The quiz's rule for showing right answers: after each attempt, after the last, after passing, or never.

    "After passing" also shows them once no attempt is left, as nothing can be copied into another attempt then.
    """
    if setting == AnswerReveal.EACH_ATTEMPT:
        return bool(attempts)
    if setting == AnswerReveal.LAST_ATTEMPT:
        return attempts_left == 0
    if setting == AnswerReveal.PASSED:
        return any(attempt.passed for attempt in attempts) or attempts_left == 0
    return False


def attempt_review(lesson: Lesson, learner: User, number: int) -> AttemptReview | None:
    """The learner's attempt ``number`` at this quiz with everything its result page shows, or None."""
    attempts = learner_attempts(lesson, learner)
    attempt = next((each for each in attempts if each.number == number), None)
    if attempt is None:
        return None
    questions = quiz_questions(lesson)
    answers_query = (
        select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id).options(selectinload(QuizAnswer.selected))
    )
    answers = {answer.question_id: answer for answer in db.session.scalars(answers_query)}
    return AttemptReview(
        attempt, questions, answers, attempts, attempts_left(lesson, len(attempts)), show_answers=lesson.show_answers
    )
