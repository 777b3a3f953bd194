"""Support given to graduates' businesses, and the audit log."""

from lms.outcomes import bp  # noqa: F401
