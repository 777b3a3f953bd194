"""Follow-ups: each graduate's waves, the due and overdue lists, recording, verifying, and the due notifications."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Select, and_, case, exists, extract, func, literal, select, true, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import FileStorage

from lms.auth.models import Role, User
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, Program, cohort_mentors
from lms.cohorts.models.contact import Notification, NotificationKind
from lms.cohorts.notification_services import link_to, notify
from lms.courses import media
from lms.courses.models import MediaKind
from lms.extensions import db
from lms.outcomes.audit import record_change
from lms.outcomes.follow_up_rules import (
    OVERDUE_AFTER_DAYS,
    is_unusual_income,
    latest_graduation_date_due,
    wave_due_on,
)
from lms.outcomes.models import (
    QUANTITY_UNITS,
    SALES_CHANNELS,
    AuditEntry,
    Baseline,
    FollowUp,
    FollowUpEvidence,
    FollowUpQuantity,
    FollowUpSource,
    Graduation,
)
from lms.outcomes.policies import can_manage_outcomes
from lms.progress.cohort_services import program_today
from lms.timeutil import utcnow

MAX_EVIDENCE = 3
MAX_PRODUCTS = 3
MAX_WAVE_MONTHS = 60
MAX_WAVES = 12
AUDITED_FIELDS = (
    "wave_months",
    "period_start",
    "period_end",
    "monthly_income_fen",
    "revenue_fen",
    "channels",
    "households_benefiting",
    "people_employed",
    "livestreams",
    "shop_link",
    "notes",
    "source",
    "unusual_confirmed",
    "verified_at",
    "verified_by_id",
)


class WaveState(StrEnum):
    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    COLLECTED = "collected"


class FollowUpRefused(Exception):  # noqa: N818 - read as "the follow-up was refused"
    """A follow-up that cannot be saved; ``message`` says why, ``field`` names the form field when there is one."""

    def __init__(self, message, field: str | None = None, existing: FollowUp | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.existing = existing


class UnusualIncome(FollowUpRefused):
    """The income is far from the baseline: saved only once the person entering it confirms it."""


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


def all_programs() -> list[Program]:
    return list(db.session.scalars(select(Program).order_by(Program.name)))


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


# ---- The staff list: due, overdue and collected waves across graduates ----

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
    return exists(
        select(Enrollment.id)
        .join(cohort_mentors, cohort_mentors.c.cohort_id == Enrollment.cohort_id)
        .where(
            Enrollment.learner_id == Graduation.learner_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            cohort_mentors.c.mentor_id == user.id,
        )
    )


def wave_rows(user: User, today: date, cohort_id: int | None = None):
    """A subquery of every due (or collected) wave of the graduates this person may see, one row per wave."""
    scope = [] if can_manage_outcomes(user) else [mentor_scope(user)]
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


def list_cohorts(user: User) -> list[Cohort]:
    """The cohorts the list can be narrowed to: a mentor's own, or all for leads."""
    query = select(Cohort).options(joinedload(Cohort.program)).order_by(Cohort.name, Cohort.id)
    if not can_manage_outcomes(user):
        query = query.join(cohort_mentors, cohort_mentors.c.cohort_id == Cohort.id).where(
            cohort_mentors.c.mentor_id == user.id
        )
    return list(db.session.scalars(query))


def open_counts(user: User, today: date | None = None) -> dict[str, int]:
    """Due and overdue waves this person looks after (for the mentor's home): two queries."""
    counts = state_counts(wave_rows(user, today or program_today()))
    return {state: counts.get(state, 0) for state in (WaveState.DUE, WaveState.OVERDUE)}


# ---- Recording ----


@dataclass
class FollowUpValues:
    """Clean values of one follow-up: money already in fen, channels as codes."""

    period_start: date
    period_end: date
    monthly_income_fen: int
    revenue_fen: int
    quantities: list[tuple[str, Decimal, str]] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    households_benefiting: int = 0
    people_employed: int = 0
    livestreams: int = 0
    shop_link: str = ""
    notes: str = ""
    unusual_confirmed: bool = False


def quantities_text(follow_up: FollowUp) -> str:
    return "; ".join(f"{row.product} {row.quantity.normalize():f} {row.unit}" for row in follow_up.quantities)


def audited_values(follow_up: FollowUp) -> dict:
    values = {name: getattr(follow_up, name) for name in AUDITED_FIELDS}
    values["quantities"] = quantities_text(follow_up)
    values["evidence"] = len(follow_up.evidence)
    return values


def check_values(values: FollowUpValues) -> None:
    """The rules every way in must meet (the form checks them first, with field messages)."""
    for name in ("monthly_income", "revenue"):
        amount = getattr(values, f"{name}_fen")
        if amount is None or amount < 0:
            raise FollowUpRefused(_l("The value cannot be negative."), name)
    for name in ("households_benefiting", "people_employed", "livestreams"):
        number = getattr(values, name)
        if number is None or number < 0:
            raise FollowUpRefused(_l("The number cannot be negative."), name)
    if values.period_end < values.period_start:
        raise FollowUpRefused(_l("The end of the period must not be before its start."), "period_end")
    if len(values.quantities) > MAX_PRODUCTS:
        raise FollowUpRefused(_l("Give at most %(count)d products.", count=MAX_PRODUCTS))
    for product, quantity, unit in values.quantities:
        if not product.strip() or quantity < 0 or unit not in QUANTITY_UNITS:
            raise FollowUpRefused(_l("Give each product a name, a quantity that is not negative and a unit."))
    if set(values.channels) - set(SALES_CHANNELS):
        raise FollowUpRefused(_l("Choose the channels from the list."), "channels")


