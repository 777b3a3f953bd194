"""The impact dashboard's figures, computed by the database in a fixed handful of queries whatever the program's size.

Every figure is given for the whole selection and for each group of the breakdowns asked for: each query unions one
part per breakdown, and groups by (dimension, group). Who counts:
- the graduation rate counts every learner enrolled in the cohorts chosen (withdrawn ones too; moved ones in their
  new cohort), whatever their consent;
- every other figure counts graduates (graduations not undone) who consented to reporting; with a channel or a
  "verified only" filter, only graduates with a follow-up that matches, and only the follow-ups that match.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import String, and_, case, cast, exists, func, literal, literal_column, or_, select, union_all
from sqlalchemy.orm import joinedload

from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, Program
from lms.extensions import db
from lms.outcomes.dictionary import MIN_GROUP_SIZE
from lms.outcomes.follow_up_rules import ReportFilters, latest_graduation_date_due
from lms.outcomes.models import (
    SALES_CHANNELS,
    Baseline,
    FollowUp,
    FollowUpQuantity,
    Graduation,
    ReportingConsent,
    SupportRecord,
)

TOTAL = ""  # the dimension, and the group, of the whole selection
DIMENSIONS = ("cohort", "county", "poverty", "gender", "channel")
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


# ---- The figures, as the database returns them ----


@dataclass
class Wave:
    months: int
    due: int = 0
    collected: int = 0
    verified: int = 0
    changes: int = 0  # graduates with both a baseline and this wave's income
    change_total_fen: int = 0
    rose: int = 0
    middle_total_fen: int = 0  # the one or two middle changes, summed, and how many they are
    middle_count: int = 0

    @property
    def self_reported(self) -> int:
        return self.collected - self.verified

    @property
    def response_rate(self) -> Decimal | None:
        return Decimal(self.collected) / self.due if self.due else None

    @property
    def median_fen(self) -> Decimal | None:
        return Decimal(self.middle_total_fen) / self.middle_count if self.middle_count else None

    @property
    def mean_fen(self) -> Decimal | None:
        return Decimal(self.change_total_fen) / self.changes if self.changes else None

    @property
    def rose_share(self) -> Decimal | None:
        return Decimal(self.rose) / self.changes if self.changes else None


@dataclass(frozen=True)
class Quantity:
    product: str
    unit: str
    quantity: Decimal
    graduates: int


@dataclass
class Group:
    dimension: str
    key: str
    # Enrolment: the graduation rate.
    learners: int = 0
    graduated: int = 0
    # Graduates in the selection.
    graduates: int = 0
    reported: int = 0  # of them, those who consented: the people every other figure counts
    poverty_graduates: int = 0
    household_people: int = 0
    households_known: int = 0
    support_fen: int = 0
    # Follow-ups.
    follow_ups: int = 0
    verified_follow_ups: int = 0
    reporting: int = 0  # graduates with a follow-up; households, people employed and channels are of their latest
    revenue_fen: int = 0
    verified_revenue_fen: int = 0
    households_benefiting: int = 0
    people_employed: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    waves: dict[int, Wave] = field(default_factory=dict)
    quantities: list[Quantity] = field(default_factory=list)

    @property
    def excluded(self) -> int:
        return self.graduates - self.reported

    @property
    def graduation_rate(self) -> Decimal | None:
        return Decimal(self.graduated) / self.learners if self.learners else None

    @property
    def mean_household_size(self) -> Decimal | None:
        return Decimal(self.household_people) / self.households_known if self.households_known else None

    @property
    def self_reported_revenue_fen(self) -> int:
        return self.revenue_fen - self.verified_revenue_fen

    @property
    def revenue_per_support_yuan(self) -> Decimal | None:
        return Decimal(self.revenue_fen) / self.support_fen if self.support_fen else None

    @property
    def small(self) -> bool:
        """Fewer than MIN_GROUP_SIZE graduates reported on: shown to leads, withheld from exports."""
        return self.reported < MIN_GROUP_SIZE

    def wave(self, months: int) -> Wave:
        return self.waves.setdefault(months, Wave(months))


def withheld(group: Group, people: int) -> bool:
    """A figure is withheld from exports when its group, or the people the figure rests on, are fewer than 5."""
    return group.small or people < MIN_GROUP_SIZE


@dataclass
class ImpactReport:
    selection: Selection
    groups: dict[tuple[str, str], Group]
    waves: list[int]

    @property
    def total(self) -> Group:
        return self.groups[(TOTAL, TOTAL)]

    def groups_of(self, dimension: str) -> list[Group]:
        return [group for (group_dimension, _key), group in self.groups.items() if group_dimension == dimension]

    @property
    def channels_used(self) -> list[str]:
        """Channels any graduate of the selection uses, in the catalogue's order."""
        return [code for code in SALES_CHANNELS if self.total.channels.get(code)]


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


