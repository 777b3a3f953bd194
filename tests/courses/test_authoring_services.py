"""The authoring services, called directly: the rules hold without any page in between."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import CohortCourse, Lesson, Option, Question
from lms.courses.services import authoring as services
from lms.courses.services import offers as offer_services
from lms.courses.services import quizzes as quiz
from lms.courses.services.authoring import AuthoringError, ContentInUseError
from lms.courses.services.quizzes import InvalidQuestionError
from lms.learning.models import QuizAnswer, QuizAttempt
from lms.learning.models.completion import Completion
from tests.factories import (
    CohortFactory,
    CourseFactory,
    LessonFactory,
    ModuleFactory,
    QuestionFactory,
    RubricCriterionFactory,
)


@pytest.fixture(autouse=True)
def english(app):
    """Refusals carry messages in the person's language: read them as an English speaker would."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def choice_data(prompt="Which box keeps peaches fresh?", points=2, rows=None):
    rows = rows or [
        {"text": "A vented carton with padding", "correct": True, "feedback": "Air and padding."},
        {"text": "A sealed plastic bag", "correct": False, "feedback": "They sweat and rot."},
    ]
    return {"prompt": prompt, "points": points, "options": rows}


def record_attempt(world, lesson, question, option):
    """A learner's finished, graded attempt, as the learning pages would record it."""
    attempt = QuizAttempt(
        lesson=lesson, learner=world.learner_a, number=1, score_points=1, max_points=1, score_percent=100, passed=True
    )
    attempt.answers.append(QuizAnswer(question=question, correct=True, points_awarded=1, selected=[option]))
    db.session.add_all([attempt, Completion(learner=world.learner_a, lesson=lesson)])
    db.session.commit()
    return attempt


def test_a_new_course_is_a_draft_until_published(world):
    course = services.create_course(
        world.program,
        {"title": " Pricing your tea ", "summary": "Cost, margin, price.", "language": "en", "estimated_minutes": 40},
    )
    assert (course.title, course.published, course.sequential, course.estimated_minutes) == (
        "Pricing your tea",
        False,
        False,
        40,
    )
    services.update_course(course, {"title": "Pricing tea", "language": "zh_Hans", "sequential": True})
    services.set_course_published(course, True)
    db.session.commit()
    db.session.refresh(course)
    assert (course.title, course.language, course.sequential, course.published) == (
        "Pricing tea",
        "zh_Hans",
        True,
        True,
    )


def test_a_course_offered_to_cohorts_keeps_its_program(world):
    other = CohortFactory().program
    course = world.courses_a.course
    with pytest.raises(AuthoringError, match="Withdraw it first"):
        services.update_course(course, {"title": course.title, "language": "en", "program_id": other.id})
    offer_services.offer_course(course, {})
    services.update_course(course, {"title": course.title, "language": "en", "program_id": other.id})
    assert course.program_id == other.id


def test_modules_are_added_at_the_end_and_move_within_the_course(world):
    course = CourseFactory(program=world.program)
    first, second, third = (services.create_module(course, {"title": name}) for name in ("Shop", "Price", "Ship"))
    assert [first.position, second.position, third.position] == [0, 1, 2]
    assert services.move_module(third, -1) is True
    assert [module.title for module in course.modules] == ["Shop", "Ship", "Price"]
    # At either end nothing changes and nothing goes wrong.
    assert services.move_module(first, -1) is False
    assert services.move_module(second, +1) is False
    assert [module.title for module in course.modules] == ["Shop", "Ship", "Price"]


def test_moving_heals_positions_that_tie_or_leave_gaps(world):
    module = ModuleFactory(course=world.courses_a.course)
    lessons = [LessonFactory(module=module, title=title, position=7) for title in ("a", "b", "c")]
    assert services.move_lesson(lessons[2], -1) is True
    assert [lesson.title for lesson in module.lessons] == ["a", "c", "b"]
    assert [lesson.position for lesson in module.lessons] == [0, 1, 2]
    with pytest.raises(ValueError, match="direction"):
        services.move_lesson(lessons[0], 2)


