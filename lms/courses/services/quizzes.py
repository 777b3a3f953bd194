"""Authoring quiz questions with their options, and assignment rubrics.

Questions and options are changed in place: learners' past answers point at their ids.
"""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.courses.models import QUESTION_KINDS, Lesson, Option, Question, QuestionKind, RubricCriterion
from lms.courses.records import record_queries
from lms.courses.services.authoring import AuthoringError, ContentInUseError, clean, move_in_order, next_position

MAX_POINTS = 1000
# Numeric(14, 4) columns: ten digits before the point, four after.
LARGEST_NUMBER = Decimal(10) ** 10
DECIMAL_PLACES = 4
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE)


class InvalidQuestionError(AuthoringError):
    """A question whose data breaks its kind's rules; ``problems`` lists every one."""

    def __init__(self, problems: list):
        super().__init__(problems[0])
        self.problems = problems


def fits_column(value) -> bool:
    """Is ``value`` a finite Decimal a Numeric(14, 4) column holds exactly?"""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return False
    if not number.is_finite() or abs(number) >= LARGEST_NUMBER:
        return False
    return -number.as_tuple().exponent <= DECIMAL_PLACES


def option_rows(data: dict) -> list[dict]:
    """The option rows of a question form, as posted, blank ones included."""
    return [row for row in data.get("options") or () if isinstance(row, dict)]


def is_blank(row: dict) -> bool:
    return not clean(row, "text") and not row.get("correct") and not clean(row, "feedback")


def question_problems(kind: str, data: dict) -> list:
    """What is wrong with this question for its kind: an empty list when it can be saved."""
    if kind not in QUESTION_KINDS:
        return [_l("Choose a known kind of question.")]
    problems = []
    if not clean(data, "prompt"):
        problems.append(_l("Write the question."))
    points = data.get("points")
    if not isinstance(points, int) or not 0 <= points <= MAX_POINTS:
        problems.append(_l("Points must be a whole number from 0 to %(max)d.", max=MAX_POINTS))
    if kind == QuestionKind.NUMERIC:
        if data.get("answer") is None:
            problems.append(_l("Enter the right answer."))
        elif not fits_column(data["answer"]):
            problems.append(_l("The answer must be a number below 10,000,000,000 with at most 4 decimals."))
        tolerance = data.get("tolerance")
        if tolerance is not None and (not fits_column(tolerance) or Decimal(tolerance) < 0):
            problems.append(_l("The tolerance must be 0 or more, with at most 4 decimals."))
        return problems
    filled = [row for row in option_rows(data) if not is_blank(row)]
    if any(not clean(row, "text") for row in filled):
        problems.append(_l("Every option with a tick or feedback needs its text."))
    correct = sum(1 for row in filled if row.get("correct"))
    if kind == QuestionKind.TRUE_FALSE and len(filled) != 2:
        problems.append(_l("A true-or-false question has exactly two options."))
    elif len(filled) < 2:
        problems.append(_l("Give at least two options."))
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        problems.append(_l("Mark exactly one option as correct."))
    if kind == QuestionKind.MULTIPLE and correct < 1:
        problems.append(_l("Mark at least one option as correct."))
    return problems


def sync_options(question: Question, rows: list[dict]) -> None:
    """Row i edits the question's option i in place; blank rows remove, extra rows add."""
    existing = list(question.options)
    removed = [option for index, option in enumerate(existing) if index >= len(rows) or is_blank(rows[index])]
    chosen = record_queries().chosen_option_ids([option.id for option in removed if option.id is not None])
    if chosen:
        texts = "; ".join(option.text for option in removed if option.id in chosen)
        raise InvalidQuestionError(
            [_l("Learners chose “%(options)s” in past attempts, so it stays. Change its text instead.", options=texts)]
        )
    position = 0
    for index, row in enumerate(rows):
        if is_blank(row):
            continue
        if index < len(existing):
            option = existing[index]
        else:
            option = Option()
            question.options.append(option)
        option.text = clean(row, "text")
        option.correct = bool(row.get("correct"))
        option.feedback = clean(row, "feedback") or ""
        option.position = position
        position += 1
    for option in removed:
        question.options.remove(option)


