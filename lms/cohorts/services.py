"""Programs and cohorts: creating and editing them, mentor assignment, who is in a cohort now."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from lms.accounts.models import User
from lms.cohorts import signals
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, Program, cohort_mentors, new_invite_code
from lms.cohorts.policies import led_program_ids, managed_program_ids, viewable_cohort_ids
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.roles import Role

# The cohort columns the cohort form edits; the program is chosen once, when the cohort is made.
COHORT_TEXT_FIELDS = ("name", "province", "city", "county", "township")
COHORT_OTHER_FIELDS = (
    "poverty_county",
    "starts_on",
    "ends_on",
    "capacity",
    "rule_courses",
    "rule_assignments",
    "rule_baseline",
)


def enroll_learner(cohort: Cohort, learner: User) -> Enrollment:
    """Put a learner in a cohort; one who left it before comes back to the same enrolment."""
    enrollment = db.session.scalar(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.learner_id == learner.id)
    )
    if enrollment is None:
        enrollment = Enrollment(cohort=cohort, learner=learner, status=EnrollmentStatus.ACTIVE)
        db.session.add(enrollment)
    elif enrollment.status != EnrollmentStatus.ACTIVE:
        # One row per learner and cohort (a database constraint): coming back reopens it.
        enrollment.status = EnrollmentStatus.ACTIVE
        enrollment.left_at = None
        enrollment.enrolled_at = utcnow()
        enrollment.mentor_id = None
    db.session.flush()
    return enrollment


def active_learner_count(cohort: Cohort) -> int:
    """How many learners are in the cohort now (moved and withdrawn ones do not count)."""
    return db.session.scalar(
        select(func.count(Enrollment.id)).where(
            Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
    )


def create_program(data: dict, creator: User | None = None) -> Program:
    """Start a program; a lead who starts one leads it."""
    program = Program(name=data["name"].strip(), currency=(data.get("currency") or "CNY").upper())
    if creator is not None and creator.role == Role.LEAD:
        program.leads.append(creator)
    db.session.add(program)
    db.session.flush()
    return program


def apply_cohort_fields(cohort: Cohort, data: dict) -> None:
    for name in COHORT_TEXT_FIELDS:
        if name in data:
            setattr(cohort, name, (data.get(name) or "").strip())
    for name in COHORT_OTHER_FIELDS:
        if name in data:
            setattr(cohort, name, data[name])


def create_cohort(program: Program, data: dict) -> Cohort:
    """Open a cohort with a fresh invite code."""
    cohort = Cohort(program=program, invite_code=unused_invite_code())
    apply_cohort_fields(cohort, {"poverty_county": False, **data})
    db.session.add(cohort)
    db.session.flush()
    return cohort


def update_cohort(cohort: Cohort, data: dict) -> Cohort:
    """Change a cohort's name, region, dates, capacity and graduation rules."""
    apply_cohort_fields(cohort, data)
    if "rule_business_plan_lesson_id" in data:
        lesson_id = data["rule_business_plan_lesson_id"] or None
        if lesson_id is not None and lesson_id not in {lesson.id for lesson in business_plan_choices(cohort)}:
            raise ValueError("the business plan lesson must be an assignment of an offered course")
        cohort.rule_business_plan_lesson_id = lesson_id
    db.session.flush()
    return cohort


def business_plan_choices(cohort: Cohort) -> list:
    """The assignment lessons a cohort's business-plan rule may name (those of the courses offered to it)."""
    return [lesson for _receiver, lessons in signals.business_plan_choices.send(cohort) for lesson in lessons]


def offered_courses(cohort: Cohort) -> list:
    """The courses offered to this cohort, with whether each is required."""
    return [offer for _receiver, offers in signals.offered_courses.send(cohort) for offer in offers]


def unused_invite_code() -> str:
    while True:
        code = new_invite_code()
        if db.session.scalar(select(Cohort.id).where(Cohort.invite_code == code)) is None:
            return code


def assign_mentor(cohort: Cohort, mentor: User) -> Cohort:
    """Make a mentor responsible for a cohort (once)."""
    if mentor.role != Role.MENTOR:
        raise ValueError("only mentors are assigned to cohorts")
    if mentor not in cohort.mentors:
        cohort.mentors.append(mentor)
        db.session.flush()
    return cohort


def unassign_mentor(cohort: Cohort, mentor: User) -> Cohort:
    """Take a mentor off a cohort; learners paired with them here are left unpaired."""
    if mentor in cohort.mentors:
        cohort.mentors.remove(mentor)
        for enrollment in db.session.scalars(
            select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.mentor_id == mentor.id)
        ):
            enrollment.mentor_id = None
        db.session.flush()
    return cohort


def viewable_cohorts(user: User) -> list[Cohort]:
    """The cohorts this person sees, with their programs, by name: what a list or an export may be narrowed to."""
    query = select(Cohort).options(joinedload(Cohort.program)).order_by(Cohort.name, Cohort.id)
    seen = viewable_cohort_ids(user)
    if seen is not None:
        query = query.where(Cohort.id.in_(seen))
    return list(db.session.scalars(query))


def cohorts_for(user: User):
    """A select of the cohorts this person works in or is learning in now, with active learner counts."""
    # Counted per cohort listed (through the cohort's index), not grouped over every enrolment of the installation.
    learner_count = (
        select(func.count(Enrollment.id))
        .where(Enrollment.cohort_id == Cohort.id, Enrollment.status == EnrollmentStatus.ACTIVE)
        .correlate(Cohort)
        .scalar_subquery()
    )
    query = (
        select(Cohort, learner_count)
        .join(Cohort.program)
        .options(contains_eager(Cohort.program))
        .order_by(Program.name, Cohort.name)
    )
    if user.role == Role.MENTOR:
        query = query.join(cohort_mentors, cohort_mentors.c.cohort_id == Cohort.id).where(
            cohort_mentors.c.mentor_id == user.id
        )
    elif user.role == Role.LEAD:
        query = query.where(Cohort.program_id.in_(led_program_ids(user)))
    elif user.role == Role.LEARNER:
        query = query.join(Enrollment, Enrollment.cohort_id == Cohort.id).where(
            Enrollment.learner_id == user.id, Enrollment.status == EnrollmentStatus.ACTIVE
        )
    return query


def programs_for(user: User) -> Select:
    """A select of the programs this person runs, by name: every program for an admin, her own for a lead."""
    query = select(Program).order_by(Program.name)
    programs = managed_program_ids(user)
    if programs is not None:
        query = query.where(Program.id.in_(programs))
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
    """A select of a cohort's enrolments (active and left) with their learners and mentors, by name."""
    return (
        select(Enrollment)
        .join(Enrollment.learner)
        .options(contains_eager(Enrollment.learner), joinedload(Enrollment.mentor))
        .where(Enrollment.cohort_id == cohort.id)
        .order_by(User.name, User.id)
    )


def cohort_mentors_of(cohort_id: int) -> list[User]:
    """The mentors assigned to a cohort, in the order they were created."""
    return list(
        db.session.scalars(
            select(User)
            .join(cohort_mentors, cohort_mentors.c.mentor_id == User.id)
            .where(cohort_mentors.c.cohort_id == cohort_id)
            .order_by(User.id)
        )
    )