def test_a_new_lesson_is_a_draft_at_the_end_of_its_module(world):
    module = world.courses_a.module
    lesson = services.create_lesson(module, {"kind": "assignment", "title": "Film your product", "minutes": 10})
    assert (lesson.published, lesson.kind, lesson.accepts) == (False, "assignment", "text")
    assert module.lessons[-1] == lesson
    with pytest.raises(AuthoringError, match="kind of lesson"):
        services.create_lesson(module, {"kind": "essay", "title": "Essay"})


def test_updating_a_lesson_changes_only_its_kinds_fields(world):
    reading = world.courses_a.reading
    services.update_lesson(
        reading, {"title": "Know your product", "body": "# Taste", "pass_mark": 10, "transcript": "x"}
    )
    assert (reading.title, reading.body, reading.pass_mark, reading.transcript) == (
        "Know your product",
        "# Taste",
        70,
        "",
    )
    assignment = world.courses_a.assignment
    services.update_lesson(assignment, {"accepts": ["video", "text", "link"], "due_days": None})
    assert (assignment.accepts, assignment.due_days) == ("text,link,video", None)


@pytest.mark.parametrize(
    ("lesson_name", "data", "message"),
    [
        ("quiz", {"pass_mark": 150}, "pass mark"),
        ("quiz", {"attempts_allowed": -1}, "Attempts"),
        ("assignment", {"accepts": []}, "at least one kind"),
        ("assignment", {"accepts": ["text", "fax"]}, "at least one kind"),
        ("assignment", {"due_days": -3}, "Days"),
        ("reading", {"title": "  "}, "title"),
        ("video", {"minutes": -1}, "Minutes"),
    ],
)
def test_lesson_data_breaking_the_rules_is_refused_and_nothing_changes(world, lesson_name, data, message):
    lesson = getattr(world.courses_a, lesson_name)
    before = (lesson.title, lesson.minutes, lesson.pass_mark, lesson.attempts_allowed, lesson.accepts, lesson.due_days)
    with pytest.raises(AuthoringError, match=message):
        services.update_lesson(lesson, data)
    after = (lesson.title, lesson.minutes, lesson.pass_mark, lesson.attempts_allowed, lesson.accepts, lesson.due_days)
    assert after == before


def test_a_lesson_with_learner_progress_cannot_be_deleted(world):
    reading, quiz_lesson = world.courses_a.reading, world.courses_a.quiz
    db.session.add(Completion(learner=world.learner_a, lesson=reading))
    db.session.add(
        QuizAttempt(
            lesson=quiz_lesson,
            learner=world.learner_a,
            number=1,
            score_points=0,
            max_points=1,
            score_percent=0,
            passed=False,
        )
    )
    db.session.commit()
    for lesson in (reading, quiz_lesson):
        with pytest.raises(ContentInUseError, match="Unpublish it instead"):
            services.delete_lesson(lesson)
    with pytest.raises(ContentInUseError):
        services.delete_module(world.courses_a.module)
    assert db.session.get(Lesson, reading.id) is not None
    draft_id = world.courses_a.draft.id
    services.delete_lesson(world.courses_a.draft)
    db.session.commit()
    assert db.session.get(Lesson, draft_id) is None


def test_deleting_a_quiz_lesson_takes_its_questions_and_options_along(world):
    questions, options = count(Question), count(Option)
    services.delete_lesson(world.courses_b.quiz)
    db.session.commit()
    assert (count(Question), count(Option)) == (questions - 1, options - 2)


def test_a_question_is_saved_with_its_options_in_order(world):
    lesson = world.courses_a.quiz
    rows = [
        {"text": "", "correct": False, "feedback": ""},
        {"text": "Weigh the box", "correct": True, "feedback": ""},
        {"text": "Guess", "correct": False, "feedback": "Couriers charge by weight."},
    ]
    question = quiz.save_question(lesson, {**choice_data(rows=rows), "kind": "single"})
    assert [(option.text, option.correct, option.position) for option in question.options] == [
        ("Weigh the box", True, 0),
        ("Guess", False, 1),
    ]
    assert lesson.questions[-1] == question