def page_changed(lesson: Lesson) -> None:
    """Its questions or rubric are on the lesson's page: a copy saved for offline use is out of date
    (its version follows ``updated_at``)."""
    lesson.updated_at = utcnow()


def save_question(lesson: Lesson, data: dict, question: Question | None = None) -> Question:
    """Add a question to a quiz lesson, or change one of its questions in place."""
    if lesson.kind != "quiz":
        raise AuthoringError(_l("Only quiz lessons have questions."))
    if question is not None and question.lesson_id != lesson.id:
        raise AuthoringError(_l("This question belongs to another quiz."))
    kind = question.kind if question is not None else data.get("kind")
    problems = question_problems(kind, data)
    if problems:
        raise InvalidQuestionError(problems)
    if question is None:
        question = Question(
            lesson=lesson, kind=kind, position=next_position(Question.position, Question.lesson_id == lesson.id)
        )
        db.session.add(question)
    question.prompt = clean(data, "prompt")
    question.points = data["points"]
    question.feedback_correct = clean(data, "feedback_correct") or ""
    question.feedback_wrong = clean(data, "feedback_wrong") or ""
    if kind == QuestionKind.NUMERIC:
        question.answer = Decimal(data["answer"])
        question.tolerance = Decimal(data.get("tolerance") or 0)
        question.unit = clean(data, "unit") or ""
    else:
        sync_options(question, option_rows(data))
    page_changed(lesson)
    db.session.flush()
    db.session.expire(lesson, ["questions"])
    return question


def delete_question(question: Question) -> None:
    """Delete a question no learner has answered yet; raise ContentInUseError otherwise."""
    if record_queries().question_answer_count(question):
        raise ContentInUseError(
            _l("Learners have answered this question, so it stays. Edit it, or give it 0 points, instead.")
        )
    lesson = question.lesson
    page_changed(lesson)
    db.session.delete(question)
    db.session.flush()
    db.session.expire(lesson, ["questions"])


def move_question(question: Question, direction: int) -> bool:
    """Move a question one place up (-1) or down (+1) in its quiz; False at that end."""
    moved = move_in_order(list(question.lesson.questions), question, direction)
    if moved:
        page_changed(question.lesson)
    db.session.expire(question.lesson, ["questions"])
    return moved


def save_criterion(lesson: Lesson, data: dict, criterion: RubricCriterion | None = None) -> RubricCriterion:
    """Add a rubric criterion to an assignment lesson, or change one in place."""
    if lesson.kind != "assignment":
        raise AuthoringError(_l("Only assignment lessons have a rubric."))
    if criterion is not None and criterion.lesson_id != lesson.id:
        raise AuthoringError(_l("This criterion belongs to another assignment."))
    text = clean(data, "criterion")
    points = data.get("points")
    if not text:
        raise AuthoringError(_l("Describe what the mentor looks for."))
    if not isinstance(points, int) or not 0 < points <= MAX_POINTS:
        raise AuthoringError(_l("Points must be a whole number from 1 to %(max)d.", max=MAX_POINTS))
    if criterion is None:
        position = next_position(RubricCriterion.position, RubricCriterion.lesson_id == lesson.id)
        criterion = RubricCriterion(lesson=lesson, position=position)
        db.session.add(criterion)
    criterion.criterion = text
    criterion.points = points
    page_changed(lesson)
    db.session.flush()
    db.session.expire(lesson, ["rubric"])
    return criterion


def delete_criterion(criterion: RubricCriterion) -> None:
    """Remove a criterion from an assignment's rubric."""
    lesson = criterion.lesson
    page_changed(lesson)
    db.session.delete(criterion)
    db.session.flush()
    db.session.expire(lesson, ["rubric"])


def move_criterion(criterion: RubricCriterion, direction: int) -> bool:
    """Move a rubric criterion one place up (-1) or down (+1); False at that end."""
    moved = move_in_order(list(criterion.lesson.rubric), criterion, direction)
    if moved:
        page_changed(criterion.lesson)
    db.session.expire(criterion.lesson, ["rubric"])
    return moved
