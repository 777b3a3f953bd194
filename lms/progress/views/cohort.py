"""Cohort progress for mentors and leads: the grid, learners at risk, one learner's page."""

from lms.progress import bp  # noqa: F401
