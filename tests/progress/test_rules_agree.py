"""Rules every page reads the same way: a moved learner's due dates, module locks, check-in notes, learners at risk.

Each of these once had two implementations that disagreed; each test looks at every page that shows the rule.
"""

from datetime import date, timedelta

import pytest
from flask_babel import format_date

from lms.cohorts.checkins.services import log_check_in
from lms.cohorts.enrolment.services import move_learner
from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.learning.services.completions import record_completion
from lms.progress import cohort_services
from lms.progress.mentor_home import at_risk_learners
from tests.factories import CohortCourseFactory, CohortFactory, EnrollmentFactory, LessonFactory, ModuleFactory

LONG_AGO = utcnow() - timedelta(days=60)


def long_date(app, day: date) -> str:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        return format_date(day, "long")


def test_a_moved_learners_due_date_is_the_new_cohorts_on_the_lesson_and_on_the_thread(app, client, auth, world):
    """Moved from an early cohort to a later one: the lesson page and the submission thread give the later date."""
    world.cohort_a.starts_on = program_today() - timedelta(days=30)
    later = CohortFactory(program=world.program, name="Later intake", starts_on=program_today() + timedelta(days=7))
    CohortCourseFactory(cohort=later, course=world.courses_a.course)
    db.session.commit()
    move_learner(world.cohort_a.enrollments[0], later)
    db.session.commit()
    assignment = world.courses_a.assignment
    new_date = long_date(app, later.starts_on + timedelta(days=assignment.due_days))
    old_date = long_date(app, world.cohort_a.starts_on + timedelta(days=assignment.due_days))
    auth.login(world.learner_a)
    for url in (f"/lessons/{assignment.id}", f"/lessons/{assignment.id}/submission"):
        page = client.get(url).text
        assert new_date in page, url
        assert old_date not in page, url


@pytest.fixture
def three_modules(world):
    """A sequential course of three modules; the learner finished modules 1 and 2, then module 1 gained a lesson."""
    course = world.courses_a.course
    course.sequential = True
    first = world.courses_a.module
    first.position = 1  # factory positions run on across tests
    second = ModuleFactory(course=course, title="Second module", position=2)
    third = ModuleFactory(course=course, title="Third module", position=3)
    world.second_reading = LessonFactory(module=second, kind="reading", title="Second reading")
    world.third_reading = LessonFactory(module=third, kind="reading", title="Third reading")
    world.third_task = LessonFactory(module=third, kind="assignment", title="Third task", accepts="text")
    db.session.commit()
    for lesson in [*first.lessons, world.second_reading]:
        if lesson.published:
            record_completion(world.learner_a, lesson)
    world.new_lesson = LessonFactory(module=first, kind="reading", title="A lesson added later", position=10**6)
    db.session.commit()
    return world


def test_locks_agree_on_the_course_page_the_lesson_page_and_the_submission(client, auth, three_modules):
    """A lesson added to module 1 locks every module after it: module 3 does not open because module 2 is done."""
    world = three_modules
    auth.login(world.learner_a)
    course_page = client.get(f"/courses/{world.courses_a.course.id}").text
    first = world.courses_a.module.title
    assert course_page.count(f"Locked: finish “{first}” to open this module.") == 2  # modules 2 and 3
    for lesson in (world.second_reading, world.third_reading, world.third_task):
        response = client.get(f"/lessons/{lesson.id}")
        assert response.status_code == 403, lesson.title
        assert f"Finish “{first}” first" in response.text, lesson.title
    thread = client.get(f"/lessons/{world.third_task.id}/submission")
    assert thread.status_code == 403
    handed = client.post(f"/lessons/{world.third_task.id}/submission", data={"text": "My price list"})
    assert handed.status_code == 403
    assert client.get(f"/lessons/{world.new_lesson.id}").status_code == 200


