"""Cohort progress in SQL: percentages, last activity, the learners × modules grid, learners at risk."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Integer, and_, case, cast, exists, func, or_, select, union_all

from lms.accounts.models import User
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.core.calendar import program_today, program_zone
from lms.core.extensions import db
from lms.core.spreadsheets import spreadsheet_safe
from lms.courses.cohort_lessons import join_cohort_lessons
from lms.courses.models import CohortCourse, Course, Lesson, Module
from lms.learning.models import QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.services.copies import course_family, join_taken_lessons, taken_copy
from lms.learning.services.due_dates import assignment_due_on, due_before, open_assignments
from lms.outcomes.models import Graduation

SORTS = ("name", "total", "activity")
ORDERS = ("asc", "desc")
# Handed in: nothing to do unless a mentor asks for a revision.


def percent(done: int, total: int) -> int:
    """Whole percent, rounded down, of a done/total pair (0 when there is nothing to do)."""
    return done * 100 // total if total else 0


def _percent_sql(done, total):
    # Rounded down on both databases, and 0 when there is nothing to do (no division by zero).
    return cast(case((total > 0, (done * 100) // total), else_=0), Integer)


# ---- Percentages ----


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    percent: int


def cohort_percentages(learner: User, cohort_ids: list[int]) -> dict[int, Progress]:
    """cohort id → the learner's progress through its required, published courses' published lessons."""
    if not cohort_ids:
        return {}
    done = func.count(Completion.id)
    total = func.count(Lesson.id)
    query = (
        join_taken_lessons(
            select(Cohort.id, done, total, _percent_sql(done, total)), Cohort.id, learner.id, required_only=True
        )
        .outerjoin(Completion, and_(Completion.lesson_id == Lesson.id, Completion.learner_id == learner.id))
        .where(Cohort.id.in_(cohort_ids))
        .group_by(Cohort.id)
    )
    found = dict.fromkeys(cohort_ids, Progress(0, 0, 0))
    found.update({cohort_id: Progress(d, t, p) for cohort_id, d, t, p in db.session.execute(query)})
    return found


# ---- Activity and risk ----


def last_activity_by_learner(learner_ids):
    """A subquery: learner_id → the latest completion, quiz attempt or sign-in (``last_activity``)."""
    events = union_all(
        select(Completion.learner_id.label("learner_id"), Completion.completed_at.label("at")).where(
            Completion.learner_id.in_(learner_ids)
        ),
        select(QuizAttempt.learner_id, QuizAttempt.submitted_at).where(QuizAttempt.learner_id.in_(learner_ids)),
        select(User.id, User.last_login_at).where(User.id.in_(learner_ids), User.last_login_at.is_not(None)),
    ).subquery()
    return (
        select(events.c.learner_id, func.max(events.c.at).label("last_activity"))
        .group_by(events.c.learner_id)
        .subquery()
    )


def graduated(learner_column, cohort_column):
    """True where the learner has graduated from the cohort (and the graduation was not undone)."""
    return exists().where(
        Graduation.learner_id == learner_column,
        Graduation.cohort_id == cohort_column,
        Graduation.undone_at.is_(None),
    )


def counted_enrolments(cohort_ids):
    """True for the enrolments at-risk lists and counts look at: active ones (not withdrawn or moved), not graduated.

    A graduate has met the cohort's rules: neither silence nor old due dates put them at risk.
    """
    return and_(
        Enrollment.cohort_id.in_(cohort_ids),
        Enrollment.status == EnrollmentStatus.ACTIVE,
        ~graduated(Enrollment.learner_id, Enrollment.cohort_id),
    )


def silent_since_enrolment(last, days: int, today: date):
    """True where an enrolment (with its Cohort joined) shows no activity in ``last`` for ``days`` days before today.

    The clock starts at enrolment, and not before the cohort itself starts.
    """
    cutoff_day = today - timedelta(days=days)
    cutoff = datetime.combine(cutoff_day, time(), program_zone())
    return and_(
        func.coalesce(last.c.last_activity, Enrollment.enrolled_at) < cutoff,
        or_(Cohort.starts_on.is_(None), Cohort.starts_on <= cutoff_day),
    )


def risk_query(cohorts: list[Cohort], days: int, today: date):
    """A subquery of the active, not graduated enrolments of these cohorts, with activity, inactivity and overdue."""
    ids = [cohort.id for cohort in cohorts]
    overdue = (
        open_assignments(cohorts, counted_enrolments(ids), include_optional=False)
        .where(due_before(cohorts, today))
        .with_only_columns(Enrollment.cohort_id, Enrollment.learner_id, func.count(Lesson.id).label("overdue"))
        .group_by(Enrollment.cohort_id, Enrollment.learner_id)
        .subquery()
    )
    counted = counted_enrolments(ids)
    last = last_activity_by_learner(select(Enrollment.learner_id).where(counted))
    return (
        select(
            Enrollment.cohort_id,
            Enrollment.learner_id,
            last.c.last_activity,
            func.coalesce(last.c.last_activity, Enrollment.enrolled_at).label("silent_since"),
            case((silent_since_enrolment(last, days, today), 1), else_=0).label("inactive"),
            func.coalesce(overdue.c.overdue, 0).label("overdue"),
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .outerjoin(last, last.c.learner_id == Enrollment.learner_id)
        .outerjoin(
            overdue, and_(overdue.c.cohort_id == Enrollment.cohort_id, overdue.c.learner_id == Enrollment.learner_id)
        )
        .where(counted)
        .subquery()
    )


def at_risk(risk):
    """The at-risk rule over a ``risk_query`` row: inactive for the days set, or with an assignment overdue."""
    return or_(risk.c.inactive == 1, risk.c.overdue > 0)


def at_risk_counts(cohorts: list[Cohort], days: int, today: date | None = None) -> dict[int, int]:
    """cohort id → how many of its learners are at risk (inactive for ``days`` days, or overdue), in one query."""
    if not cohorts:
        return {}
    risk = risk_query(cohorts, days, today or program_today())
    query = select(risk.c.cohort_id, func.count()).where(at_risk(risk)).group_by(risk.c.cohort_id)
    counts = dict.fromkeys((cohort.id for cohort in cohorts), 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


@dataclass
class LearnerAtRisk:
    learner: User
    last_activity: datetime | None
    inactive: bool
    overdue: list[tuple[Lesson, date]] = field(default_factory=list)


def learners_at_risk(cohort: Cohort, days: int, today: date | None = None) -> list[LearnerAtRisk]:
    """The cohort's learners with no activity for ``days`` days or with overdue assignments, longest silent first."""
    today = today or program_today()
    risk = risk_query([cohort], days, today)
    query = (
        select(User, risk.c.last_activity, risk.c.inactive)
        .join(risk, risk.c.learner_id == User.id)
        .where(at_risk(risk))
    )
    found = {
        user.id: LearnerAtRisk(user, last_activity, bool(inactive))
        for user, last_activity, inactive in db.session.execute(query)
    }
    overdue = open_assignments([cohort], counted_enrolments([cohort.id]), include_optional=False).where(
        due_before([cohort], today), Enrollment.learner_id.in_(list(found) or [0])
    )
    for _cohort_id, learner_id, lesson, extension in db.session.execute(overdue):
        found[learner_id].overdue.append((lesson, assignment_due_on(lesson, cohort, extension)))
    for row in found.values():
        row.overdue.sort(key=lambda item: (item[1], item[0].id))  # by the date in force, extensions included
    oldest = datetime.min.replace(tzinfo=ZoneInfo("UTC"))
    return sorted(found.values(), key=lambda row: (row.last_activity or oldest, row.learner.name))


