"""The impact query for the change in monthly income since the baseline, per wave, with its median computed in SQL."""

from sqlalchemy import case, func, or_, select

from lms.core.extensions import db
from lms.outcomes.impact.selection import Selection, graduate_rows, matching_follow_ups
from lms.outcomes.models import FollowUp


def income_change_rows(selection: Selection):
    """Per group and wave: n, sum of changes, how many rose, and the middle one or two changes (the median)."""
    graduates = graduate_rows(selection, selection.dimensions)
    change = FollowUp.monthly_income_fen - graduates.c.baseline_income_fen
    partition = (graduates.c.dimension, graduates.c.group_key, FollowUp.wave_months)
    ranked = (
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            FollowUp.wave_months,
            change.label("change"),
            func.row_number().over(partition_by=partition, order_by=change).label("position"),
            func.count().over(partition_by=partition).label("size"),
        )
        .join(FollowUp, FollowUp.graduation_id == graduates.c.graduation_id)
        .where(graduates.c.baseline_income_fen.is_not(None), *matching_follow_ups(selection, graduates))
        .subquery("ranked")
    )
    # The middle row of an odd count, the two middle rows of an even one: (n+1)//2 and (n+2)//2.
    middle = or_(ranked.c.position == (ranked.c.size + 1) // 2, ranked.c.position == (ranked.c.size + 2) // 2)
    return db.session.execute(
        select(
            ranked.c.dimension,
            ranked.c.group_key,
            ranked.c.wave_months,
            func.count(),
            func.sum(ranked.c.change),
            func.sum(case((ranked.c.change > 0, 1), else_=0)),
            func.sum(case((middle, ranked.c.change), else_=0)),
            func.sum(case((middle, 1), else_=0)),
        ).group_by(ranked.c.dimension, ranked.c.group_key, ranked.c.wave_months)
    ).all()
