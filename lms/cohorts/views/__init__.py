"""The cohorts blueprint's routes."""

from lms.cohorts.views import contact, setup, submissions

__all__ = ["contact", "setup", "submissions"]
