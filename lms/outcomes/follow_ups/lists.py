"""The staff's list of follow-up waves: the due, overdue and collected waves of the graduates a mentor or lead
looks after, counted and paged by the database."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Integer, and_, case, exists, extract, func, literal, select, true, union_all

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Program
from lms.cohorts.policies import active_enrolment_with_mentor, managed_cohort_ids
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.outcomes.follow_ups.rules import OVERDUE_AFTER_DAYS, latest_graduation_date_due, wave_due_on
from lms.outcomes.follow_ups.waves import WaveState
from lms.outcomes.models import FollowUp, Graduation
from lms.outcomes.policies import can_manage_outcomes

LIST_STATES = ("open", "due", "overdue", "collected", "all")


def programs_by_wave() -> dict[int, list[int]]:
    """Wave months → the programs whose schedule has that wave."""
    waves: dict[int, list[int]] = {}
    for program in db.session.scalars(select(Program)):
        for months in program.follow_up_waves:
            waves.setdefault(months, []).append(program.id)
    return waves


def mentor_scope(user: User):
    """Graduates a mentor may see: active now in a cohort they mentor (the same rule as the policies)."""
    return exists(active_enrolment_with_mentor(user.id, Graduation.learner_id))


def lead_scope(user: User) -> list:
    """Graduates an admin (all) or a lead (of her programs' cohorts) may see."""
    managed = managed_cohort_ids(user)
    return [] if managed is None else [Graduation.cohort_id.in_(managed)]


def wave_rows(user: User, today: date, cohort_id: int | None = None):
    """A subquery of every due (or collected) wave of the graduates this person may see, one row per wave."""
    scope = lead_scope(user) if can_manage_outcomes(user) else [mentor_scope(user)]
    if cohort_id is not None:
        scope.append(Graduation.cohort_id == cohort_id)
    selects = []
    for months, program_ids in sorted(programs_by_wave().items()):
        due_cutoff = latest_graduation_date_due(today, months)
        overdue_cutoff = latest_graduation_date_due(today - timedelta(days=OVERDUE_AFTER_DAYS + 1), months)
        # Orders by due date in both databases: month number of the due date, then the day.
        due_order = (
            extract("year", Graduation.graduated_on) * 12 + extract("month", Graduation.graduated_on) + months
        ) * 100 + extract("day", Graduation.graduated_on)
        state = case(
            (FollowUp.id.is_not(None), literal(WaveState.COLLECTED.value)),
            (Graduation.graduated_on <= overdue_cutoff, literal(WaveState.OVERDUE.value)),
            else_=literal(WaveState.DUE.value),
        )
        selects.append(
            select(
                Graduation.id.label("graduation_id"),
                Graduation.learner_id.label("learner_id"),
                Graduation.cohort_id.label("cohort_id"),
                Graduation.graduated_on.label("graduated_on"),
                literal(months, Integer).label("wave_months"),
                FollowUp.id.label("follow_up_id"),
                state.label("state"),
                due_order.label("due_order"),
            )
            .join(Cohort, Cohort.id == Graduation.cohort_id)
            .outerjoin(FollowUp, and_(FollowUp.graduation_id == Graduation.id, FollowUp.wave_months == months))
            .where(
                Graduation.undone_at.is_(None),
                Cohort.program_id.in_(program_ids),
                Graduation.graduated_on <= due_cutoff,
                *scope,
            )
        )
    if not selects:
        return None
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("waves")


def state_condition(rows, state: str):
    if state == "open":
        return rows.c.state.in_((WaveState.DUE.value, WaveState.OVERDUE.value))
    if state in (WaveState.DUE, WaveState.OVERDUE, WaveState.COLLECTED):
        return rows.c.state == state
    return true()


def state_counts(rows) -> dict[str, int]:
    """How many waves are due, overdue and collected, in one query."""
    if rows is None:
        return {}
    return dict(db.session.execute(select(rows.c.state, func.count()).group_by(rows.c.state)).all())


@dataclass(frozen=True)
class ListRow:
    graduation_id: int
    learner_id: int
    learner_name: str
    cohort_name: str
    graduated_on: date
    wave_months: int
    follow_up_id: int | None
    state: str
    verified: bool
    source: str | None
    monthly_income_fen: int | None
    currency: str

    @property
    def due_on(self) -> date:
        return wave_due_on(self.graduated_on, self.wave_months)


def list_page(rows, state: str, page: int, per_page: int) -> list[ListRow]:
    """One page of waves in the chosen state, with names and figures joined in: one query."""
    if rows is None:
        return []
    order = rows.c.due_order.desc() if state == WaveState.COLLECTED else rows.c.due_order
    query = (
        select(
            rows.c.graduation_id,
            rows.c.learner_id,
            User.name,
            Cohort.name,
            rows.c.graduated_on,
            rows.c.wave_months,
            rows.c.follow_up_id,
            rows.c.state,
            FollowUp.verified_at.is_not(None),
            FollowUp.source,
            FollowUp.monthly_income_fen,
            Program.currency,
        )
        .join(User, User.id == rows.c.learner_id)
        .join(Cohort, Cohort.id == rows.c.cohort_id)
        .join(Program, Program.id == Cohort.program_id)
        .outerjoin(FollowUp, FollowUp.id == rows.c.follow_up_id)
        .where(state_condition(rows, state))
        .order_by(order, User.name, rows.c.graduation_id, rows.c.wave_months)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return [ListRow(*row[:8], bool(row[8]), *row[9:]) for row in db.session.execute(query)]


def open_counts(user: User, today: date | None = None) -> dict[str, int]:
    """Due and overdue waves this person looks after (for the mentor's home): two queries."""
    counts = state_counts(wave_rows(user, today or program_today()))
    return {state: counts.get(state, 0) for state in (WaveState.DUE, WaveState.OVERDUE)}
