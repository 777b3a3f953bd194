"""The outcomes blueprint's routes."""

from lms.outcomes.views import graduation, intake, support

__all__ = ["graduation", "intake", "support"]
