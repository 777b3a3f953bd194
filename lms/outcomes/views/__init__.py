"""The outcomes blueprint's routes."""

from lms.outcomes.views import exports, follow_ups, graduation, impact, intake, support

__all__ = ["exports", "follow_ups", "graduation", "impact", "intake", "support"]
