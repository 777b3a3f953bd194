"""The cohorts blueprint's own routes (submissions and the mentor's home add theirs from higher areas)."""

from lms.cohorts import notices, sms_budget  # noqa: F401 - connects its receivers
from lms.cohorts.views import announcements, contact, setup, setup_import, setup_learners, text_messages

__all__ = ["announcements", "contact", "setup", "setup_import", "setup_learners", "text_messages"]
