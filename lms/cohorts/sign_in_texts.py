"""A program that requires texted sign-in codes of its learners, as the accounts area asks for it."""

from sqlalchemy import select

from lms.accounts.models import User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.two_factor.texted import register_program_requirement
from lms.cohorts.enrolment.current import active_enrolments
from lms.cohorts.models import Cohort, Enrollment, Program
from lms.core.extensions import db


def requires_sign_in_texts(learner_id: int) -> bool:
    """Is the learner active in a cohort of a program that requires texted sign-in codes? (one query)"""
    cohort_ids = active_enrolments(learner_id).with_only_columns(Enrollment.cohort_id).order_by(None)
    found = db.session.scalar(
        select(Program.id)
        .join(Cohort, Cohort.program_id == Program.id)
        .where(Cohort.id.in_(cohort_ids), Program.sign_in_texts_required.is_(True))
        .limit(1)
    )
    return found is not None


def set_sign_in_texts_required(program: Program, required: bool, lead: User) -> Program:
    """A lead requires (or stops requiring) a texted code at each sign-in of the program's learners; logged."""
    if program.sign_in_texts_required != required:
        program.sign_in_texts_required = required
        db.session.flush()
        record_security_event(
            SecurityEventKind.PROGRAM_SIGN_IN_TEXTS,
            actor=lead,
            detail=f"program {program.id} {'required' if required else 'not required'}",
        )
    return program


register_program_requirement(requires_sign_in_texts)
