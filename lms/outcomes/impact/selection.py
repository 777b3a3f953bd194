"""What the impact dashboard shows (a program, filters, a breakdown), and the SQL building blocks its queries share:
the graduates of the selection, one row per group they fall in."""

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

from sqlalchemy import String, and_, case, cast, exists, func, literal, literal_column, or_, select, true, union_all
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Program
from lms.cohorts.services import programs_for
from lms.core.extensions import db
from lms.outcomes.follow_ups.rules import ReportFilters
from lms.outcomes.models import SALES_CHANNELS, Baseline, FollowUp, Graduation, ReportingConsent

TOTAL = ""  # the dimension, and the group, of the whole selection
DIMENSIONS = ("cohort", "county", "poverty", "gender", "channel")
# One cohort's graduates (of one gender, when gender is a breakdown): every group but a channel's is a union of cells,
# so a figure that adds up is computed once per cell and summed into each group, not read again for every breakdown.
CELL = "cell"
# Channels are known only from follow-ups: enrolled learners and follow-ups due have none.
ENROLMENT_DIMENSIONS = ("cohort", "county", "poverty", "gender")


@dataclass(frozen=True)
class Selection:
    """What the dashboard shows: one program (its currency and waves), the filters and the breakdown."""

    program: Program
    filters: ReportFilters
    breakdown: str
    today: date

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The whole selection, by cohort (the graduation-rate chart), and the breakdown asked for."""
        return tuple(dict.fromkeys((TOTAL, "cohort", self.breakdown)))

    @property
    def cell_dimensions(self) -> tuple[str, ...]:
        """What a query of figures that add up groups by: cells, and channels when they are a breakdown."""
        return (CELL, "channel") if "channel" in self.dimensions else (CELL,)

    def groups_of_cell(self, key: str) -> list[tuple[str, str]]:
        """The (dimension, group) of every breakdown but channel that the cell ``key`` falls in."""
        cohort_id, gender = key.split("/", 1)
        cohort = self.cohorts_by_key[cohort_id]
        keys = {
            TOTAL: TOTAL,
            "cohort": cohort_id,
            "county": cohort.county,
            "poverty": "yes" if cohort.poverty_county else "no",
            "gender": gender,
        }
        return [(dimension, keys[dimension]) for dimension in self.dimensions if dimension in keys]

    @cached_property
    def cohorts_by_key(self) -> dict[str, Cohort]:
        return {str(cohort.id): cohort for cohort in self.program.cohorts}


# ---- Choosing the program and the cohorts of the filter ----


def programs(viewer: User) -> list[Program]:
    """The programs ``viewer`` runs (an admin every one), newest first, with their cohorts (for the filter form):
    one query."""
    query = programs_for(viewer).options(joinedload(Program.cohorts)).order_by(None).order_by(Program.id.desc())
    return list(db.session.scalars(query).unique())


def counties_of(program: Program) -> list[str]:
    return sorted({cohort.county for cohort in program.cohorts if cohort.county})


# ---- Building blocks of the queries ----


def names_channel(stored, code):
    """True where the comma-separated ``stored`` codes include ``code`` (a whole code, not part of another)."""
    return (literal(",") + stored + literal(",")).like(literal("%,") + code + literal(",%"))


def channel_codes():
    """The channel catalogue as a one-column table, so follow-ups can be counted once per channel they name."""
    return union_all(*(select(cast(literal(code), String).label("code")) for code in SALES_CHANNELS)).subquery(
        "channel_codes"
    )


def text_constant(value: str):
    """A constant string written into the SQL (only ever one of ours, never typed by anyone)."""
    return literal_column(f"'{value}'", String)


def gender_of_baseline():
    # Without a baseline, a learner's gender is as unknown as "prefer not to say": one group, one filter value.
    return func.coalesce(Baseline.gender, text_constant("unspecified"))


def group_keys(cohort_id) -> dict:
    """Each dimension's group, as text; the query must join Cohort and (outer) Baseline."""
    return {
        TOTAL: literal(TOTAL),
        "cohort": cast(cohort_id, String),
        "county": Cohort.county,
        # Constants written into the SQL: PostgreSQL must see the same expression in SELECT and GROUP BY.
        "poverty": case((Cohort.poverty_county.is_(True), text_constant("yes")), else_=text_constant("no")),
        "gender": gender_of_baseline(),
    }


