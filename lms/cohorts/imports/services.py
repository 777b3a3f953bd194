"""Bulk enrolment from a CSV file: the preview's database checks, then writing all or none (on the queue)."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.cohorts import services
from lms.cohorts.imports import kept
from lms.cohorts.imports.parsing import ImportRow, check_duplicates, parse_rows, same_county
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.roles import Role
from lms.core.spreadsheets import FileRefusedError

QUERY_CHUNK = 500
LEARNERS = "learners"  # this kind of import, on the queue

__all__ = ["FileRefusedError", "ImportPreview", "ImportRefusedError", "confirm_import", "preview_import"]


class ImportRefusedError(UserFacingError):
    """Nothing was written: the file no longer passes the checks it passed at the preview."""


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    problems: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.bad_rows

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.existing_user_id is None)


def chunks(values: list, size: int = QUERY_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def preview_import(cohort: Cohort, data: bytes) -> ImportPreview:
    """Every row with all its problems, before anything is written; raises FileRefusedError for an unreadable file."""
    rows = parse_rows(data)
    check_duplicates(rows)
    for row in rows:
        if not same_county(row.values["county"], cohort.county):
            row.problems.append(_("Not this cohort's county (%(county)s).", county=cohort.county))
    users_by_phone = users_by(User.phone, [row.phone for row in rows if row.phone])
    users_by_email = users_by(User.email, [row.email for row in rows if row.email])
    active_here = set(
        db.session.scalars(
            select(Enrollment.learner_id).where(
                Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.ACTIVE
            )
        )
    )
    for row in rows:
        user = users_by_phone.get(row.phone)
        if user is not None:
            row.existing_user_id = user.id
            if user.role != Role.LEARNER:
                row.problems.append(_("This mobile number belongs to a staff account."))
            elif user.id in active_here:
                row.problems.append(_("Already in this cohort."))
        owner = users_by_email.get(row.email)
        if owner is not None and owner.phone != row.phone:
            row.problems.append(_("This email belongs to another account."))
    preview = ImportPreview(rows)
    joining = sum(1 for row in rows if row.existing_user_id not in active_here)
    if cohort.capacity is not None and len(active_here) + joining > cohort.capacity:
        places = max(cohort.capacity - len(active_here), 0)
        preview.problems.append(
            ngettext(
                "The cohort has %(num)d place left, and the file has more learners.",
                "The cohort has %(num)d places left, and the file has more learners.",
                places,
            )
        )
    return preview


def users_by(column, values: list[str]) -> dict[str, User]:
    found = {}
    for part in chunks(sorted(set(values))):
        for user in db.session.scalars(select(User).where(column.in_(part))):
            found[getattr(user, column.key)] = user
    return found


def confirm_import(cohort: Cohort, data: bytes, lead: User) -> tuple[int, list[dict]]:
    """Enrol every learner of the file or none (raises ImportRefusedError); returns the count and new codes."""
    preview = preview_import(cohort, data)
    if not preview.ok:
        first = preview.problems[:1] or [
            _("line %(line)d: %(problems)s", line=row.line, problems=" ".join(row.problems))
            for row in preview.bad_rows[:1]
        ]
        raise ImportRefusedError(
            _("Nothing was written: the file no longer passes the checks (%(first)s).", first=first[0])
        )
    issued = []
    existing = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_([row.existing_user_id for row in preview.rows if row.existing_user_id]))
        )
    }
    try:
        for row in preview.rows:
            learner = existing.get(row.existing_user_id)
            if learner is None:
                learner = accounts.create_invited_learner(
                    name=row.values["name"],
                    phone=row.phone,
                    email=row.email,
                    township=row.values["township"],
                    village=row.values["village"],
                )
                code = accounts.issue_setup_code(learner, lead)
                issued.append({"name": learner.name, "phone": learner.phone, "code": code})
            services.enroll_learner(cohort, learner)
    except IntegrityError:
        # Someone took a number or an email between the preview and now.
        raise ImportRefusedError(
            _("Nothing was written: an account changed meanwhile. Please upload the file again.")
        ) from None
    return len(preview.rows), issued


def run_learner_import(data: bytes, lead: User, parameters: dict) -> dict:
    """The queue's part of a confirmed import (``kept.run_import``): the learners enrolled and their codes."""
    cohort = db.session.get(Cohort, parameters["cohort"])
    if cohort is None:
        raise ImportRefusedError(_("Nothing was written: the cohort no longer exists."))
    count, codes = confirm_import(cohort, data, lead)
    return {"count": count, "codes": codes}


kept.register_import(LEARNERS, run_learner_import)
