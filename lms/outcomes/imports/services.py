"""Follow-ups collected on paper or in a survey tool, imported from a CSV file: the preview's database checks, then
all rows or none, each audited.

The previewed file is kept as the bulk enrolment keeps it: on the server, its random name in the lead's session.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.cohorts.imports import kept
from lms.cohorts.imports.services import ImportRefusedError, chunks
from lms.cohorts.models import Cohort
from lms.cohorts.policies import managed_cohort_ids, managed_learner_ids
from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.core.money import format_fen
from lms.core.roles import Role
from lms.core.spreadsheets import FileRefusedError
from lms.outcomes.audit import record_change
from lms.outcomes.follow_ups.rules import is_unusual_income, wave_due_on
from lms.outcomes.follow_ups.services import AUDITED_FIELDS, quantities_text
from lms.outcomes.imports.parsing import MAX_BYTES, FollowUpImportPreview, parse_rows
from lms.outcomes.imports.rows import FollowUpImportRow
from lms.outcomes.models import Baseline, FollowUp, FollowUpQuantity, FollowUpSource, Graduation, ReportingConsent
from lms.outcomes.products.services import ProductList, product_list, resolve_quantity

FOLLOW_UPS = "follow-ups"  # this kind of import, on the queue

__all__ = [
    "MAX_BYTES",
    "FileRefusedError",
    "ImportRefusedError",
    "confirm_follow_up_import",
    "preview_follow_up_import",
]


# ---- The checks that need the database ----


@dataclass(frozen=True)
class Graduate:
    learner: User
    graduation: Graduation | None
    baseline_fen: int | None
    consented: bool


def graduates_by_phone(phones: list[str], viewer: User) -> dict[str, Graduate]:
    """The account of each mobile number with its latest graduation still in force, baseline income and consent.

    A lead finds only the learners of her programs and their graduations from her programs' cohorts: a number of
    another program reads as unknown, so she can neither write to its records nor learn who is there.
    """
    found: dict[str, Graduate] = {}
    learners, cohorts = managed_learner_ids(viewer), managed_cohort_ids(viewer)
    in_force = and_(Graduation.learner_id == User.id, Graduation.undone_at.is_(None))
    if cohorts is not None:
        in_force = and_(in_force, Graduation.cohort_id.in_(cohorts))
    for part in chunks(sorted(set(phones))):
        query = (
            select(User, Graduation, Baseline.monthly_income_fen, ReportingConsent.granted)
            .select_from(User)
            .outerjoin(Graduation, in_force)
            .outerjoin(Baseline, Baseline.learner_id == User.id)
            .outerjoin(ReportingConsent, ReportingConsent.learner_id == User.id)
            .options(joinedload(Graduation.cohort).joinedload(Cohort.program))
            .where(User.phone.in_(part))
            # The latest graduation comes last and wins.
            .order_by(User.id, Graduation.graduated_on, Graduation.id)
        )
        if learners is not None:
            query = query.where(User.id.in_(learners))
        for user, graduation, baseline_fen, granted in db.session.execute(query):
            found[user.phone] = Graduate(user, graduation, baseline_fen, bool(granted))
    return found


def recorded_waves(graduation_ids: list[int]) -> set[tuple[int, int]]:
    """(graduation id, wave) of every follow-up already recorded for these graduations."""
    recorded = set()
    for part in chunks(sorted(set(graduation_ids))):
        query = select(FollowUp.graduation_id, FollowUp.wave_months).where(FollowUp.graduation_id.in_(part))
        recorded.update((graduation_id, wave) for graduation_id, wave in db.session.execute(query))
    return recorded


def check_graduate(row: FollowUpImportRow, graduate: Graduate | None, today: date) -> None:
    if row.phone is None:
        return
    if graduate is None:
        row.errors.append(_("No learner of the programs you run has this mobile number."))
        return
    row.learner = graduate.learner
    if graduate.learner.role != Role.LEARNER:
        row.errors.append(_("This mobile number belongs to a staff account."))
        return
    if graduate.graduation is None:
        row.errors.append(_("This learner has not graduated (or the graduation was undone)."))
        return
    row.graduation = graduation = graduate.graduation
    if not graduate.consented:
        row.notes.append(_("No consent to reports: the follow-up is kept but left out of reports and exports."))
    income = row.fields.get("monthly_income_fen")
    if income is not None and is_unusual_income(graduate.baseline_fen, income):
        currency = graduation.cohort.program.currency
        row.warnings.append(
            _(
                "Unusual: %(income)s a month, against %(baseline)s at intake. Check this figure.",
                income=format_fen(income, currency),
                baseline=format_fen(graduate.baseline_fen, currency),
            )
        )
    if row.wave is None:
        return
    waves = graduation.cohort.program.follow_up_waves
    if row.wave not in waves:
        row.errors.append(
            _(
                "The program has no follow-up %(wave)d months after graduation (its waves: %(waves)s).",
                wave=row.wave,
                waves=", ".join(str(wave) for wave in waves),
            )
        )
        return
    due_on = wave_due_on(graduation.graduated_on, row.wave)
    if due_on > today:
        row.errors.append(_("This follow-up is not due until %(date)s.", date=due_on.isoformat()))


def check_duplicates(rows: list[FollowUpImportRow]) -> None:
    """One follow-up per graduation and wave: not one already recorded, nor the same one twice in the file."""
    recorded = recorded_waves([row.graduation.id for row in rows if row.graduation is not None])
    seen: dict[tuple[int, int], int] = {}
    for row in rows:
        if row.graduation is None or row.wave is None:
            continue
        key = (row.graduation.id, row.wave)
        if key in recorded:
            row.errors.append(_("A follow-up for this wave is already recorded."))
        elif key in seen:
            row.errors.append(_("The same graduate and wave as line %(line)d.", line=seen[key]))
        else:
            seen[key] = row.line


def check_products(row: FollowUpImportRow, products: ProductList) -> None:
    """Map each product to the program's list; one without a unit takes the listed product's usual unit."""
    quantities = []
    for text, quantity, unit in row.quantities:
        product, unit = resolve_quantity(products, text, unit)
        if unit is None:
            row.errors.append(_("Give a unit for %(product)s: it is not on the program's product list.", product=text))
            continue
        quantities.append((text, quantity, unit))
        row.product_ids.append(product.id if product else None)
    row.quantities = quantities


def preview_follow_up_import(data: bytes, viewer: User) -> FollowUpImportPreview:
    """Every row with all its problems and warnings, before anything is written; one query more per program. Only
    the graduates of the programs ``viewer`` runs are found."""
    rows = parse_rows(data)
    graduates = graduates_by_phone([row.phone for row in rows if row.phone], viewer)
    today = program_today()
    lists: dict[int, ProductList] = {}
    for row in rows:
        check_graduate(row, graduates.get(row.phone), today)
        if row.graduation is not None:
            program = row.graduation.cohort.program
            if program.id not in lists:
                lists[program.id] = product_list(program)
            check_products(row, lists[program.id])
    check_duplicates(rows)
    return FollowUpImportPreview(rows)


# ---- Writing ----


def audited_values(follow_up: FollowUp) -> dict:
    """What the audit log keeps of a new follow-up: the fields the entry form audits, without touching the database."""
    values = {name: getattr(follow_up, name) for name in AUDITED_FIELDS}
    values["quantities"] = quantities_text(follow_up)
    return values


def first_problem(preview: FollowUpImportPreview) -> str:
    row = preview.bad_rows[0]
    return _("line %(line)d: %(problems)s", line=row.line, problems=" ".join(row.errors))


def confirm_follow_up_import(data: bytes, lead: User, unusual_checked: bool) -> int:
    """Record every follow-up of the file or none (raises ImportRefusedError); returns how many were recorded."""
    preview = preview_follow_up_import(data, lead)
    if not preview.ok:
        raise ImportRefusedError(
            _("Nothing was imported: the file no longer passes the checks (%(first)s).", first=first_problem(preview))
        )
    if preview.unusual_rows and not unusual_checked:
        raise ImportRefusedError(_("Nothing was imported: tick that you have checked the unusual figures."))
    now = utcnow()
    made: list[FollowUp] = []
    try:
        for row in preview.rows:
            follow_up = FollowUp(
                graduation_id=row.graduation.id,
                learner_id=row.learner.id,
                **row.fields,
                source=FollowUpSource.IMPORT,
                unusual_confirmed=bool(row.warnings),
                verified_at=now if row.verified else None,
                verified_by_id=lead.id if row.verified else None,
                recorded_by_id=lead.id,
                quantities=[
                    FollowUpQuantity(product=p, quantity=q, unit=u, product_id=i)
                    for (p, q, u), i in zip(row.quantities, row.product_ids, strict=True)
                ],
            )
            db.session.add(follow_up)
            made.append(follow_up)
        db.session.flush()
        for follow_up in made:
            after = audited_values(follow_up)
            record_change(lead, "follow-up", follow_up.id, follow_up.learner_id, "create", {}, after)
    except IntegrityError:
        # Someone recorded one of these follow-ups between the check and now: the caller rolls everything back.
        raise ImportRefusedError(
            _("Nothing was imported: a follow-up of this file was recorded meanwhile. Please upload the file again.")
        ) from None
    return len(made)


def run_follow_up_import(data: bytes, lead: User, parameters: dict) -> dict:
    """The queue's part of a confirmed import (``kept.run_import``): how many follow-ups were recorded."""
    return {"count": confirm_follow_up_import(data, lead, parameters["unusual_checked"])}


kept.register_import(FOLLOW_UPS, run_follow_up_import)
