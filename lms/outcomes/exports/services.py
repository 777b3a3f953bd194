"""The one-row-per-follow-up export: the follow-ups of consenting graduates, read in one query whatever their number
and written as CSV (the columns are in export_columns), and what the export page says about them."""

import csv
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select
from werkzeug.datastructures import MultiDict

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Program
from lms.cohorts.policies import viewable_cohort_ids
from lms.core.extensions import db
from lms.media.exports import register_export
from lms.outcomes.exports.columns import FOLLOW_UP_COLUMNS, quantity_text
from lms.outcomes.follow_ups.rules import ReportFilters
from lms.outcomes.models import Baseline, FollowUp, FollowUpQuantity, Graduation, ReportingConsent

# Rows fetched from the database at a time, and the size past which the file being built moves from memory to disk.
EXPORT_BATCH = 1000
SPOOL_BYTES = 8 * 1024 * 1024
EXPORT_KIND = "follow-ups"


# ---- Who sees which graduates ----


def scope_conditions(user: User) -> list:
    """Admins export every program, leads their programs; a mentor, only graduates of the cohorts they mentor."""
    seen = viewable_cohort_ids(user)
    return [] if seen is None else [Graduation.cohort_id.in_(seen)]


def _graduates(query: Select, filters: ReportFilters, user: User) -> Select:
    """Join a query on Graduation to its cohort and baseline, narrowed to current graduates of the selection."""
    return (
        query.join(Cohort, Cohort.id == Graduation.cohort_id)
        .outerjoin(Baseline, Baseline.learner_id == Graduation.learner_id)
        .where(Graduation.undone_at.is_(None), *filters.graduate_conditions(), *scope_conditions(user))
    )


def consented():
    return and_(ReportingConsent.learner_id == Graduation.learner_id, ReportingConsent.granted.is_(True))


def follow_up_rows(filters: ReportFilters, user: User) -> Select:
    """Each exported follow-up's columns (labelled by column key), one row per quantity sold, grouped by follow-up."""
    query = select(
        FollowUp.id.label("follow_up_id"),
        FollowUp.learner_id.label("learner_id"),
        User.name.label("learner_name"),
        Cohort.name.label("cohort"),
        Cohort.county.label("county"),
        Cohort.poverty_county.label("poverty_county"),
        Baseline.gender.label("gender"),
        Baseline.birth_year.label("birth_year"),
        Baseline.household_size.label("household_size"),
        Program.currency.label("currency"),
        Baseline.monthly_income_fen.label("baseline_monthly_income"),
        Graduation.graduated_on.label("graduated_on"),
        FollowUp.wave_months.label("wave_months"),
        FollowUp.period_start.label("period_start"),
        FollowUp.period_end.label("period_end"),
        FollowUp.monthly_income_fen.label("monthly_income"),
        (FollowUp.monthly_income_fen - Baseline.monthly_income_fen).label("income_change"),
        FollowUp.revenue_fen.label("revenue"),
        FollowUp.channels.label("channels"),
        FollowUp.households_benefiting.label("households_benefiting"),
        FollowUp.people_employed.label("people_employed"),
        FollowUp.livestreams.label("livestreams"),
        FollowUp.shop_link.label("shop_link"),
        FollowUp.verified_at.is_not(None).label("verified"),
        FollowUp.verified_at.label("verified_on"),
        FollowUp.source.label("source"),
        FollowUp.notes.label("notes"),
        FollowUpQuantity.product.label("product"),
        FollowUpQuantity.quantity.label("quantity"),
        FollowUpQuantity.unit.label("unit"),
    ).select_from(FollowUp)
    query = query.join(Graduation, Graduation.id == FollowUp.graduation_id)
    query = _graduates(query, filters, user)
    return (
        query.join(ReportingConsent, consented())
        .join(User, User.id == FollowUp.learner_id)
        .join(Program, Program.id == Cohort.program_id)
        .outerjoin(FollowUpQuantity, FollowUpQuantity.follow_up_id == FollowUp.id)
        .where(*filters.follow_up_conditions())
        # Integers only, so that both databases give the same order; a follow-up's quantities stay together.
        .order_by(Graduation.cohort_id, FollowUp.learner_id, FollowUp.wave_months, FollowUp.id, FollowUpQuantity.id)
    )