def graduate_conditions(filters: ReportFilters) -> list:
    """The filters' conditions on graduates, a learner without a baseline counting as gender "unspecified"."""
    conditions = replace(filters, gender="").graduate_conditions()
    if filters.gender:
        conditions.append(gender_of_baseline() == filters.gender)
    return conditions


def narrowed_by_follow_ups(filters: ReportFilters) -> bool:
    return bool(filters.channel or filters.verified_only)


def graduate_rows(selection: Selection, dimensions: tuple[str, ...], narrow: bool = True):
    """One row per graduation in the selection and group it falls in: (dimension, group_key, graduation, ...)."""
    filters = selection.filters
    keys = group_keys(Graduation.cohort_id)

    def part(dimension: str, key):
        query = (
            select(
                literal(dimension).label("dimension"),
                key.label("group_key"),
                Graduation.id.label("graduation_id"),
                Graduation.learner_id,
                Graduation.graduated_on,
                case((ReportingConsent.granted.is_(True), 1), else_=0).label("consented"),
                case((Cohort.poverty_county.is_(True), 1), else_=0).label("poverty"),
                Baseline.household_size,
                Baseline.monthly_income_fen.label("baseline_income_fen"),
            )
            .select_from(Graduation)
            .join(Cohort, Cohort.id == Graduation.cohort_id)
            .outerjoin(Baseline, Baseline.learner_id == Graduation.learner_id)
            .outerjoin(ReportingConsent, ReportingConsent.learner_id == Graduation.learner_id)
            .where(
                Cohort.program_id == selection.program.id,
                Graduation.undone_at.is_(None),
                *graduate_conditions(filters),
            )
        )
        if narrow and narrowed_by_follow_ups(filters):
            query = query.where(
                exists().where(FollowUp.graduation_id == Graduation.id, *filters.follow_up_conditions())
            )
        return query

    parts = []
    for dimension in dimensions:
        if dimension == "channel":
            codes = channel_codes()
            used = (
                select(FollowUp.graduation_id, codes.c.code)
                .join(codes, names_channel(FollowUp.channels, codes.c.code))
                .where(*filters.follow_up_conditions())
                .distinct()
                .subquery("channels_used")
            )
            parts.append(part(dimension, used.c.code).join(used, used.c.graduation_id == Graduation.id))
        else:
            parts.append(part(dimension, keys[dimension]))
    return union_all(*parts).subquery("graduates")


def matching_follow_ups(selection: Selection, graduates) -> list:
    """Conditions on FollowUp joined to ``graduates``: the filters, and in a channel group its channel."""
    conditions = [graduates.c.consented == 1, *selection.filters.follow_up_conditions()]
    if "channel" in selection.dimensions:
        in_group_channel = names_channel(FollowUp.channels, graduates.c.group_key)
        conditions.append(or_(graduates.c.dimension != "channel", in_group_channel))
    return conditions


def as_int(value) -> int:
    # PostgreSQL sums BIGINT columns as NUMERIC.
    return int(value or 0)


# ---- The queries: one per family of figures ----


def enrolment_rows(selection: Selection):
    """Learners enrolled and graduated per group (not narrowed by graduation dates, channel or verification)."""
    filters = selection.filters
    keys = group_keys(Enrollment.cohort_id)
    graduated = case((Graduation.id.is_not(None), 1), else_=0)
    conditions = [
        Cohort.program_id == selection.program.id,
        Enrollment.status != EnrollmentStatus.MOVED,
    ]
    if filters.cohort_id:
        conditions.append(Enrollment.cohort_id == filters.cohort_id)
    if filters.county:
        conditions.append(Cohort.county == filters.county)
    if filters.poverty is not None:
        conditions.append(Cohort.poverty_county.is_(filters.poverty))
    if filters.gender:
        conditions.append(gender_of_baseline() == filters.gender)
    parts = []
    for dimension in selection.dimensions:
        if dimension not in (TOTAL, *ENROLMENT_DIMENSIONS):
            continue
        key = keys[dimension]
        query = (
            select(literal(dimension), key, func.count(), func.sum(graduated))
            .select_from(Enrollment)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .outerjoin(Baseline, Baseline.learner_id == Enrollment.learner_id)
            .outerjoin(
                Graduation,
                and_(
                    Graduation.learner_id == Enrollment.learner_id,
                    Graduation.cohort_id == Enrollment.cohort_id,
                    Graduation.undone_at.is_(None),
                ),
            )
            .where(*conditions)
        )
        parts.append(query if dimension == TOTAL else query.group_by(key))
    return db.session.execute(union_all(*parts)).all()


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


def due_cutoff(today: date, wave: int) -> date:
    """The last graduation date whose ``wave`` is due today; a wave set absurdly far off is due for nobody."""
    try:
        return latest_graduation_date_due(today, wave)
    except (ValueError, OverflowError):
        return date.min


