"""Course authoring for leads: courses, modules, lessons, quizzes, rubrics, offering to cohorts."""

from lms.courses import bp  # noqa: F401