def follow_up_records(filters: ReportFilters, user: User) -> Iterator[dict]:
    """Each exported follow-up as {column key: stored value}, streamed from the database in batches."""
    result = db.session.execute(follow_up_rows(filters, user).execution_options(yield_per=EXPORT_BATCH))
    for _follow_up_id, rows in groupby(result, key=lambda row: row.follow_up_id):
        rows = list(rows)
        values = dict(rows[0]._mapping)
        values["quantities"] = "; ".join(
            f"{row.product} {quantity_text(row.quantity)} {row.unit}" for row in rows if row.product is not None
        )
        yield values


def write_follow_ups(out, filters: ReportFilters, user: User) -> int:
    """Write the header and one CSV line per follow-up to a text stream; returns the number of follow-ups."""
    writer = csv.writer(out, dialect="excel")
    writer.writerow([str(column.header) for column in FOLLOW_UP_COLUMNS])
    count = 0
    for values in follow_up_records(filters, user):
        writer.writerow([column.cell(values[column.key]) for column in FOLLOW_UP_COLUMNS])
        count += 1
    return count


def write_queued_export(parameters: dict, user: User, out) -> int:
    """The export job's writer: the selection it kept, for the person who asked, in scope as she is now."""
    return write_follow_ups(out, ReportFilters.from_args(MultiDict(parameters)), user)


register_export(EXPORT_KIND, write_queued_export)


def queued_from() -> int:
    return current_app.config["LMS_QUEUED_EXPORT_ROWS"]


def is_queued(follow_ups: int) -> bool:
    """Is a selection of this many follow-ups large enough to be written by a queue job (LMS_QUEUED_EXPORT_ROWS)?"""
    return follow_ups > queued_from()


def selection_size(filters: ReportFilters, user: User) -> int:
    """How many follow-ups the export holds, counted no further than a queued export's size (one query)."""
    kept = _graduates(
        select(FollowUp.id).select_from(FollowUp).join(Graduation, Graduation.id == FollowUp.graduation_id),
        filters,
        user,
    ).join(ReportingConsent, consented())
    capped = kept.where(*filters.follow_up_conditions()).limit(queued_from() + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(capped))


def follow_ups_csv(filters: ReportFilters, user: User):
    """The export as a file object positioned at its start: UTF-8, kept in memory while small."""
    # Not a with-block: the response closes the file once it has been sent.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b")  # noqa: SIM115
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")  # send_csv puts the BOM in front
    write_follow_ups(text, filters, user)
    text.flush()
    text.detach()
    spool.seek(0)
    return spool


# ---- What the export page says about the selection ----


@dataclass(frozen=True)
class ExportSummary:
    follow_ups: int
    graduates: int
    left_out_no_consent: int


def export_summary(filters: ReportFilters, user: User) -> ExportSummary:
    """How many follow-ups and graduates the export holds, and how many graduates are left out for no consent."""
    kept = _graduates(
        select(func.count(FollowUp.id), func.count(func.distinct(FollowUp.learner_id)))
        .select_from(FollowUp)
        .join(Graduation, Graduation.id == FollowUp.graduation_id),
        filters,
        user,
    ).join(ReportingConsent, consented())
    follow_ups, graduates = db.session.execute(kept.where(*filters.follow_up_conditions())).one()
    no_consent = or_(ReportingConsent.id.is_(None), ReportingConsent.granted.is_(False))
    left_out = _graduates(
        select(func.count(func.distinct(Graduation.learner_id))).select_from(Graduation), filters, user
    ).outerjoin(ReportingConsent, ReportingConsent.learner_id == Graduation.learner_id)
    return ExportSummary(follow_ups, graduates, db.session.scalar(left_out.where(no_consent)) or 0)
