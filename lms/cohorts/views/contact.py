"""Notifications, the mentor's home, check-ins."""

from lms.cohorts import bp  # noqa: F401
