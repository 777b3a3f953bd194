"""Due lists and at-risk lists honour extensions and count active enrolments only, in a fixed number of queries."""

from datetime import datetime, time, timedelta

import pytest
from flask_babel import format_date

from lms.cohorts.models import EnrollmentStatus
from lms.core.calendar import program_today, program_zone, utcnow
from lms.core.extensions import db
from lms.learning.services.completions import record_completion
from lms.learning.services.extensions import grant_extension
from lms.progress import cohort_services, home_services
from lms.progress.mentor_home import at_risk_learners
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    MentorFactory,
    ModuleFactory,
    ProgramFactory,
    UserFactory,
)

LONG_AGO = utcnow() - timedelta(days=40)


def due(learner) -> dict[str, tuple]:
    """title → (due date, overdue) on the learner's home."""
    return {item.lesson.title: (item.due_on, item.overdue) for item in home_services.learner_home(learner).due}


def overdue_on_risk_page(cohort, learner) -> list[tuple] | None:
    """(title, due date) of the learner's overdue work on the cohort's at-risk page; None when not listed."""
    rows = {row.learner.id: row for row in cohort_services.learners_at_risk(cohort, 7)}
    if learner.id not in rows:
        return None
    return [(lesson.title, due_on) for lesson, due_on in rows[learner.id].overdue]


@pytest.fixture
def late(world):
    """Cohort A started 20 days ago: course A's assignment (due on day 14) is 6 days late. Its learner signed in."""
    world.cohort_a.starts_on = program_today() - timedelta(days=20)
    world.learner_a.last_login_at = utcnow()
    for lesson in (world.courses_a.reading, world.courses_a.video, world.courses_a.quiz):
        record_completion(world.learner_a, lesson)
    db.session.commit()
    world.cohort_date = world.cohort_a.starts_on + timedelta(days=14)
    return world


def extend(world, days_from_today: int, learner=None, lesson=None):
    grant_extension(
        lesson or world.courses_a.assignment,
        learner or world.learner_a,
        program_today() + timedelta(days=days_from_today),
        world.mentor_a,
    )
    db.session.commit()


# ---- Extensions ----


def test_a_learner_given_an_extension_sees_the_new_date_and_is_not_overdue(client, auth, late):
    world, title = late, late.courses_a.assignment.title
    assert due(world.learner_a) == {title: (world.cohort_date, True)}
    extend(world, 3)
    extended = program_today() + timedelta(days=3)
    assert due(world.learner_a) == {title: (extended, False)}
    auth.login(world.learner_a)
    html = client.get("/").get_data(as_text=True)
    section = html.split("Assignments due")[1].split("</section>")[0]
    assert "Overdue" not in section
    assert format_date(extended) in section


def test_an_extension_beyond_the_coming_week_takes_the_work_off_the_due_list(late):
    extend(late, 10)
    assert due(late.learner_a) == {}
    extend(late, 7)  # the last day the list looks ahead
    assert list(due(late.learner_a)) == [late.courses_a.assignment.title]


def test_an_extension_due_today_is_not_overdue_and_one_already_past_is(late):
    title = late.courses_a.assignment.title
    extend(late, 0)
    assert due(late.learner_a) == {title: (program_today(), False)}
    assert overdue_on_risk_page(late.cohort_a, late.learner_a) is None
    extend(late, -1)  # granted again, and already past too
    yesterday = program_today() - timedelta(days=1)
    assert due(late.learner_a) == {title: (yesterday, True)}
    assert overdue_on_risk_page(late.cohort_a, late.learner_a) == [(title, yesterday)]


def test_a_learner_with_an_extension_is_not_at_risk_before_it_ends(client, auth, late):
    world = late
    title = world.courses_a.assignment.title
    assert overdue_on_risk_page(world.cohort_a, world.learner_a) == [(title, world.cohort_date)]
    assert cohort_services.at_risk_counts([world.cohort_a], 7) == {world.cohort_a.id: 1}
    extend(world, 2)
    assert overdue_on_risk_page(world.cohort_a, world.learner_a) is None
    assert cohort_services.at_risk_counts([world.cohort_a], 7) == {world.cohort_a.id: 0}
    auth.login(world.mentor_a)
    assert "Nobody in this cohort is at risk now." in client.get(f"/cohorts/{world.cohort_a.id}/at-risk").text
    assert "0 learners at risk" in client.get("/").text


