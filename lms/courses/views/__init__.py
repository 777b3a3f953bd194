"""The courses blueprint's own routes (the learner's lesson pages add theirs from the learning area)."""

from lms.courses.views import authoring, authoring_quiz, media

__all__ = ["authoring", "authoring_quiz", "media"]
