"""Follow-up waves: the program's schedule, each graduate's waves, and the notices (the staff's list is in
follow_up_lists)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, exists, literal, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Program
from lms.core.calendar import end_of_day, program_today, utcnow
from lms.core.extensions import db
from lms.core.roles import Role
from lms.notifications.models import NotificationKind
from lms.notifications.services import link_to, notify, register_wording
from lms.outcomes.follow_ups.rules import OVERDUE_AFTER_DAYS, latest_graduation_date_due, wave_due_on
from lms.outcomes.models import Baseline, FollowUp, FollowUpReminder, Graduation


def follow_up_due_wording(params: dict):
    """The follow-up at graduation itself (months = 0) reads better without a number."""
    if not params.get("months"):
        return _l("Your graduation follow-up is due: tell us how your business is doing.")
    return _l("Your %(months)s-month follow-up is due: tell us how your business is doing.")


def follow_up_overdue_wording(params: dict):
    if not params.get("months"):
        return _l("Your graduation follow-up is still missing: tell us how your business is doing.")
    return _l("Your %(months)s-month follow-up is still missing: tell us how your business is doing.")


register_wording(NotificationKind.FOLLOW_UP_DUE, wording=follow_up_due_wording)
register_wording(NotificationKind.FOLLOW_UP_OVERDUE, wording=follow_up_overdue_wording)

MAX_WAVE_MONTHS = 60
MAX_WAVES = 12


class WaveState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    COLLECTED = "collected"


# ---- Schedule ----


def parse_schedule(text: str) -> list[int]:
    """Months after graduation typed as "0, 3, 6, 12"; ValueError with a message a lead can act on."""
    # Chinese commas are accepted, and a stray trailing comma is forgiven.
    parts = [part.strip() for part in (text or "").replace("，", ",").replace("、", ",").split(",")]
    parts = [part for part in parts if part]
    if not parts:
        raise ValueError(_l("Enter at least one month, for example 0, 3, 6, 12."))
    months = []
    for part in parts:
        if not part.isdigit() or not part.isascii() or len(part) > 3:
            raise ValueError(_l("“%(part)s” is not a whole number of months.", part=part[:20]))
        value = int(part)
        if value > MAX_WAVE_MONTHS:
            raise ValueError(_l("Use months from 0 to %(max)d.", max=MAX_WAVE_MONTHS))
        if value in months:
            raise ValueError(_l("%(months)d is given twice.", months=value))
        if months and value < months[-1]:
            raise ValueError(_l("Give the months in ascending order."))
        months.append(value)
    if len(months) > MAX_WAVES:
        raise ValueError(_l("Use at most %(max)d follow-ups.", max=MAX_WAVES))
    return months


def set_follow_up_schedule(program: Program, months: list[int]) -> Program:
    """Store a program's follow-up waves; follow-ups already collected for a dropped wave are kept."""
    program.follow_up_months = ",".join(str(value) for value in months)
    db.session.flush()
    return program


# ---- A graduate's waves ----


def active_graduations(learner: User) -> list[Graduation]:
    """The learner's graduations that were not undone, newest first, with cohort and program loaded."""
    return list(
        db.session.scalars(
            select(Graduation)
            .options(joinedload(Graduation.cohort).joinedload(Cohort.program))
            .where(Graduation.learner_id == learner.id, Graduation.undone_at.is_(None))
            .order_by(Graduation.graduated_on.desc(), Graduation.id.desc())
        )
    )


def latest_graduation(learner: User) -> Graduation | None:
    """The learner's most recent graduation that still holds; follow-ups are recorded against it."""
    graduations = active_graduations(learner)
    return graduations[0] if graduations else None


def wave_state(due_on: date, today: date, collected: bool) -> WaveState:
    if collected:
        return WaveState.COLLECTED
    if due_on > today:
        return WaveState.UPCOMING
    if (today - due_on).days > OVERDUE_AFTER_DAYS:
        return WaveState.OVERDUE
    return WaveState.DUE


@dataclass
class Wave:
    """One follow-up wave of one graduation, with its record when it is collected."""

    graduation: Graduation
    months: int
    due_on: date
    state: WaveState
    follow_up: FollowUp | None = None
    scheduled: bool = True

    @property
    def is_open(self) -> bool:
        return self.state in (WaveState.DUE, WaveState.OVERDUE)


