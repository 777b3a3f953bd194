"""factory_boy factories for the models, and a small world of people for permission tests."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import factory
from argon2 import PasswordHasher
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import Connection, select

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Enrollment, Program
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses.models import CohortCourse, Course, Lesson, Module, Option, Question, RubricCriterion
from lms.outcomes.models import Baseline, FollowUp, FollowUpQuantity, Graduation, ReportingConsent

TEST_PASSWORD = "correct horse battery"
# One cheap hash for every factory-made account keeps the suite fast.
TEST_PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=64).hash(TEST_PASSWORD)
ONE_COMMIT = ContextVar("one_commit", default=False)  # set by one_commit()
# Leads made without a choice of programs lead every program, also those made after them (tests only): their ids
# and emails (factory emails never repeat in a run, where ids of rolled-back rows do).
LEADS_OF_EVERY_PROGRAM: set[tuple[int, str]] = set()


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731

    @classmethod
    def _save(cls, model_class, session, args, kwargs):
        instance = model_class(*args, **kwargs)
        session.add(instance)
        if not ONE_COMMIT.get():
            persist(session)
        return instance


def persist(session) -> None:
    """Write what a factory made: flushed into the test's transaction when the test is rolled back (its requests
    share that connection and see it), committed for a test that commits (other connections must see it)."""
    if isinstance(session.bind, Connection):
        session.flush()
    else:
        session.commit()


@contextmanager
def one_commit():
    """Factories inside only add what they make to the session, committed once at the end: one flush, not dozens."""
    token = ONE_COMMIT.set(True)
    try:
        yield
    finally:
        ONE_COMMIT.reset(token)
    db.session.commit()


class UserFactory(BaseFactory):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Learner {n}")
    phone = factory.Sequence(lambda n: f"+86139{n:08d}")
    email = None
    role = Role.LEARNER
    password_hash = TEST_PASSWORD_HASH


class MentorFactory(UserFactory):
    name = factory.Sequence(lambda n: f"Mentor {n}")
    email = factory.Sequence(lambda n: f"mentor{n}@example.org")
    role = Role.MENTOR


class LeadFactory(UserFactory):
    name = factory.Sequence(lambda n: f"Lead {n}")
    email = factory.Sequence(lambda n: f"lead{n}@example.org")
    role = Role.LEAD

    @factory.post_generation
    def programs(self, create, extracted, **kwargs):
        """The programs she leads: ``programs=[...]``, or else every program made before her."""
        if not create:
            return
        if extracted is None:
            LEADS_OF_EVERY_PROGRAM.add((self.id, self.email))
        chosen = extracted if extracted is not None else db.session.scalars(select(Program)).all()
        for program in chosen:
            program.leads.append(self)
        if chosen and not ONE_COMMIT.get():
            persist(db.session)


class AdminFactory(UserFactory):
    name = factory.Sequence(lambda n: f"Admin {n}")
    email = factory.Sequence(lambda n: f"admin{n}@example.org")
    role = Role.ADMIN


class ProgramFactory(BaseFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"County incubator {n}")
    currency = "CNY"

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        """Its leads: ``leads=[...]``, or else every lead made without a choice of programs (she leads them all)."""
        if not create:
            return
        chosen = extracted if extracted is not None else leads_of_every_program()
        self.leads.extend(lead for lead in chosen if lead not in self.leads)
        if chosen and not ONE_COMMIT.get():
            persist(db.session)


def leads_of_every_program() -> list[User]:
    if not LEADS_OF_EVERY_PROGRAM:
        return []
    ids = [lead_id for lead_id, _email in LEADS_OF_EVERY_PROGRAM]
    found = db.session.scalars(select(User).where(User.id.in_(ids), User.role == Role.LEAD)).all()
    return [lead for lead in found if (lead.id, lead.email) in LEADS_OF_EVERY_PROGRAM]


class CohortFactory(BaseFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    province = "江西省"
    city = "上饶市"
    county = "横峰县"
    invite_code = factory.Sequence(lambda n: f"CODE{n:04d}")


class EnrollmentFactory(BaseFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    learner = factory.SubFactory(UserFactory)


class CourseFactory(BaseFactory):
    class Meta:
        model = Course

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "Sell your farm products with short videos."
    language = "en"
    published = True


class ModuleFactory(BaseFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(BaseFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = "reading"
    body = "Choose **one** product you know well."
    position = factory.Sequence(lambda n: n)
    published = True


class QuestionFactory(BaseFactory):
    class Meta:
        model = Question

    lesson = factory.SubFactory(LessonFactory, kind="quiz")
    kind = "single"
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    points = 1
    position = factory.Sequence(lambda n: n)


class OptionFactory(BaseFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Option {n}")
    correct = False
    position = factory.Sequence(lambda n: n)


class RubricCriterionFactory(BaseFactory):
    class Meta:
        model = RubricCriterion

    lesson = factory.SubFactory(LessonFactory, kind="assignment")
    criterion = "The product fills the frame"
    points = 4


class CohortCourseFactory(BaseFactory):
    class Meta:
        model = CohortCourse

    cohort = factory.SubFactory(CohortFactory)
    course = factory.SubFactory(CourseFactory)
    required = True


class GraduationFactory(BaseFactory):
    class Meta:
        model = Graduation

    cohort = factory.SubFactory(CohortFactory)
    learner = factory.LazyAttribute(lambda graduation: EnrollmentFactory(cohort=graduation.cohort).learner)
    graduated_on = date(2025, 10, 15)


class BaselineFactory(BaseFactory):
    class Meta:
        model = Baseline

    learner = factory.SubFactory(UserFactory)
    monthly_income_fen = 200_000
    household_size = 4
    business_status = "idea"


class ReportingConsentFactory(BaseFactory):
    class Meta:
        model = ReportingConsent

    learner = factory.SubFactory(UserFactory)
    granted = True


class FollowUpFactory(BaseFactory):
    class Meta:
        model = FollowUp

    graduation = factory.SubFactory(GraduationFactory)
    learner = factory.SelfAttribute("graduation.learner")
    wave_months = 3
    period_start = date(2024, 4, 1)
    period_end = date(2024, 4, 30)
    monthly_income_fen = 350_050


def graduate(
    cohort: Cohort,
    learner: User | None = None,
    *,
    graduated_on: date = date(2025, 10, 15),
    confirmed_by: User | None = None,
    undone: bool = False,
    baseline_fen: int | None = 200_000,
    consent: bool | None = None,
    **baseline,
) -> Graduation:
    """``learner`` (a new learner of ``cohort`` by default) graduated from ``cohort``.

    With a baseline of ``baseline_fen`` a month (none when None; ``baseline`` sets its other fields) and, unless
    ``consent`` is None, a decision on reporting; ``undone``: the graduation was undone since.
    """
    learner = learner or EnrollmentFactory(cohort=cohort).learner
    undo = {"undone_at": datetime.now(UTC), "undo_reason": "Confirmed by mistake."} if undone else {}
    graduation = GraduationFactory(
        cohort=cohort, learner=learner, graduated_on=graduated_on, confirmed_by=confirmed_by, **undo
    )
    if baseline_fen is not None:
        BaselineFactory(learner=learner, monthly_income_fen=baseline_fen, **baseline)
    if consent is not None:
        ReportingConsentFactory(learner=learner, granted=consent)
    return graduation


def follow_up(graduation: Graduation, wave: int = 3, *, income_fen=350_050, quantities=(), **fields) -> FollowUp:
    """The graduate's follow-up for ``wave`` (months), with ``quantities`` as (product, quantity, unit)."""
    return FollowUpFactory(
        graduation=graduation,
        wave_months=wave,
        monthly_income_fen=income_fen,
        quantities=[FollowUpQuantity(product=p, quantity=Decimal(q), unit=u) for p, q, u in quantities],
        **fields,
    )


