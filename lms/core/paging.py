"""Pagination for lists whose total is already known from a count the page needed anyway."""

import math
from dataclasses import dataclass


@dataclass
class CountedPage:
    """What the pagination macro needs, built from a known total (no extra count query)."""

    page: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.per_page), 1)

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)
