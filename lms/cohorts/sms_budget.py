"""A program's budget for text messages, as the notifications area asks for it: who belongs to which
program, what its monthly cap is, and telling its leads when 80 % of a month is spent."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.cohorts.enrolment.current import current_enrolments
from lms.cohorts.models import Cohort, Program, cohort_mentors, program_leads
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.money import format_fen
from lms.notifications import budget
from lms.notifications.models import NotificationKind
from lms.notifications.services import link_to, notify_many, register_wording


def cap_warning_wording(params: dict) -> str:
    # The amounts are shown in the reader's locale, from the fen kept in the notification.
    currency = params.get("currency") or "CNY"
    text = _(
        "Text messages of %(program)s have cost %(spent)s of this month's cap of %(cap)s.",
        program=params.get("program", ""),
        spent=format_fen(int(params.get("spent_fen") or 0), currency),
        cap=format_fen(int(params.get("cap_fen") or 0), currency),
    )
    return text.replace("%", "%%")  # formatted again with the params, which it no longer names


register_wording(NotificationKind.SMS_CAP_WARNING, wording=cap_warning_wording)


def programs_of_people(user_ids: list[int]) -> dict[int, int]:
    """Each person's own program, for a text about none in particular (her code): a learner's current cohort's,
    else the first program she leads, else that of the first cohort she mentors; an admin's is none (three
    queries for any number)."""
    current = current_enrolments(user_ids).subquery()
    answer = dict(
        db.session.execute(
            select(current.c.learner_id, Cohort.program_id).join(Cohort, Cohort.id == current.c.cohort_id)
        ).all()
    )
    leading = select(program_leads.c.lead_id, func.min(program_leads.c.program_id)).where(
        program_leads.c.lead_id.in_(user_ids)
    )
    mentoring = (
        select(cohort_mentors.c.mentor_id, func.min(Cohort.program_id))
        .join(Cohort, Cohort.id == cohort_mentors.c.cohort_id)
        .where(cohort_mentors.c.mentor_id.in_(user_ids))
    )
    for query, person in ((leading, program_leads.c.lead_id), (mentoring, cohort_mentors.c.mentor_id)):
        for user_id, program_id in db.session.execute(query.group_by(person)).all():
            answer.setdefault(user_id, program_id)
    return answer


def program_cap(program_id: int) -> int | None:
    return db.session.scalar(select(Program.sms_cap_fen).where(Program.id == program_id))


def set_sms_cap(program: Program, cap_fen: int | None) -> Program:
    """A lead sets (or clears) the monthly cap; what the old cap held is tried again at once."""
    raised = cap_fen is None or program.sms_cap_fen is None or cap_fen > program.sms_cap_fen
    program.sms_cap_fen = cap_fen
    db.session.flush()
    if raised:
        budget.release_capped(program.id, utcnow())
    return program


def warn_leads(program_id: int, month: date, spent: int, cap: int, **_extra) -> None:
    program = db.session.get(Program, program_id)
    notify_many(
        list(program.leads),
        NotificationKind.SMS_CAP_WARNING,
        link_to("cohorts.text_messages", program_id=program_id),
        program_id=program_id,
        program=program.name,
        spent_fen=int(spent),
        cap_fen=int(cap),
        currency=program.currency,
    )


budget.register_program_of(programs_of_people)
budget.register_cost_cap(program_cap)
budget.cap_nearly_reached.connect(warn_leads)
