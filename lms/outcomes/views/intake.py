"""Consent and the baseline at intake."""

from lms.outcomes import bp  # noqa: F401