def cell_key(selection: Selection, cohort_id):
    """A cell's key as text: its cohort, and its gender when gender is a breakdown (else a cohort is one cell, and
    there are four times fewer rows to group); the query must join (outer) Baseline."""
    key = cast(cohort_id, String) + text_constant("/")
    return key + gender_of_baseline() if "gender" in selection.dimensions else key


def graduate_conditions(filters: ReportFilters) -> list:
    """The filters' conditions on graduates, a learner without a baseline counting as gender "unspecified"."""
    conditions = replace(filters, gender="").graduate_conditions()
    if filters.gender:
        conditions.append(gender_of_baseline() == filters.gender)
    return conditions


def narrowed_by_follow_ups(filters: ReportFilters) -> bool:
    return bool(filters.channel or filters.verified_only)


def flag(condition):
    """1 where ``condition`` holds, else 0: a column to add up or to compare with 1."""
    return case((condition, 1), else_=0)


def count_where(condition):
    return func.sum(case((condition, 1), else_=0))


def sum_where(condition, value):
    return func.sum(case((condition, value), else_=0))


def distinct_where(condition, value):
    """How many different ``value`` the rows where ``condition`` holds have."""
    return func.count(case((condition, value)).distinct())


def graduate_rows(selection: Selection, dimensions: tuple[str, ...], narrow: bool = True, consented_only: bool = False):
    """One row per graduation in the selection and group it falls in: (dimension, group_key, graduation, ...); with
    ``consented_only``, of the graduates who consented to reporting alone (a condition the planner can see, where
    one on the ``consented`` column would hide how few rows are left out).

    Rows are not narrowed by the follow-up filters, nor a channel group by its channel: ``matched`` is 1 where the
    graduate has a follow-up they keep (with ``narrow``), so each figure can also count what they leave out, the
    difference between this report and the one without them.
    """
    filters = selection.filters
    keys = {**group_keys(Graduation.cohort_id), CELL: cell_key(selection, Graduation.cohort_id)}
    consent_conditions = [ReportingConsent.granted.is_(True)] if consented_only else []

    def kept_follow_up(*conditions):
        return flag(exists().where(FollowUp.graduation_id == Graduation.id, *conditions))

    def part(dimension: str, key, matched):
        return (
            select(
                literal(dimension).label("dimension"),
                key.label("group_key"),
                Graduation.id.label("graduation_id"),
                Graduation.learner_id,
                Graduation.graduated_on,
                flag(ReportingConsent.granted.is_(True)).label("consented"),
                flag(Cohort.poverty_county.is_(True)).label("poverty"),
                Baseline.household_size,
                Baseline.monthly_income_fen.label("baseline_income_fen"),
                matched.label("matched"),
            )
            .select_from(Graduation)
            .join(Cohort, Cohort.id == Graduation.cohort_id)
            .outerjoin(Baseline, Baseline.learner_id == Graduation.learner_id)
            .outerjoin(ReportingConsent, ReportingConsent.learner_id == Graduation.learner_id)
            .where(
                Cohort.program_id == selection.program.id,
                Graduation.undone_at.is_(None),
                *graduate_conditions(filters),
                *consent_conditions,
            )
        )

    parts = []
    for dimension in dimensions:
        if dimension == "channel":
            # Every graduate in every channel's rows: those without a follow-up naming it are what it leaves out.
            codes = channel_codes()
            names_code = names_channel(FollowUp.channels, codes.c.code)
            matched = kept_follow_up(names_code, *filters.follow_up_conditions())
            parts.append(part(dimension, codes.c.code, matched).join(codes, true()))
        elif narrow and narrowed_by_follow_ups(filters):
            parts.append(part(dimension, keys[dimension], kept_follow_up(*filters.follow_up_conditions())))
        else:
            parts.append(part(dimension, keys[dimension], literal(1)))
    return union_all(*parts).subquery("graduates")


def kept_follow_ups(selection: Selection, graduates):
    """1 for a follow-up joined to ``graduates`` that the filters keep (in a channel group, one naming its channel)."""
    conditions = list(selection.filters.follow_up_conditions())
    if "channel" in selection.dimensions:
        in_group_channel = names_channel(FollowUp.channels, graduates.c.group_key)
        conditions.append(or_(graduates.c.dimension != "channel", in_group_channel))
    return flag(and_(true(), *conditions))