def response_rows(selection: Selection, waves: list[int]):
    """Per group and wave: follow-ups due, collected among those due, and verified (not narrowed by follow-ups)."""
    if not waves:
        return []
    dimensions = tuple(dimension for dimension in selection.dimensions if dimension != "channel")
    graduates = graduate_rows(selection, dimensions, narrow=False)
    per_graduation = (
        select(
            FollowUp.graduation_id,
            *(func.sum(case((FollowUp.wave_months == wave, 1), else_=0)).label(f"collected_{wave}") for wave in waves),
            *(
                func.sum(
                    case((and_(FollowUp.wave_months == wave, FollowUp.verified_at.is_not(None)), 1), else_=0)
                ).label(f"verified_{wave}")
                for wave in waves
            ),
        )
        .group_by(FollowUp.graduation_id)
        .subquery("collected")
    )
    columns = []
    for wave in waves:
        due = graduates.c.graduated_on <= due_cutoff(selection.today, wave)
        columns += [
            func.sum(case((due, 1), else_=0)),
            func.sum(case((due, func.coalesce(per_graduation.c[f"collected_{wave}"], 0)), else_=0)),
            func.sum(case((due, func.coalesce(per_graduation.c[f"verified_{wave}"], 0)), else_=0)),
        ]
    return db.session.execute(
        select(graduates.c.dimension, graduates.c.group_key, *columns)
        .outerjoin(per_graduation, per_graduation.c.graduation_id == graduates.c.graduation_id)
        .where(graduates.c.consented == 1)
        .group_by(graduates.c.dimension, graduates.c.group_key)
    ).all()


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


# ---- The report ----


def impact_report(selection: Selection) -> ImpactReport:
    """Every figure of the dashboard and its export, for the selection and each of its groups: six queries."""
    waves = selection.program.follow_up_waves
    groups: dict[tuple[str, str], Group] = {(TOTAL, TOTAL): Group(TOTAL, TOTAL)}

    def group(dimension: str, key) -> Group:
        key = str(key)
        return groups.setdefault((dimension, key), Group(dimension, key))

    for dimension, key, learners, graduated in enrolment_rows(selection):
        found = group(dimension, key)
        found.learners, found.graduated = as_int(learners), as_int(graduated)
    for dimension, key, *counts in graduate_figure_rows(selection):
        found = group(dimension, key)
        (
            found.graduates,
            found.reported,
            found.poverty_graduates,
            found.household_people,
            found.households_known,
            found.support_fen,
        ) = (as_int(count) for count in counts)
    for dimension, key, *counts in response_rows(selection, waves):
        found = group(dimension, key)
        for index, months in enumerate(waves):
            wave = found.wave(months)
            wave.due, wave.collected, wave.verified = (as_int(count) for count in counts[3 * index : 3 * index + 3])
    for dimension, key, months, *counts in income_change_rows(selection):
        wave = group(dimension, key).wave(months)
        wave.changes, wave.change_total_fen, wave.rose, wave.middle_total_fen, wave.middle_count = (
            as_int(count) for count in counts
        )
    for dimension, key, *counts in follow_up_figure_rows(selection):
        found = group(dimension, key)
        (
            found.follow_ups,
            found.verified_follow_ups,
            found.reporting,
            found.revenue_fen,
            found.verified_revenue_fen,
            found.households_benefiting,
            found.people_employed,
        ) = (as_int(count) for count in counts[:7])
        found.channels = dict(zip(SALES_CHANNELS, (as_int(count) for count in counts[7:]), strict=True))
    for dimension, key, product, unit, quantity, graduates in quantity_rows(selection):
        group(dimension, key).quantities.append(Quantity(product, unit, Decimal(quantity or 0), as_int(graduates)))
    seen_waves = {months for found in groups.values() for months in found.waves}
    for found in groups.values():
        found.waves = dict(sorted(found.waves.items()))
    return ImpactReport(selection, sort_groups(groups, selection), sorted(set(waves) | seen_waves))


def sort_groups(groups: dict[tuple[str, str], Group], selection: Selection) -> dict[tuple[str, str], Group]:
    """The whole selection first, then each dimension's groups in the order readers expect."""
    cohort_order = {str(cohort.id): index for index, cohort in enumerate(selection.program.cohorts)}
    fixed = {
        "poverty": ("yes", "no"),
        "gender": ("female", "male", "other", "unspecified"),
        "channel": SALES_CHANNELS,
    }

    def position(item):
        (dimension, key), _group = item
        dimension_index = (TOTAL, *DIMENSIONS).index(dimension)
        if dimension == "cohort":
            return dimension_index, cohort_order.get(key, len(cohort_order)), key
        if dimension in fixed:
            return dimension_index, fixed[dimension].index(key) if key in fixed[dimension] else 99, key
        return dimension_index, 0, key

    return dict(sorted(groups.items(), key=position))


# ---- Choosing the program and the cohorts of the filter ----


def programs() -> list[Program]:
    """Every program, newest first, with its cohorts (for the filter form): one query."""
    return list(
        db.session.scalars(select(Program).options(joinedload(Program.cohorts)).order_by(Program.id.desc())).unique()
    )


def counties_of(program: Program) -> list[str]:
    return sorted({cohort.county for cohort in program.cohorts if cohort.county})
