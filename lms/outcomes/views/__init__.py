"""The outcomes blueprint's routes."""

from lms.outcomes.views import (
    audit,
    exports,
    follow_up_lists,
    follow_ups,
    graduation,
    impact,
    intake,
    products,
    support,
)

__all__ = ["audit", "exports", "follow_up_lists", "follow_ups", "graduation", "impact", "intake", "products", "support"]
