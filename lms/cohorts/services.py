"""Programs, cohorts, invite codes, enrolment and mentor assignment."""

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from lms.auth import services as accounts
from lms.auth.models import Role, User
from lms.cohorts.models import Cohort, Enrollment, Program, cohort_mentors, new_invite_code
from lms.extensions import db


def clean_invite_code(raw: str) -> str:
    return "".join(raw.split()).upper()


def find_cohort_by_invite(code: str) -> Cohort | None:
    """The cohort this invite code opens, or None."""
    cleaned = clean_invite_code(code or "")
    if not cleaned:
        return None
    return db.session.scalar(select(Cohort).where(Cohort.invite_code == cleaned))


def register_learner(cohort: Cohort, data: dict) -> User:
    """Create a learner account from the join form and enrol it in ``cohort``."""
    learner = accounts.create_user(
        name=data["name"],
        role=Role.LEARNER,
        password=data["password"],
        email=data.get("email") or None,
        phone=data.get("phone") or None,
        locale=data.get("locale"),
    )
    enroll_learner(cohort, learner)
    return learner


def enroll_learner(cohort: Cohort, learner: User) -> Enrollment:
    """Put a learner in a cohort (once)."""
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.learner_id == learner.id)
    )
    if enrollment is None:
        enrollment = Enrollment(cohort=cohort, learner=learner)
        db.session.add(enrollment)
        db.session.flush()
    return enrollment


def create_program(data: dict) -> Program:
    """Start a program."""
    program = Program(name=data["name"].strip(), currency=(data.get("currency") or "CNY").upper())
    db.session.add(program)
    db.session.flush()
    return program


def create_cohort(program: Program, data: dict) -> Cohort:
    """Open a cohort with a fresh invite code."""
    cohort = Cohort(
        program=program,
        name=data["name"].strip(),
        province=(data.get("province") or "").strip(),
        city=(data.get("city") or "").strip(),
        county=(data.get("county") or "").strip(),
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
        invite_code=unused_invite_code(),
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


def unused_invite_code() -> str:
    while True:
        code = new_invite_code()
        if db.session.scalar(select(Cohort.id).where(Cohort.invite_code == code)) is None:
            return code


def regenerate_invite_code(cohort: Cohort) -> Cohort:
    """Give the cohort a new invite code; the old one stops working."""
    cohort.invite_code = unused_invite_code()
    db.session.flush()
    return cohort


def assign_mentor(cohort: Cohort, mentor: User) -> Cohort:
    """Make a mentor responsible for a cohort (once)."""
    if mentor.role != Role.MENTOR:
        raise ValueError("only mentors are assigned to cohorts")
    if mentor not in cohort.mentors:
        cohort.mentors.append(mentor)
        db.session.flush()
    return cohort


def unassign_mentor(cohort: Cohort, mentor: User) -> Cohort:
    """Take a mentor off a cohort."""
    if mentor in cohort.mentors:
        cohort.mentors.remove(mentor)
        db.session.flush()
    return cohort


def cohorts_for(user: User):
    """A select of the cohorts this person works in or learns in, with learner counts."""
    learners = (
        select(Enrollment.cohort_id, func.count(Enrollment.id).label("learner_count"))
        .group_by(Enrollment.cohort_id)
        .subquery()
    )
    query = (
        select(Cohort, func.coalesce(learners.c.learner_count, 0))
        .join(Cohort.program)
        .options(contains_eager(Cohort.program))
        .outerjoin(learners, learners.c.cohort_id == Cohort.id)
        .order_by(Program.name, Cohort.name)
    )
    if user.role == Role.MENTOR:
        query = query.join(cohort_mentors, cohort_mentors.c.cohort_id == Cohort.id).where(
            cohort_mentors.c.mentor_id == user.id
        )
    elif user.role == Role.LEARNER:
        query = query.join(Enrollment, Enrollment.cohort_id == Cohort.id).where(Enrollment.learner_id == user.id)
    return query


def available_mentors(cohort: Cohort):
    """A select of mentors not yet assigned to this cohort."""
    assigned = select(cohort_mentors.c.mentor_id).where(cohort_mentors.c.cohort_id == cohort.id)
    return (
        select(User)
        .where(User.role == Role.MENTOR, User.active.is_(True), User.id.not_in(assigned))
        .order_by(User.name)
    )


def cohort_learners(cohort: Cohort):
    """A select of a cohort's enrolments with their learners, by name."""
    return (
        select(Enrollment)
        .join(Enrollment.learner)
        .options(contains_eager(Enrollment.learner))
        .where(Enrollment.cohort_id == cohort.id)
        .order_by(User.name)
    )