@dataclass
class CourseSet:
    """A published course with one published lesson of each kind and one draft lesson."""

    course: Course
    module: Module
    reading: Lesson
    video: Lesson
    quiz: Lesson
    assignment: Lesson
    draft: Lesson


def make_course(program: Program, cohort: Cohort, title: str) -> CourseSet:
    course = CourseFactory(program=program, title=title)
    module = ModuleFactory(course=course, title=f"{title}: first module")
    reading = LessonFactory(module=module, kind="reading", title=f"{title}: reading")
    video = LessonFactory(module=module, kind="video", title=f"{title}: video", transcript="Hold the phone upright.")
    quiz = LessonFactory(module=module, kind="quiz", title=f"{title}: quiz", pass_mark=50, attempts_allowed=3)
    question = QuestionFactory(lesson=quiz, kind="single", prompt="Which light is best for filming?")
    OptionFactory(question=question, text="Soft daylight by a window", correct=True)
    OptionFactory(question=question, text="The midday sun behind you", correct=False)
    assignment = LessonFactory(
        module=module, kind="assignment", title=f"{title}: assignment", due_days=14, accepts="text,video"
    )
    RubricCriterionFactory(lesson=assignment)
    draft = LessonFactory(module=module, kind="reading", title=f"{title}: draft", published=False)
    CohortCourseFactory(cohort=cohort, course=course)
    return CourseSet(course, module, reading, video, quiz, assignment, draft)


@dataclass
class World:
    program: Program
    cohort_a: Cohort
    cohort_b: Cohort
    learner_a: User
    learner_b: User
    mentor_a: User
    mentor_b: User
    lead: User
    admin: User
    courses_a: CourseSet
    courses_b: CourseSet
    other_lead: User  # leads another program only

    def by_role(self, role: str) -> User | None:
        """The person a permission test signs in as for ``role`` (cohort A's, where it matters)."""
        return {
            "anonymous": None,
            "learner": self.learner_a,
            "mentor": self.mentor_a,
            "lead": self.lead,
            "admin": self.admin,
            "other_lead": self.other_lead,
        }[role]

    def graduate(self, *, learner: User | None = None, cohort: Cohort | None = None, **kwargs) -> Graduation:
        """Learner A (or ``learner``) graduated from cohort A (or ``cohort``), confirmed by the lead."""
        return graduate(cohort or self.cohort_a, learner or self.learner_a, confirmed_by=self.lead, **kwargs)


def make_world() -> World:
    with one_commit():
        program = ProgramFactory()
        cohort_a = CohortFactory(program=program, name="Cohort A")
        cohort_b = CohortFactory(program=program, name="Cohort B", county="于都县")
        mentor_a, mentor_b = MentorFactory(), MentorFactory()
        cohort_a.mentors.append(mentor_a)
        cohort_b.mentors.append(mentor_b)
        learner_a = EnrollmentFactory(cohort=cohort_a).learner
        learner_b = EnrollmentFactory(cohort=cohort_b).learner
        courses_a = make_course(program, cohort_a, "Course A")
        courses_b = make_course(program, cohort_b, "Course B")
        return World(
            program,
            cohort_a,
            cohort_b,
            learner_a,
            learner_b,
            mentor_a,
            mentor_b,
            LeadFactory(),
            AdminFactory(),
            courses_a,
            courses_b,
            LeadFactory(name="Lead of another program", programs=[ProgramFactory(name="Another county incubator")]),
        )
