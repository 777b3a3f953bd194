"""The impact queries for graduates and their support, sales revenue, households, jobs, channels and quantities."""

from sqlalchemy import and_, case, func, literal, select

from lms.core.extensions import db
from lms.outcomes.impact.selection import Selection, graduate_rows, matching_follow_ups, names_channel
from lms.outcomes.models import SALES_CHANNELS, FollowUp, FollowUpQuantity, SupportRecord


def graduate_figure_rows(selection: Selection):
    """Graduates, those reported on, poverty-county graduates, household size and support value per group."""
    graduates = graduate_rows(selection, selection.dimensions)
    support = (
        select(SupportRecord.learner_id, func.sum(SupportRecord.value_fen).label("value_fen"))
        .group_by(SupportRecord.learner_id)
        .subquery("support")
    )
    consented = graduates.c.consented == 1
    known = and_(consented, graduates.c.household_size.is_not(None))
    return db.session.execute(
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            func.count(),
            func.sum(graduates.c.consented),
            func.sum(graduates.c.poverty),
            func.sum(case((known, graduates.c.household_size), else_=0)),
            func.sum(case((known, 1), else_=0)),
            func.sum(case((consented, func.coalesce(support.c.value_fen, 0)), else_=0)),
        )
        .outerjoin(support, support.c.learner_id == graduates.c.learner_id)
        .group_by(graduates.c.dimension, graduates.c.group_key)
    ).all()


def follow_up_figure_rows(selection: Selection):
    """Per group: follow-ups (verified), revenue, and households, people employed and channels at the latest wave."""
    graduates = graduate_rows(selection, selection.dimensions)
    recent_first = (FollowUp.wave_months.desc(), FollowUp.id.desc())
    follow_ups = (
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            FollowUp.revenue_fen,
            FollowUp.households_benefiting,
            FollowUp.people_employed,
            FollowUp.channels,
            FollowUp.verified_at,
            func.row_number()
            .over(
                partition_by=(graduates.c.dimension, graduates.c.group_key, graduates.c.graduation_id),
                order_by=recent_first,
            )
            .label("recency"),
        )
        .join(FollowUp, FollowUp.graduation_id == graduates.c.graduation_id)
        .where(*matching_follow_ups(selection, graduates))
        .subquery("follow_ups")
    )
    latest = follow_ups.c.recency == 1
    verified = follow_ups.c.verified_at.is_not(None)
    return db.session.execute(
        select(
            follow_ups.c.dimension,
            follow_ups.c.group_key,
            func.count(),
            func.count(follow_ups.c.verified_at),
            func.sum(case((latest, 1), else_=0)),
            func.sum(follow_ups.c.revenue_fen),
            func.sum(case((verified, follow_ups.c.revenue_fen), else_=0)),
            func.sum(case((latest, follow_ups.c.households_benefiting), else_=0)),
            func.sum(case((latest, follow_ups.c.people_employed), else_=0)),
            *(
                func.sum(case((and_(latest, names_channel(follow_ups.c.channels, literal(code))), 1), else_=0))
                for code in SALES_CHANNELS
            ),
        ).group_by(follow_ups.c.dimension, follow_ups.c.group_key)
    ).all()


def quantity_rows(selection: Selection):
    """Per group, product (trimmed, any letter case) and unit: the quantity sold and how many graduates sold it."""
    graduates = graduate_rows(selection, selection.dimensions)
    # "Tea " and "tea" are one product; shown as the key, since databases order letter cases differently.
    product = func.lower(func.trim(FollowUpQuantity.product))
    total = func.sum(FollowUpQuantity.quantity)
    return db.session.execute(
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            product,
            FollowUpQuantity.unit,
            total,
            func.count(graduates.c.graduation_id.distinct()),
        )
        .join(FollowUp, FollowUp.graduation_id == graduates.c.graduation_id)
        .join(FollowUpQuantity, FollowUpQuantity.follow_up_id == FollowUp.id)
        .where(*matching_follow_ups(selection, graduates))
        .group_by(graduates.c.dimension, graduates.c.group_key, product, FollowUpQuantity.unit)
        .order_by(FollowUpQuantity.unit, total.desc(), product)
    ).all()