def test_an_extension_is_one_learners_and_one_lessons(late):
    world = late
    other = EnrollmentFactory(cohort=world.cohort_a, learner=UserFactory(last_login_at=utcnow())).learner
    second = LessonFactory(module=world.courses_a.module, kind="assignment", title="Price list", due_days=10)
    db.session.commit()
    extend(world, 5)
    assert due(world.learner_a)["Price list"][1] is True  # the other assignment keeps the cohort's date
    assert set(due(other)) == {world.courses_a.assignment.title, second.title}
    assert all(overdue for _due_on, overdue in due(other).values())
    assert [title for title, _on in overdue_on_risk_page(world.cohort_a, world.learner_a)] == ["Price list"]
    assert cohort_services.at_risk_counts([world.cohort_a], 7) == {world.cohort_a.id: 2}


def test_an_extension_dates_an_assignment_the_cohort_left_undated(late):
    world = late
    undated = LessonFactory(module=world.courses_a.module, kind="assignment", title="Business plan")
    db.session.commit()
    assert "Business plan" not in due(world.learner_a)
    extend(world, -2, lesson=undated)
    two_days_ago = program_today() - timedelta(days=2)
    assert due(world.learner_a)["Business plan"] == (two_days_ago, True)
    assert ("Business plan", two_days_ago) in overdue_on_risk_page(world.cohort_a, world.learner_a)


def test_an_extension_counts_in_a_cohort_without_a_start_date(late):
    world = late
    world.cohort_a.starts_on = None
    db.session.commit()
    assert due(world.learner_a) == {}
    extend(world, -1)
    assert overdue_on_risk_page(world.cohort_a, world.learner_a) == [
        (world.courses_a.assignment.title, program_today() - timedelta(days=1))
    ]


def test_the_at_risk_page_lists_overdue_work_by_the_date_in_force(late):
    world = late
    LessonFactory(module=world.courses_a.module, kind="assignment", title="Price list", due_days=16)
    db.session.commit()
    extend(world, -1)  # the first assignment is now due after the second
    titles = [title for title, _on in overdue_on_risk_page(world.cohort_a, world.learner_a)]
    assert titles == ["Price list", world.courses_a.assignment.title]


def test_the_assignments_page_shows_the_learner_the_extended_date(client, auth, late, count_queries):
    world = late
    url = f"/lessons/{world.courses_a.assignment.id}"
    auth.login(world.learner_a)
    client.get(url)  # the course's outline is kept from the first page on
    with count_queries() as before:
        assert format_date(world.cohort_date, "long") in client.get(url).text
    extend(world, 3)
    with count_queries() as after:
        html = client.get(url).text
    assert format_date(program_today() + timedelta(days=3), "long") in html
    assert format_date(world.cohort_date, "long") not in html
    assert len(after) == len(before)


def test_an_undated_assignments_page_shows_an_extensions_date(client, auth, late):
    world = late
    undated = LessonFactory(module=world.courses_a.module, kind="assignment", title="Business plan")
    db.session.commit()
    auth.login(world.learner_a)
    assert "Due" not in client.get(f"/lessons/{undated.id}").text.split("<dl")[1].split("</dl>")[0]
    extend(world, 4, lesson=undated)
    facts = client.get(f"/lessons/{undated.id}").text.split("<dl")[1].split("</dl>")[0]
    assert format_date(program_today() + timedelta(days=4), "long") in facts


# ---- Active enrolments only ----


def silent_learner(cohort, name: str, status=EnrollmentStatus.ACTIVE):
    learner = UserFactory(name=name)
    EnrollmentFactory(cohort=cohort, learner=learner, enrolled_at=LONG_AGO, status=status)
    return learner


@pytest.fixture
def enrolment_states(world):
    """Cohort A, a month old: silent learners who are active, withdrawn, or moved to cohort B; all overdue."""
    world.cohort_a.starts_on = world.cohort_b.starts_on = program_today() - timedelta(days=30)
    world.cohort_a.enrollments[0].enrolled_at = LONG_AGO
    world.still_here = silent_learner(world.cohort_a, "Still here")
    world.withdrawn = silent_learner(world.cohort_a, "Gave up", EnrollmentStatus.WITHDRAWN)
    world.moved = silent_learner(world.cohort_a, "Went to B", EnrollmentStatus.MOVED)
    EnrollmentFactory(cohort=world.cohort_b, learner=world.moved, enrolled_at=LONG_AGO)
    db.session.commit()
    return world