def test_a_numeric_question_keeps_its_answer_exactly(world):
    data = {
        "prompt": "Cost 12.5, margin 40 %: price?",
        "points": 3,
        "answer": "17.5",
        "tolerance": "0.05",
        "unit": "元",
    }
    question = quiz.save_question(world.courses_a.quiz, {**data, "kind": "numeric"})
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Question, question.id)
    assert (stored.answer, stored.tolerance, stored.unit, stored.options) == (
        Decimal("17.5"),
        Decimal("0.05"),
        "元",
        [],
    )


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("single", choice_data(rows=[{"text": "a", "correct": True}, {"text": "b", "correct": True}]), "exactly one"),
        ("single", choice_data(rows=[{"text": "only", "correct": True}]), "at least two"),
        ("multiple", choice_data(rows=[{"text": "a"}, {"text": "b"}]), "at least one option"),
        ("true_false", choice_data(rows=[{"text": "T", "correct": True}, {"text": "F"}, {"text": "?"}]), "two options"),
        ("single", choice_data(rows=[{"text": "", "correct": True}, {"text": "b"}, {"text": "c"}]), "needs its text"),
        ("single", choice_data(points=-1), "Points"),
        ("single", choice_data(prompt="   "), "Write the question"),
        ("numeric", {"prompt": "Price?", "points": 1}, "right answer"),
        ("numeric", {"prompt": "Price?", "points": 1, "answer": "NaN"}, "number below"),
        ("numeric", {"prompt": "Price?", "points": 1, "answer": "1.23456"}, "4 decimals"),
        ("numeric", {"prompt": "Price?", "points": 1, "answer": "1e12"}, "number below"),
        ("numeric", {"prompt": "Price?", "points": 1, "answer": "5", "tolerance": "-1"}, "tolerance"),
        ("essay", choice_data(), "known kind"),
    ],
)
def test_questions_breaking_their_kinds_rules_are_refused(world, kind, data, message):
    questions, options = count(Question), count(Option)
    with pytest.raises(InvalidQuestionError) as refused:
        quiz.save_question(world.courses_a.quiz, {**data, "kind": kind})
    assert any(message in str(problem) for problem in refused.value.problems), refused.value.problems
    assert (count(Question), count(Option)) == (questions, options)


def test_editing_a_question_keeps_the_ids_of_it_and_its_options(world):
    question = world.courses_a.quiz.questions[0]
    kept, dropped = question.options
    rows = [
        {"text": "Soft light from a window", "correct": True, "feedback": "Even light, no glare."},
        {"text": "", "correct": False, "feedback": ""},
        {"text": "A ring light", "correct": False, "feedback": ""},
    ]
    saved = quiz.save_question(question.lesson, choice_data(prompt="Best light?", rows=rows), question)
    db.session.commit()
    assert saved.id == question.id
    assert [option.text for option in saved.options] == ["Soft light from a window", "A ring light"]
    assert saved.options[0].id == kept.id
    assert db.session.get(Option, dropped.id) is None


def test_an_option_learners_chose_cannot_be_removed(world):
    question = world.courses_a.quiz.questions[0]
    chosen = question.options[1]
    record_attempt(world, question.lesson, question, chosen)
    rows = [{"text": question.options[0].text, "correct": True}, {"text": ""}, {"text": "New", "correct": False}]
    with pytest.raises(InvalidQuestionError, match="past attempts"):
        quiz.save_question(question.lesson, choice_data(rows=rows), question)
    assert db.session.get(Option, chosen.id) is not None


def test_a_question_belongs_to_its_own_quiz(world):
    question_b = world.courses_b.quiz.questions[0]
    with pytest.raises(AuthoringError, match="another quiz"):
        quiz.save_question(world.courses_a.quiz, choice_data(), question_b)
    with pytest.raises(AuthoringError, match="Only quiz lessons"):
        quiz.save_question(world.courses_a.reading, {**choice_data(), "kind": "single"})


