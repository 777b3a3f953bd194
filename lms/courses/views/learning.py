"""What learners see: the catalogue of their cohorts' courses, course pages, lessons, quizzes."""

from lms.courses import bp  # noqa: F401