def waves_of(graduations: list[Graduation], today: date | None = None) -> list[Wave]:
    """Every scheduled wave of these graduations, plus collected ones the schedule no longer lists: one query."""
    today = today or program_today()
    if not graduations:
        return []
    follow_ups = db.session.scalars(
        select(FollowUp)
        .options(joinedload(FollowUp.verified_by))
        .where(FollowUp.graduation_id.in_([graduation.id for graduation in graduations]))
    ).all()
    collected = {(follow_up.graduation_id, follow_up.wave_months): follow_up for follow_up in follow_ups}
    waves = []
    for graduation in graduations:
        scheduled = graduation.cohort.program.follow_up_waves
        extra = {months for graduation_id, months in collected if graduation_id == graduation.id} - set(scheduled)
        for months in sorted(set(scheduled) | extra):
            follow_up = collected.get((graduation.id, months))
            due_on = wave_due_on(graduation.graduated_on, months)
            waves.append(
                Wave(
                    graduation,
                    months,
                    due_on,
                    wave_state(due_on, today, follow_up is not None),
                    follow_up,
                    months in scheduled,
                )
            )
    return waves


@dataclass
class HomeFollowUps:
    """What the graduate's home page shows: whether they graduated, and the waves waiting for them."""

    graduated: bool
    due: list[Wave] = field(default_factory=list)


def home_follow_ups(user: User) -> HomeFollowUps | None:
    """For a learner's home: the open waves of their latest graduation, in one query; None for staff."""
    if user.role != Role.LEARNER:
        return None
    rows = db.session.execute(
        select(Graduation, FollowUp.wave_months)
        .options(joinedload(Graduation.cohort).joinedload(Cohort.program))
        .outerjoin(FollowUp, FollowUp.graduation_id == Graduation.id)
        .where(Graduation.learner_id == user.id, Graduation.undone_at.is_(None))
        .order_by(Graduation.graduated_on.desc(), Graduation.id.desc())
    ).all()
    if not rows:
        return HomeFollowUps(False)
    # New follow-ups go to the latest graduation, so only its waves are asked for.
    latest = rows[0][0]
    collected = {months for graduation, months in rows if graduation is latest and months is not None}
    today = program_today()
    due = []
    for months in latest.cohort.program.follow_up_waves:
        due_on = wave_due_on(latest.graduated_on, months)
        wave = Wave(latest, months, due_on, wave_state(due_on, today, months in collected))
        if wave.is_open:
            due.append(wave)
    return HomeFollowUps(True, due)


def default_period(due_on: date, today: date) -> tuple[date, date]:
    """The period a wave asks about by default: the last whole month before it fell due (never after today)."""
    end = min(due_on.replace(day=1) - timedelta(days=1), today)
    return end.replace(day=1), end


def baseline_income(learner: User) -> int | None:
    return db.session.scalar(select(Baseline.monthly_income_fen).where(Baseline.learner_id == learner.id))


# ---- Notifications ----