# ---- The learners × modules grid ----


@dataclass(frozen=True)
class GridColumn:
    module_id: int
    label: str  # "2.3": the third module of the second course, short enough for a phone
    course_title: str
    module_title: str
    total: int
    required: bool = True  # an optional course's modules are shown, but not counted in the total
    course_id: int = 0
    family: int = 0  # the course's original (``copies.course_family``): copies in other languages share it


@dataclass
class GridRow:
    learner: User
    last_activity: datetime | None
    cells: list[int]  # lessons done per column, in column order
    done: int  # lessons done in the required courses
    total: int  # lessons of the required courses

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)


@dataclass
class CohortGrid:
    cohort: Cohort
    columns: list[GridColumn]  # the required courses' modules first, then the optional ones
    rows: list[GridRow]
    sort: str
    order: str

    @property
    def required_count(self) -> int:
        return sum(1 for column in self.columns if column.required)

    @property
    def optional_count(self) -> int:
        return len(self.columns) - self.required_count


def grid_columns(cohort: Cohort) -> list[GridColumn]:
    """The modules with published lessons of the cohort's published courses: required courses first."""
    family = course_family()
    columns = select(
        Module.id, Module.title, Course.id, Course.title, CohortCourse.required, func.count(Lesson.id), family
    )
    query = (
        join_cohort_lessons(columns.select_from(Cohort), Cohort.id)
        .where(Cohort.id == cohort.id)
        .group_by(Module.id, Module.title, Module.position, Course.id, Course.title, CohortCourse.required, family)
        .order_by(CohortCourse.required.desc(), Course.title, Course.id, Module.position, Module.id)
    )
    columns, course_numbers, module_numbers = [], {}, {}
    for module_id, module_title, course_id, course_title, required, total, family_id in db.session.execute(query):
        course_number = course_numbers.setdefault(course_id, len(course_numbers) + 1)
        module_numbers[course_id] = module_numbers.get(course_id, 0) + 1
        label = f"{course_number}.{module_numbers[course_id]}"
        columns.append(
            GridColumn(module_id, label, course_title, module_title, total, bool(required), course_id, family_id)
        )
    return columns


