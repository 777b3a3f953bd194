"""The progress blueprint's routes."""

from lms.progress.views import certificates, cohort, home

__all__ = ["certificates", "cohort", "home"]
