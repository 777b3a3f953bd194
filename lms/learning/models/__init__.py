"""What a learner did: completions, quiz attempts, submissions, reviews and extensions."""

from lms.learning.models.completion import Completion
from lms.learning.models.quiz import QuizAnswer, QuizAttempt, quiz_answer_options
from lms.learning.models.submission import (
    Extension,
    Review,
    ReviewDecision,
    ReviewScore,
    Submission,
    SubmissionFile,
    SubmissionState,
    SubmissionVersion,
)

__all__ = [
    "Completion",
    "Extension",
    "QuizAnswer",
    "QuizAttempt",
    "Review",
    "ReviewDecision",
    "ReviewScore",
    "Submission",
    "SubmissionFile",
    "SubmissionState",
    "SubmissionVersion",
    "quiz_answer_options",
]