def test_withdrawn_and_moved_learners_are_at_risk_on_no_list(client, auth, enrolment_states):
    world = enrolment_states
    active = {world.learner_a.id, world.still_here.id}
    assert {row.learner.id for row in cohort_services.learners_at_risk(world.cohort_a, 7)} == active
    assert cohort_services.at_risk_counts([world.cohort_a], 7) == {world.cohort_a.id: 2}
    silent, total = at_risk_learners([world.cohort_a], 7)
    assert {row.learner.id for row in silent} == active
    assert total == 2
    auth.login(world.mentor_a)
    page = client.get(f"/cohorts/{world.cohort_a.id}/at-risk").text
    assert "Still here" in page
    assert "Gave up" not in page
    assert "Went to B" not in page
    assert "2 learners at risk" in client.get("/").text
    mentor_home = client.get("/").text
    assert 'class="at-risk-count">2<' in mentor_home


def test_a_moved_learner_is_at_risk_in_the_cohort_they_moved_to(enrolment_states):
    world = enrolment_states
    in_b = {row.learner.id for row in cohort_services.learners_at_risk(world.cohort_b, 7)}
    assert world.moved.id in in_b
    assert overdue_on_risk_page(world.cohort_b, world.moved) == [
        (world.courses_b.assignment.title, world.cohort_b.starts_on + timedelta(days=14))
    ]
    assert overdue_on_risk_page(world.cohort_a, world.moved) is None


def test_the_mentor_home_and_the_at_risk_page_list_the_same_learners(enrolment_states):
    """One rule of risk; silence counts calendar days in the program's zone, from enrolment, not before the start."""
    world = enrolment_states
    cutoff = datetime.combine(program_today() - timedelta(days=7), time(), program_zone())
    just_before = silent_learner(world.cohort_a, "Just before")
    just_before.last_login_at = cutoff - timedelta(seconds=1)
    just_after = silent_learner(world.cohort_a, "Just after")
    just_after.last_login_at = cutoff + timedelta(seconds=1)
    db.session.commit()
    rows = cohort_services.learners_at_risk(world.cohort_a, 7)
    home, total = at_risk_learners([world.cohort_a], 7, limit=100)
    assert {row.learner.id for row in rows} == {row.learner.id for row in home}
    assert total == len(rows) == cohort_services.at_risk_counts([world.cohort_a], 7)[world.cohort_a.id]
    silent = {row.learner.id for row in rows if row.inactive}
    assert just_before.id in silent
    assert just_after.id not in silent  # at risk all the same: every learner here has work overdue


# ---- Query counts ----


def build(size: int):
    """A month-old cohort of ``size`` learners: some with extensions (past and future), some withdrawn or moved."""
    program = ProgramFactory()
    cohort = CohortFactory(program=program, starts_on=program_today() - timedelta(days=30))
    mentor = MentorFactory()
    cohort.mentors.append(mentor)
    module = ModuleFactory(course=CourseFactory(program=program))
    CohortCourseFactory(cohort=cohort, course=module.course)
    tasks = [LessonFactory(module=module, kind="assignment", due_days=days) for days in (3, 29, 40)]
    learners = []
    for index in range(size):
        status = [EnrollmentStatus.ACTIVE, EnrollmentStatus.ACTIVE, EnrollmentStatus.WITHDRAWN, EnrollmentStatus.MOVED]
        learner = EnrollmentFactory(cohort=cohort, enrolled_at=LONG_AGO, status=status[index % 4]).learner
        learners.append(learner)
        for offset, task in enumerate(tasks):
            if (index + offset) % 3:
                grant_extension(task, learner, program_today() + timedelta(days=(index % 5) - 2), mentor)
    db.session.commit()
    return cohort, mentor, learners


def test_query_counts_do_not_grow_with_extensions_or_enrolment_changes(client, auth, count_queries):
    counts: dict[str, list[int]] = {}
    for size in (4, 40):
        cohort, mentor, learners = build(size)
        auth.login(mentor)
        for url in (f"/cohorts/{cohort.id}/at-risk", "/"):
            with count_queries() as queries:
                html = client.get(url).get_data(as_text=True)
            counts.setdefault(url.split("/")[-1] or "home", []).append(len(queries))
            if url.endswith("at-risk"):
                for index, learner in enumerate(learners):
                    assert (f"/learners/{learner.id}" in html) == (index % 4 < 2), index  # active ones only
        auth.logout()
        auth.login(learners[0])  # extensions on two of the three assignments
        with count_queries() as queries:
            assert client.get("/").status_code == 200
        counts.setdefault("learner home", []).append(len(queries))
        auth.logout()
    assert all(small == large for small, large in counts.values()), counts