def test_an_answered_question_cannot_be_deleted_but_a_new_one_can(world):
    lesson = world.courses_a.quiz
    answered = lesson.questions[0]
    record_attempt(world, lesson, answered, answered.options[0])
    with pytest.raises(ContentInUseError, match="0 points"):
        quiz.delete_question(answered)
    fresh = QuestionFactory(lesson=lesson)
    quiz.delete_question(fresh)
    assert [question.id for question in lesson.questions] == [answered.id]


def test_questions_move_within_their_quiz(world):
    lesson = world.courses_a.quiz
    first = lesson.questions[0]
    second = QuestionFactory(lesson=lesson, position=first.position)
    assert quiz.move_question(second, -1) is True
    assert lesson.questions == [second, first]
    assert quiz.move_question(second, -1) is False
    assert quiz.move_question(first, +1) is False


def test_rubric_criteria_are_added_edited_moved_and_deleted(world):
    lesson = world.courses_a.assignment
    first = lesson.rubric[0]
    second = quiz.save_criterion(lesson, {"criterion": "Price is written clearly", "points": 3})
    assert lesson.rubric == [first, second]
    quiz.save_criterion(lesson, {"criterion": "Price and weight are written clearly", "points": 4}, second)
    assert (second.criterion, second.points) == ("Price and weight are written clearly", 4)
    assert quiz.move_criterion(second, -1) is True
    assert lesson.rubric == [second, first]
    assert quiz.move_criterion(first, +1) is False
    quiz.delete_criterion(first)
    assert lesson.rubric == [second]
    for bad in ({"criterion": "x", "points": 0}, {"criterion": "x", "points": -2}, {"criterion": " ", "points": 2}):
        with pytest.raises(AuthoringError):
            quiz.save_criterion(lesson, bad)
    with pytest.raises(AuthoringError, match="Only assignment"):
        quiz.save_criterion(world.courses_a.quiz, {"criterion": "x", "points": 1})
    with pytest.raises(AuthoringError, match="another assignment"):
        quiz.save_criterion(lesson, {"criterion": "x", "points": 1}, RubricCriterionFactory())


def test_offering_a_course_replaces_its_cohorts(world):
    course = world.courses_a.course
    kept = db.session.scalar(select(CohortCourse).where(CohortCourse.course_id == course.id))
    offers = offer_services.offer_course(course, {world.cohort_a.id: False, world.cohort_b.id: True})
    db.session.commit()
    assert offers == {world.cohort_a.id: False, world.cohort_b.id: True}
    # The row that stayed is changed in place.
    assert db.session.get(CohortCourse, kept.id).required is False
    assert offer_services.offer_course(course, {world.cohort_b.id: False}) == {world.cohort_b.id: False}
    assert offer_services.offer_course(course, {}) == {}
    stranger = CohortFactory()
    with pytest.raises(AuthoringError, match="its own program"):
        offer_services.offer_course(course, {stranger.id: True})


def test_learner_progress_survives_edits_unpublishing_and_republishing(world):
    """Completions, attempts, answers and chosen options keep pointing at the same rows."""
    lesson = world.courses_a.quiz
    question = lesson.questions[0]
    option_ids = [option.id for option in question.options]
    attempt = record_attempt(world, lesson, question, question.options[0])

    services.update_lesson(lesson, {"title": "Light check", "body": "Three questions.", "pass_mark": 80})
    rows = [{"text": option.text + "!", "correct": option.correct} for option in question.options]
    quiz.save_question(lesson, choice_data(prompt="Which light, really?", rows=rows), question)
    services.set_lesson_published(lesson, False)
    db.session.commit()
    services.set_lesson_published(lesson, True)
    db.session.commit()
    db.session.expire_all()

    lesson = db.session.get(Lesson, lesson.id)
    assert (lesson.title, lesson.published, lesson.questions[0].id) == ("Light check", True, question.id)
    assert [option.id for option in lesson.questions[0].options] == option_ids
    stored = db.session.get(QuizAttempt, attempt.id)
    assert (stored.score_percent, stored.passed) == (100, True)
    assert [option.id for option in stored.answers[0].selected] == [option_ids[0]]
    completed = select(Completion.id).where(
        Completion.lesson_id == lesson.id, Completion.learner_id == world.learner_a.id
    )
    assert db.session.scalar(completed) is not None
