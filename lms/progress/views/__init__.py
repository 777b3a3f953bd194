"""The progress blueprint's routes, and the mentor's home on the cohorts blueprint."""

from lms.progress.views import certificates, cohort, home, mentor_home

__all__ = ["certificates", "cohort", "home", "mentor_home"]