def cohort_grid(cohort: Cohort, sort: str = "name", order: str = "asc") -> CohortGrid:
    """Every learner of the cohort × every module, counted in SQL: three queries whatever the size.

    The total is over the required courses, as on the learner's page and for graduation.
    """
    sort = sort if sort in SORTS else "name"
    order = order if order in ORDERS else ("desc" if sort != "name" else "asc")
    columns = grid_columns(cohort)
    learner_ids = select(Enrollment.learner_id).where(Enrollment.cohort_id == cohort.id)
    last = last_activity_by_learner(learner_ids)
    learners = db.session.execute(
        select(User, last.c.last_activity)
        .join(Enrollment, Enrollment.learner_id == User.id)
        .outerjoin(last, last.c.learner_id == User.id)
        .where(Enrollment.cohort_id == cohort.id)
    ).all()
    done: dict[tuple[int, int], int] = {}
    if columns and learners:
        cells = (
            select(Completion.learner_id, Lesson.module_id, func.count(Completion.id))
            .join(Lesson, and_(Lesson.id == Completion.lesson_id, Lesson.published.is_(True)))
            .where(
                Completion.learner_id.in_(learner_ids),
                Lesson.module_id.in_([column.module_id for column in columns]),
            )
            .group_by(Completion.learner_id, Lesson.module_id)
        )
        done = {(learner_id, module_id): count for learner_id, module_id, count in db.session.execute(cells)}
    taken = copies_taken(cohort, columns)
    rows = []
    for learner, last_activity in learners:
        row_cells = [done.get((learner.id, column.module_id), 0) for column in columns]
        # The total counts the required courses, of a course in several languages only the copy she takes.
        counted = [
            column.required and (taken is None or column.course_id in taken.get(learner.id, ())) for column in columns
        ]
        required_done = sum(count for count, count_it in zip(row_cells, counted, strict=True) if count_it)
        total = sum(column.total for column, count_it in zip(columns, counted, strict=True) if count_it)
        rows.append(GridRow(learner, last_activity, row_cells, required_done, total))
    return CohortGrid(cohort, columns, sort_rows(rows, sort, order), sort, order)


def copies_taken(cohort: Cohort, columns: list[GridColumn]) -> dict[int, set[int]] | None:
    """learner id → the ids of the courses she takes (``copies.taken_copy``), or None when no course of the grid
    is offered in several languages (then every course counts, and no query is needed)."""
    courses_of_family: dict[int, set[int]] = {}
    for column in columns:
        courses_of_family.setdefault(column.family, set()).add(column.course_id)
    if all(len(courses) < 2 for courses in courses_of_family.values()):
        return None
    query = (
        select(Enrollment.learner_id, CohortCourse.course_id)
        .join(CohortCourse, CohortCourse.cohort_id == Enrollment.cohort_id)
        .join(Course, and_(Course.id == CohortCourse.course_id, Course.published.is_(True)))
        .where(Enrollment.cohort_id == cohort.id, taken_copy(Enrollment.cohort_id, Enrollment.learner_id))
    )
    taken: dict[int, set[int]] = {}
    for learner_id, course_id in db.session.execute(query):
        taken.setdefault(learner_id, set()).add(course_id)
    return taken


def sort_rows(rows: list[GridRow], sort: str, order: str) -> list[GridRow]:
    """Rows by name, total or last activity; ties (and the never-active) fall back to the name."""
    by_name = sorted(rows, key=lambda row: (row.learner.name, row.learner.id), reverse=order == "desc")
    if sort == "name":
        return by_name
    if sort == "total":
        return sorted(by_name, key=lambda row: row.done, reverse=order == "desc")
    active = [row for row in by_name if row.last_activity is not None]
    never = [row for row in by_name if row.last_activity is None]
    return sorted(active, key=lambda row: row.last_activity, reverse=order == "desc") + never


def grid_csv(grid: CohortGrid) -> str:
    """The grid as CSV text: a header row, then one row per learner; times in the program's time zone.

    "Total %" is over the required courses; optional courses' modules say so in their header.
    """
    zone = program_zone()
    out = io.StringIO()
    writer = csv.writer(out)
    modules = [
        spreadsheet_safe(
            f"{column.label} {column.course_title} / {column.module_title}"
            + ("" if column.required else " " + _("(optional course, not in the total)"))
        )
        for column in grid.columns
    ]
    header = [_("Name"), _("Mobile number"), _("Township"), _("Village"), *modules, _("Total %"), _("Last activity")]
    writer.writerow(header)
    for row in grid.rows:
        learner = row.learner
        writer.writerow(
            [
                spreadsheet_safe(learner.name),
                learner.phone or "",
                spreadsheet_safe(learner.township),
                spreadsheet_safe(learner.village),
                *(f"{done}/{column.total}" for done, column in zip(row.cells, grid.columns, strict=True)),
                row.percent,
                row.last_activity.astimezone(zone).isoformat(timespec="seconds") if row.last_activity else "",
            ]
        )
    return out.getvalue()