def check_plausible(learner: User, values: FollowUpValues) -> None:
    if values.unusual_confirmed:
        return
    if is_unusual_income(baseline_income(learner), values.monthly_income_fen):
        raise UnusualIncome(
            _l("This income is much higher than at intake. Please check it, then confirm it is right."),
            "monthly_income",
        )


def store_evidence(uploads: list[FileStorage], actor: User) -> list:
    """Check and keep the photos; a bad one refuses the follow-up (the request's rollback removes the others)."""
    stored = []
    for upload in uploads:
        try:
            stored.append(media.store_upload(upload, MediaKind.IMAGE, actor))
        except media.UploadRefused as refused:
            raise FollowUpRefused(refused.message, "evidence") from refused
    return stored


def apply_values(follow_up: FollowUp, values: FollowUpValues) -> None:
    chosen = set(values.channels)
    follow_up.period_start = values.period_start
    follow_up.period_end = values.period_end
    follow_up.monthly_income_fen = values.monthly_income_fen
    follow_up.revenue_fen = values.revenue_fen
    follow_up.channels = ",".join(code for code in SALES_CHANNELS if code in chosen)
    follow_up.households_benefiting = values.households_benefiting
    follow_up.people_employed = values.people_employed
    follow_up.livestreams = values.livestreams
    follow_up.shop_link = values.shop_link.strip()
    follow_up.notes = values.notes.strip()
    wanted = [(product.strip(), quantity, unit) for product, quantity, unit in values.quantities]
    current = [(row.product, row.quantity, row.unit) for row in follow_up.quantities]
    if wanted != current:  # rewritten only when changed, so an unchanged save touches no rows
        follow_up.quantities = [FollowUpQuantity(product=p, quantity=q, unit=u) for p, q, u in wanted]


def find_follow_up(graduation: Graduation, months: int) -> FollowUp | None:
    return db.session.scalar(
        select(FollowUp).where(FollowUp.graduation_id == graduation.id, FollowUp.wave_months == months)
    )


def already_recorded(existing: FollowUp | None) -> FollowUpRefused:
    return FollowUpRefused(
        _l("The follow-up for this wave is recorded already: open it to change it."), "wave", existing
    )


def check_wave(graduation: Graduation | None, months: int, today: date) -> None:
    """Refuse a follow-up for no graduation, a wave outside the schedule, or one not due yet."""
    if graduation is None:
        raise FollowUpRefused(_l("This learner has not graduated: follow-ups start at graduation."))
    if months not in graduation.cohort.program.follow_up_waves:
        raise FollowUpRefused(_l("This follow-up is not in the program's schedule."), "wave")
    due_on = wave_due_on(graduation.graduated_on, months)
    if months and due_on > today:
        raise FollowUpRefused(_l("This follow-up opens on %(date)s.", date=due_on.isoformat()), "wave")


def record_follow_up(
    learner: User,
    actor: User,
    months: int,
    values: FollowUpValues,
    uploads: list[FileStorage] | None = None,
    *,
    verify: bool = False,
    today: date | None = None,
) -> FollowUp:
    """Record a graduate's follow-up for one wave of their latest graduation; raises FollowUpRefused."""
    graduation = latest_graduation(learner)
    check_wave(graduation, months, today or program_today())
    existing = find_follow_up(graduation, months)
    if existing is not None:
        raise already_recorded(existing)
    check_values(values)
    check_plausible(learner, values)
    uploads = uploads or []
    if len(uploads) > MAX_EVIDENCE:
        raise FollowUpRefused(_l("Add at most %(count)d photos.", count=MAX_EVIDENCE), "evidence")
    stored = store_evidence(uploads, actor)
    on_behalf = actor.id != learner.id
    follow_up = FollowUp(
        graduation_id=graduation.id,
        learner_id=learner.id,
        wave_months=months,
        source=FollowUpSource.MENTOR if on_behalf else FollowUpSource.SELF,
        unusual_confirmed=values.unusual_confirmed
        and is_unusual_income(baseline_income(learner), values.monthly_income_fen),
        recorded_by_id=actor.id,
    )
    apply_values(follow_up, values)
    follow_up.evidence = [FollowUpEvidence(media=media_file) for media_file in stored]
    if verify and on_behalf:
        follow_up.verified_at = utcnow()
        follow_up.verified_by_id = actor.id
    try:
        # The one_per_wave constraint settles a double submit: the second one gets the message, not a 500.
        with db.session.begin_nested():
            db.session.add(follow_up)
    except IntegrityError:
        raise already_recorded(find_follow_up(graduation, months)) from None
    record_change(actor, "follow-up", follow_up.id, learner.id, "create", {}, audited_values(follow_up))
    return follow_up


