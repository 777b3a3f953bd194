"""The courses blueprint's own routes (the learner's lesson pages add theirs from the learning area)."""

from lms.courses.views import authoring, cohort_offers, media, quizzes

__all__ = ["authoring", "cohort_offers", "media", "quizzes"]
