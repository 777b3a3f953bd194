"""Graduation: who meets the rules, confirming and undoing."""

from lms.outcomes import bp  # noqa: F401