def waves_falling_due(today: date) -> Select:
    """Graduations whose latest due wave is not collected and not announced yet, with that wave."""
    selects = []
    for program in db.session.scalars(select(Program)):
        waves = program.follow_up_waves
        for index, months in enumerate(waves):
            # Only the most recent due wave is announced: a backlog does not arrive as a pile of messages.
            conditions = [Graduation.graduated_on <= latest_graduation_date_due(today, months)]
            if index + 1 < len(waves):
                conditions.append(Graduation.graduated_on > latest_graduation_date_due(today, waves[index + 1]))
            selects.append(
                select(Graduation.id.label("graduation_id"), literal(months, Integer).label("months"))
                .join(Cohort, Cohort.id == Graduation.cohort_id)
                .where(Cohort.program_id == program.id, Graduation.undone_at.is_(None), *conditions)
            )
    if not selects:
        return None
    due = (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("due")
    announced = exists(
        select(FollowUpReminder.id).where(
            FollowUpReminder.graduation_id == due.c.graduation_id, FollowUpReminder.wave_months == due.c.months
        )
    )
    collected = exists(
        select(FollowUp.id).where(FollowUp.graduation_id == due.c.graduation_id, FollowUp.wave_months == due.c.months)
    )
    return (
        select(Graduation, due.c.months)
        .join(due, due.c.graduation_id == Graduation.id)
        .join(User, User.id == Graduation.learner_id)
        .options(joinedload(Graduation.learner), joinedload(Graduation.cohort))
        .where(User.active.is_(True), ~collected, ~announced)
        .order_by(Graduation.id)
    )


def notify_due_follow_ups(today: date | None = None) -> int:
    """Tell each graduate (in the app, and by email when they have one) that a follow-up is due; returns how many.

    Run daily: a wave is announced once, on the first run after it falls due."""
    query = waves_falling_due(today or program_today())
    if query is None:
        return 0
    sent = 0
    for graduation, months in db.session.execute(query).all():
        if not claim_reminder(graduation, months):
            continue
        remind(graduation, months, NotificationKind.FOLLOW_UP_DUE)
        sent += 1
    return sent


def claim_reminder(graduation: Graduation, months: int) -> bool:
    """Record that this wave is being announced; False when another run (another machine) already did."""
    try:
        with db.session.begin_nested():
            db.session.add(FollowUpReminder(graduation_id=graduation.id, wave_months=months))
    except IntegrityError:
        return False
    return True


def reminders_to_repeat(cutoff: datetime) -> Select:
    """Waves told before ``cutoff`` and still missing, not reminded again, and still the graduate's latest told."""
    collected = exists(
        select(FollowUp.id).where(
            FollowUp.graduation_id == FollowUpReminder.graduation_id,
            FollowUp.wave_months == FollowUpReminder.wave_months,
        )
    )
    later = aliased(FollowUpReminder)
    superseded = exists(
        select(later.id).where(
            later.graduation_id == FollowUpReminder.graduation_id, later.wave_months > FollowUpReminder.wave_months
        )
    )
    return (
        select(FollowUpReminder, Graduation)
        .join(Graduation, Graduation.id == FollowUpReminder.graduation_id)
        .join(User, User.id == Graduation.learner_id)
        .options(joinedload(Graduation.learner), joinedload(Graduation.cohort))
        .where(
            FollowUpReminder.sent_at < cutoff,
            FollowUpReminder.second_sent_at.is_(None),
            Graduation.undone_at.is_(None),
            User.active.is_(True),
            ~collected,
            ~superseded,
        )
        .order_by(FollowUpReminder.id)
    )


def claim_second_reminder(reminder: FollowUpReminder, now: datetime) -> bool:
    """Take the second reminder of a wave for this run; False when another run (another machine) took it."""
    result = db.session.execute(
        update(FollowUpReminder)
        .where(FollowUpReminder.id == reminder.id, FollowUpReminder.second_sent_at.is_(None))
        .values(second_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def notify_missing_follow_ups(today: date | None = None) -> int:
    """Remind once more each graduate whose follow-up is still missing ``LMS_FOLLOW_UP_SECOND_REMINDER_DAYS``
    days after she was told (0: never); returns how many. Run daily with ``notify_due_follow_ups``."""
    days = current_app.config["LMS_FOLLOW_UP_SECOND_REMINDER_DAYS"]
    if not days:
        return 0
    today = today or program_today()
    sent = 0
    for reminder, graduation in db.session.execute(reminders_to_repeat(end_of_day(today - timedelta(days=days)))):
        if not claim_second_reminder(reminder, utcnow()):
            continue
        months = reminder.wave_months
        remind(graduation, months, NotificationKind.FOLLOW_UP_OVERDUE)
        sent += 1
    return sent


def remind(graduation: Graduation, months: int, kind: NotificationKind) -> None:
    """Tell the graduate her wave's follow-up is due (or still missing), with a link to its form; her program pays."""
    link = link_to("outcomes.new_follow_up", learner_id=graduation.learner_id, wave=months)
    notify(
        graduation.learner,
        kind,
        link,
        program_id=graduation.cohort.program_id,
        months=months,
        graduation=graduation.id,
    )