def update_follow_up(
    follow_up: FollowUp,
    actor: User,
    values: FollowUpValues,
    uploads: list[FileStorage] | None = None,
    remove_evidence: list[int] | None = None,
    *,
    verify: bool = False,
) -> FollowUp:
    """Change a follow-up; staff keep it verified only by ticking the box again. Raises FollowUpRefused."""
    check_values(values)
    learner = follow_up.learner
    # A figure confirmed before stays confirmed while it is unchanged.
    if follow_up.unusual_confirmed and follow_up.monthly_income_fen == values.monthly_income_fen:
        values.unusual_confirmed = True
    check_plausible(learner, values)
    uploads = uploads or []
    removing = [item for item in follow_up.evidence if item.id in set(remove_evidence or ())]
    if len(follow_up.evidence) - len(removing) + len(uploads) > MAX_EVIDENCE:
        raise FollowUpRefused(
            _l("A follow-up holds at most %(count)d photos: remove one first.", count=MAX_EVIDENCE), "evidence"
        )
    before = audited_values(follow_up)
    stored = store_evidence(uploads, actor)
    apply_values(follow_up, values)
    follow_up.unusual_confirmed = values.unusual_confirmed and is_unusual_income(
        baseline_income(learner), values.monthly_income_fen
    )
    for item in removing:
        follow_up.evidence.remove(item)
    follow_up.evidence.extend(FollowUpEvidence(media=media_file) for media_file in stored)
    db.session.flush()
    for item in removing:
        media.delete_media(item.media)
    if actor.id != learner.id:
        if not verify:
            follow_up.verified_at = None
            follow_up.verified_by_id = None
        elif follow_up.verified_at is None or audited_values(follow_up) != before:
            follow_up.verified_at = utcnow()
            follow_up.verified_by_id = actor.id
    follow_up.recorded_by_id = actor.id
    db.session.flush()
    record_change(actor, "follow-up", follow_up.id, learner.id, "update", before, audited_values(follow_up))
    return follow_up


def verify_follow_up(follow_up: FollowUp, actor: User) -> FollowUp:
    """Mark the figures checked against evidence by ``actor``; verifying twice changes nothing."""
    if follow_up.verified_at is not None:
        return follow_up
    before = audited_values(follow_up)
    follow_up.verified_at = utcnow()
    follow_up.verified_by_id = actor.id
    db.session.flush()
    record_change(actor, "follow-up", follow_up.id, follow_up.learner_id, "update", before, audited_values(follow_up))
    return follow_up


def delete_follow_up(follow_up: FollowUp, actor: User) -> None:
    """Delete a follow-up and its photos, keeping its values in the audit log."""
    record_change(actor, "follow-up", follow_up.id, follow_up.learner_id, "delete", audited_values(follow_up), {})
    files = [item.media for item in follow_up.evidence]
    db.session.delete(follow_up)
    db.session.flush()
    for media_file in files:
        media.delete_media(media_file)


def load_follow_up(follow_up_id: int) -> FollowUp | None:
    """A follow-up with what its page shows loaded alongside."""
    return db.session.scalar(
        select(FollowUp)
        .options(
            joinedload(FollowUp.learner),
            joinedload(FollowUp.graduation).joinedload(Graduation.cohort).joinedload(Cohort.program),
            joinedload(FollowUp.verified_by),
            joinedload(FollowUp.recorded_by),
            selectinload(FollowUp.quantities),
            selectinload(FollowUp.evidence).joinedload(FollowUpEvidence.media),
        )
        .where(FollowUp.id == follow_up_id)
    )


def follow_up_history(follow_up: FollowUp) -> Select:
    """The audit entries of one follow-up, newest first, with who made each."""
    return (
        select(AuditEntry)
        .options(joinedload(AuditEntry.actor))
        .where(AuditEntry.entity == "follow-up", AuditEntry.entity_id == follow_up.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )


def user_names(user_ids: set[int]) -> dict[int, str]:
    """Names of the people an audit history mentions by id, in one query."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


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
        select(Notification.id).where(
            Notification.user_id == Graduation.learner_id,
            Notification.kind == NotificationKind.FOLLOW_UP_DUE.value,
            Notification.params["graduation"].as_integer() == due.c.graduation_id,
            Notification.params["months"].as_integer() == due.c.months,
        )
    )
    collected = exists(
        select(FollowUp.id).where(FollowUp.graduation_id == due.c.graduation_id, FollowUp.wave_months == due.c.months)
    )
    return (
        select(Graduation, due.c.months)
        .join(due, due.c.graduation_id == Graduation.id)
        .join(User, User.id == Graduation.learner_id)
        .options(joinedload(Graduation.learner))
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
        link = link_to("outcomes.new_follow_up", learner_id=graduation.learner_id, wave=months)
        notify(graduation.learner, NotificationKind.FOLLOW_UP_DUE, link, months=months, graduation=graduation.id)
        sent += 1
    return sent
