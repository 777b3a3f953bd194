"""The impact queries for graduates and their support, sales revenue, households, jobs, channels and quantities.

Each also counts what the follow-up filters (or a channel group's channel) leave out, so that a figure whose difference
from the report without them rests on fewer than 5 graduates or follow-ups can be withheld.
"""

from sqlalchemy import and_, case, func, literal, not_, or_, select
from sqlalchemy.orm import aliased

from lms.core.extensions import db
from lms.outcomes.impact.selection import (
    Selection,
    count_where,
    distinct_where,
    graduate_rows,
    kept_follow_ups,
    names_channel,
    sum_where,
)
from lms.outcomes.models import SALES_CHANNELS, FollowUp, FollowUpQuantity, Product, SupportRecord
from lms.outcomes.products.services import WEIGHT_IN_KG


def graduate_figure_rows(selection: Selection):
    """Per cell (and channel group): graduates, those reported on, poverty-county graduates, household size,
    support, and what the follow-up filters leave out of each; only graduates who consented count, but in the first
    and the last column."""
    graduates = graduate_rows(selection, selection.cell_dimensions)
    support = (
        select(SupportRecord.learner_id, func.sum(SupportRecord.value_fen).label("value_fen"))
        .group_by(SupportRecord.learner_id)
        .subquery("support")
    )
    consented = graduates.c.consented == 1
    matched = graduates.c.matched == 1
    reported = and_(consented, matched)
    left_out = and_(consented, not_(matched))
    known = graduates.c.household_size.is_not(None)
    supported = support.c.learner_id.is_not(None)
    return db.session.execute(
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            count_where(matched),
            count_where(reported),
            count_where(and_(reported, graduates.c.poverty == 1)),
            sum_where(and_(reported, known), graduates.c.household_size),
            count_where(and_(reported, known)),
            sum_where(reported, func.coalesce(support.c.value_fen, 0)),
            count_where(and_(reported, supported)),
            count_where(left_out),
            count_where(and_(left_out, known)),
            count_where(and_(left_out, supported)),
            count_where(and_(not_(consented), not_(matched))),
        )
        .outerjoin(support, support.c.learner_id == graduates.c.learner_id)
        .group_by(graduates.c.dimension, graduates.c.group_key)
    ).all()


def follow_up_figure_rows(selection: Selection):
    """Per cell (and channel group): follow-ups (verified), revenue, and households, people employed and channels at
    the latest wave.

    Added up per graduate first, with the wave of their latest follow-up the filters keep (follow-ups are one per
    wave); then per group, reading that follow-up again by its wave. No window over every follow-up, no count of
    distinct ids."""
    graduates = graduate_rows(selection, selection.cell_dimensions, consented_only=True)
    kept = kept_follow_ups(selection, graduates) == 1
    left_out = ~kept
    verified = FollowUp.verified_at.is_not(None)
    per_graduate = (
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            graduates.c.graduation_id,
            count_where(kept).label("kept"),
            count_where(and_(kept, verified)).label("kept_verified"),
            sum_where(kept, FollowUp.revenue_fen).label("revenue_fen"),
            sum_where(and_(kept, verified), FollowUp.revenue_fen).label("verified_revenue_fen"),
            count_where(left_out).label("left_out"),
            count_where(and_(left_out, verified)).label("left_out_verified"),
            func.max(case((kept, FollowUp.wave_months))).label("latest_kept_wave"),
            func.max(FollowUp.wave_months).label("latest_wave"),
        )
        .join(FollowUp, FollowUp.graduation_id == graduates.c.graduation_id)
        .group_by(graduates.c.dimension, graduates.c.group_key, graduates.c.graduation_id)
        .subquery("per_graduate")
    )
    figures = per_graduate.c
    latest = aliased(FollowUp, name="latest")
    has_latest = latest.id.is_not(None)
    return db.session.execute(
        select(
            figures.dimension,
            figures.group_key,
            func.sum(figures.kept),
            func.sum(figures.kept_verified),
            count_where(has_latest),
            func.sum(figures.revenue_fen),
            func.sum(figures.verified_revenue_fen),
            func.sum(func.coalesce(latest.households_benefiting, 0)),
            func.sum(func.coalesce(latest.people_employed, 0)),
            count_where(figures.kept_verified > 0),
            count_where(figures.kept > figures.kept_verified),
            func.sum(figures.left_out),
            func.sum(figures.left_out_verified),
            count_where(figures.left_out > 0),
            count_where(figures.left_out_verified > 0),
            count_where(figures.left_out > figures.left_out_verified),
            # Graduates whose latest follow-up of all is left out: their households and jobs differ between reports.
            count_where(or_(figures.latest_kept_wave.is_(None), figures.latest_kept_wave < figures.latest_wave)),
            *(count_where(and_(has_latest, names_channel(latest.channels, literal(code)))) for code in SALES_CHANNELS),
        )
        .select_from(per_graduate)
        .outerjoin(
            latest,
            and_(latest.graduation_id == figures.graduation_id, latest.wave_months == figures.latest_kept_wave),
        )
        .group_by(figures.dimension, figures.group_key)
    ).all()


def quantity_rows(selection: Selection):
    """Per cell (and channel group), product and unit: the quantity sold, how many graduates sold it in how many
    follow-ups, and how many follow-ups and graduates the filters leave out. A row mapped to the program's product
    list counts under the listed name, in its usual unit when both are weights; any other under its typed name
    (trimmed, any letter case). Products all of whose follow-ups are left out are kept: a group may count them."""
    graduates = graduate_rows(selection, selection.cell_dimensions, consented_only=True)
    # "Tea " and "tea" are one product; shown as the key, since databases order letter cases differently.
    product = func.coalesce(Product.name, func.lower(func.trim(FollowUpQuantity.product)))
    weights = [(unit, literal(factor)) for unit, factor in WEIGHT_IN_KG.items()]
    both_weights = and_(Product.default_unit.in_(WEIGHT_IN_KG), FollowUpQuantity.unit.in_(WEIGHT_IN_KG))
    unit = case((both_weights, Product.default_unit), else_=FollowUpQuantity.unit)
    in_kg = case(*((FollowUpQuantity.unit == name, factor) for name, factor in weights), else_=1)
    per_usual_unit = case(*((Product.default_unit == name, factor) for name, factor in weights), else_=1)
    quantity = case((both_weights, FollowUpQuantity.quantity * in_kg / per_usual_unit), else_=FollowUpQuantity.quantity)
    counted = kept_follow_ups(selection, graduates) == 1
    total = sum_where(counted, quantity)
    graduate, follow_up = graduates.c.graduation_id, FollowUp.id
    return db.session.execute(
        select(
            graduates.c.dimension,
            graduates.c.group_key,
            product,
            unit,
            total,
            distinct_where(counted, graduate),
            distinct_where(counted, follow_up),
            distinct_where(not_(counted), follow_up),
            distinct_where(not_(counted), graduate),
        )
        .join(FollowUp, FollowUp.graduation_id == graduates.c.graduation_id)
        .join(FollowUpQuantity, FollowUpQuantity.follow_up_id == FollowUp.id)
        .outerjoin(Product, Product.id == FollowUpQuantity.product_id)
        .group_by(graduates.c.dimension, graduates.c.group_key, product, unit)
    ).all()
