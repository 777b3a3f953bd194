"""Course content: courses, modules, lessons, quizzes, assignments and their files."""

from lms.courses.models.content import (
    LESSON_KINDS,
    CohortCourse,
    Course,
    Lesson,
    LessonKind,
    LessonResource,
    Module,
)
from lms.courses.models.media import MediaFile, MediaKind, VideoStatus
from lms.courses.models.quiz import (
    QUESTION_KINDS,
    Option,
    Question,
    QuestionKind,
    QuizAnswer,
    QuizAttempt,
    RubricCriterion,
    quiz_answer_options,
)

__all__ = [
    "LESSON_KINDS",
    "QUESTION_KINDS",
    "CohortCourse",
    "Course",
    "Lesson",
    "LessonKind",
    "LessonResource",
    "MediaFile",
    "MediaKind",
    "Module",
    "Option",
    "Question",
    "QuestionKind",
    "QuizAnswer",
    "QuizAttempt",
    "RubricCriterion",
    "VideoStatus",
    "quiz_answer_options",
]
