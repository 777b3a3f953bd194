"""Certificates: the learner's printable page, public verification, revocation."""

from lms.progress import bp  # noqa: F401
