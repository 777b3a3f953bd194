"""Course content: courses, modules, lessons, quiz questions, rubrics and which cohorts take which course."""

from lms.courses.models.content import (
    LESSON_KINDS,
    AnswerReveal,
    CohortCourse,
    Course,
    Lesson,
    LessonKind,
    LessonResource,
    Module,
    UnlockRule,
)
from lms.courses.models.quiz import QUESTION_KINDS, Option, Question, QuestionKind, RubricCriterion
from lms.courses.models.versions import changed_content

__all__ = [
    "LESSON_KINDS",
    "QUESTION_KINDS",
    "AnswerReveal",
    "CohortCourse",
    "Course",
    "Lesson",
    "LessonKind",
    "LessonResource",
    "Module",
    "Option",
    "Question",
    "QuestionKind",
    "RubricCriterion",
    "UnlockRule",
    "changed_content",
]
