"""The starter course imports whole, in both languages, and reads as a real course."""

from decimal import Decimal

from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import Course, Lesson, Module, Question
from lms.courses.starter import LANGUAGES, import_course, starter_path, video_captions, webvtt
from tests.factories import ProgramFactory


def lesson_kinds(course: Course) -> list[str]:
    return [lesson.kind for module in course.modules for lesson in module.lessons]


def test_both_languages_import_as_complete_matching_courses():
    program = ProgramFactory()
    courses = {language: import_course(starter_path(language), program)[0] for language in LANGUAGES}
    db.session.commit()
    for language, course in courses.items():
        kinds = lesson_kinds(course)
        assert course.language == language
        assert course.published
        assert course.sequential
        assert len(course.modules) >= 5
        assert len(kinds) >= 15
        assert kinds.count("quiz") == 2
        assert kinds.count("assignment") == 3
        assert "video" in kinds
        assert "reading" in kinds
    assert lesson_kinds(courses["zh_Hans"]) == lesson_kinds(courses["en"])
    assert courses["en"].translation_of == courses["zh_Hans"]  # one course in two languages
    assert courses["zh_Hans"].translation_of is None


def test_every_lesson_has_real_content_and_every_quiz_can_be_passed():
    program = ProgramFactory()
    course, _ = import_course(starter_path("zh_Hans"), program)
    for module in course.modules:
        for lesson in module.lessons:
            if lesson.kind == "video":
                assert len(lesson.transcript) > 100, lesson.title
            elif lesson.kind == "quiz":
                assert len(lesson.body) > 10, lesson.title  # a short introduction
            else:
                assert len(lesson.body) > 100, lesson.title
            if lesson.kind == "quiz":
                kinds = {question.kind for question in lesson.questions}
                assert len(lesson.questions) >= 4
                for question in lesson.questions:
                    if question.kind == "numeric":
                        assert question.answer is not None
                        assert question.tolerance >= 0
                    else:
                        assert any(option.correct for option in question.options), question.prompt
                assert kinds
            if lesson.kind == "assignment":
                assert lesson.accepted_kinds
                assert sum(item.points for item in lesson.rubric) > 0


def test_the_quizzes_use_all_four_question_kinds_and_the_pricing_answers_hold():
    program = ProgramFactory()
    import_course(starter_path("en"), program)
    kinds = set(db.session.scalars(select(Question.kind)))
    assert kinds == {"single", "multiple", "true_false", "numeric"}
    # 20 + 6 + 12 + 5% of 60 = 41 yuan for 5 jin; 38 / (1 - 0.05 - 0.25) for a 25% margin.
    answers = set(db.session.scalars(select(Question.answer).where(Question.kind == "numeric")))
    assert Decimal("8.2") in answers
    assert Decimal("54.3") in answers


def test_importing_again_adds_nothing():
    program = ProgramFactory()
    first, created = import_course(starter_path("en"), program)
    again, created_again = import_course(starter_path("en"), program)
    assert created
    assert not created_again
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Module.id))) == len(first.modules)
    assert db.session.scalar(select(func.count(Lesson.id))) == sum(len(m.lessons) for m in first.modules)


def test_captions_become_valid_webvtt():
    captions = video_captions(starter_path("zh_Hans"))
    assert len(captions) >= 3
    text = webvtt(next(iter(captions.values())))
    assert text.startswith("WEBVTT\n\n00:00:00.000 --> ")
