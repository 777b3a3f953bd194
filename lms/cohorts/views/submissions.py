"""Submitting assignments, the review queue, reviews, revisions, extensions."""

from lms.cohorts import bp  # noqa: F401
