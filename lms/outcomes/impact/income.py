"""The impact query for the change in monthly income since the baseline, per wave, and its exact median.

The query reads every follow-up once, grouped by cell (and channel group) and wave; each row carries its kept changes
as one comma-separated text. A group's median is then found in Python from the changes of the cells it is made of:
sorting them for each breakdown's group costs less than one window over every follow-up per breakdown in SQL, and
the figure stays exact (whole fen, the mean of the two middle changes of an even count).
"""

from dataclasses import dataclass, field

from sqlalchemy import String, and_, case, cast, func, select

from lms.core.extensions import db
from lms.outcomes.impact.selection import Selection, count_where, graduate_rows, kept_follow_ups, sum_where
from lms.outcomes.models import FollowUp


def income_change_rows(selection: Selection):
    """Per cell (and channel group) and wave: n, sum of changes, how many rose, how many changes the follow-up
    filters (or a channel group's channel) leave out, and the kept changes as comma-separated text."""
    graduates = graduate_rows(selection, selection.cell_dimensions, consented_only=True)
    change = FollowUp.monthly_income_fen - graduates.c.baseline_income_fen
    counted = kept_follow_ups(selection, graduates) == 1
    # NULL for a change left out: neither database joins it in.
    kept_changes = func.aggregate_strings(cast(case((counted, change)), String), ",")
    return db.session.execute(
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            FollowUp.wave_months,
            count_where(counted),
            sum_where(counted, change),
            count_where(and_(counted, change > 0)),
            count_where(~counted),
            kept_changes,
        )
        .join(FollowUp, FollowUp.graduation_id == graduates.c.graduation_id)
        .where(graduates.c.baseline_income_fen.is_not(None))
        .group_by(graduates.c.dimension, graduates.c.group_key, FollowUp.wave_months)
    ).all()


@dataclass
class Changes:
    """One group's income changes in one wave, gathered from its cells: the figures that add up, and the kept changes
    for the median."""

    count: int = 0
    total_fen: int = 0
    rose: int = 0
    left_out: int = 0
    kept: list[int] = field(default_factory=list)

    def add(self, count: int, total_fen: int, rose: int, left_out: int, kept_text: str | None) -> None:
        self.count += count
        self.total_fen += total_fen
        self.rose += rose
        self.left_out += left_out
        if kept_text:
            self.kept.extend(map(int, kept_text.split(",")))

    def middle(self) -> tuple[int, int]:
        """The middle change of an odd count, the two middle ones of an even count: their sum and how many they are."""
        if not self.kept:
            return 0, 0
        ordered = sorted(self.kept)
        size = len(ordered)
        low, high = (size + 1) // 2 - 1, (size + 2) // 2 - 1
        return (ordered[low], 1) if low == high else (ordered[low] + ordered[high], 2)
