"""The impact query for the change in monthly income since the baseline, per wave, with its median computed in SQL."""

from sqlalchemy import and_, func, or_, select

from lms.core.extensions import db
from lms.outcomes.impact.selection import Selection, count_where, graduate_rows, kept_follow_ups, sum_where
from lms.outcomes.models import FollowUp


def income_change_rows(selection: Selection):
    """Per group and wave: n, sum of changes, how many rose, the middle one or two changes (the median), and how many
    changes the follow-up filters (or a channel group's channel) leave out."""
    graduates = graduate_rows(selection, selection.dimensions)
    change = FollowUp.monthly_income_fen - graduates.c.baseline_income_fen
    kept = kept_follow_ups(selection, graduates)
    # Kept and left-out changes are ranked apart: the median is of the kept ones.
    partition = (graduates.c.dimension, graduates.c.group_key, FollowUp.wave_months, kept)
    ranked = (
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            FollowUp.wave_months,
            change.label("change"),
            kept.label("kept"),
            func.row_number().over(partition_by=partition, order_by=change).label("position"),
            func.count().over(partition_by=partition).label("size"),
        )
        .join(FollowUp, FollowUp.graduation_id == graduates.c.graduation_id)
        .where(graduates.c.baseline_income_fen.is_not(None), graduates.c.consented == 1)
        .subquery("ranked")
    )
    counted = ranked.c.kept == 1
    # The middle row of an odd count, the two middle rows of an even one: (n+1)//2 and (n+2)//2.
    middle = and_(
        counted,
        or_(ranked.c.position == (ranked.c.size + 1) // 2, ranked.c.position == (ranked.c.size + 2) // 2),
    )
    return db.session.execute(
        select(
            ranked.c.dimension,
            ranked.c.group_key,
            ranked.c.wave_months,
            count_where(counted),
            sum_where(counted, ranked.c.change),
            count_where(and_(counted, ranked.c.change > 0)),
            sum_where(middle, ranked.c.change),
            count_where(middle),
            count_where(ranked.c.kept == 0),
        ).group_by(ranked.c.dimension, ranked.c.group_key, ranked.c.wave_months)
    ).all()
