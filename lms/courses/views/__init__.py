"""The courses blueprint's routes, one module per audience."""

from lms.courses.views import authoring, authoring_quiz, learning, media

__all__ = ["authoring", "authoring_quiz", "learning", "media"]