def test_a_former_mentor_sees_no_notes_and_the_new_one_only_her_cohorts(client, auth, world):
    """Moved from cohort A to B: mentor A sees neither page; mentor B reads B's notes, none of A's; the lead both."""
    learner = world.learner_a
    log_check_in(
        world.cohort_a,
        learner,
        world.mentor_a,
        {"happened_on": date(2026, 3, 1), "channel": "call", "notes": "Notes in A"},
    )
    move_learner(world.cohort_a.enrollments[0], world.cohort_b)
    db.session.commit()
    log_check_in(
        world.cohort_b,
        learner,
        world.mentor_b,
        {"happened_on": date(2026, 4, 1), "channel": "visit", "notes": "Notes in B"},
    )
    db.session.commit()
    auth.login(world.mentor_a)
    for url in (f"/learners/{learner.id}", f"/cohorts/{world.cohort_a.id}/learners/{learner.id}/check-ins"):
        assert client.get(url).status_code == 404, url
    auth.logout()
    auth.login(world.mentor_b)
    for url in (f"/learners/{learner.id}", f"/cohorts/{world.cohort_b.id}/learners/{learner.id}/check-ins"):
        page = client.get(url).text
        assert "Notes in B" in page, url
        assert "Notes in A" not in page, url
    assert client.get(f"/cohorts/{world.cohort_a.id}/learners/{learner.id}/check-ins").status_code == 404
    auth.logout()
    auth.login(world.lead)
    page = client.get(f"/learners/{learner.id}").text
    assert "Notes in A" in page
    assert "Notes in B" in page


def test_both_mentor_homes_count_the_learners_the_at_risk_page_lists(client, auth, world):
    """Active yesterday, yet an assignment overdue: at risk on the home, the mentor's home and the at-risk page."""
    cohort = world.cohort_a
    cohort.starts_on = program_today() - timedelta(days=30)  # the assignment was due on day 14
    busy = EnrollmentFactory(cohort=cohort, enrolled_at=LONG_AGO).learner
    busy.last_login_at = utcnow() - timedelta(days=1)
    silent = EnrollmentFactory(cohort=cohort, enrolled_at=LONG_AGO).learner
    world.learner_a.last_login_at = utcnow()
    db.session.commit()
    listed = {row.learner.id for row in cohort_services.learners_at_risk(cohort, 7)}
    assert {busy.id, silent.id} <= listed
    rows, total = at_risk_learners([cohort], 7)
    assert {row.learner.id for row in rows} == listed
    assert total == len(listed) == cohort_services.at_risk_counts([cohort], 7)[cohort.id]
    auth.login(world.mentor_a)
    assert f"{len(listed)} learners at risk" in client.get("/").text
    assert f'class="at-risk-count">{len(listed)}<' in client.get("/").text
    at_risk_page = client.get(f"/cohorts/{cohort.id}/at-risk").text
    assert busy.name in at_risk_page
    assert silent.name in at_risk_page


def test_an_assignment_in_a_locked_module_is_never_due_or_overdue(client, auth, three_modules):
    """Past its date, yet locked behind module 1: not on the home's due list, not overdue on the at-risk page."""
    world = three_modules
    cohort = world.cohort_a
    cohort.starts_on = program_today() - timedelta(days=30)
    world.third_task.due_days = 3
    world.courses_a.assignment.due_days = None  # module 1's own assignment is not what this test is about
    db.session.commit()
    auth.login(world.learner_a)
    assert "Third task" not in client.get("/").text
    overdue = {row.learner.id: row.overdue for row in cohort_services.learners_at_risk(cohort, 7)}
    assert [lesson.title for lesson, _due in overdue.get(world.learner_a.id, [])] == []
    record_completion(world.learner_a, world.new_lesson)  # module 1 complete again: everything opens
    db.session.commit()
    assert "Third task" in client.get("/").text
    overdue = {row.learner.id: row.overdue for row in cohort_services.learners_at_risk(cohort, 7)}
    assert [lesson.title for lesson, _due in overdue[world.learner_a.id]] == ["Third task"]
