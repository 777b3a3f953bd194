"""Learners at risk: quiet for N days (configurable) or behind on an assignment; same query count at any size."""

from datetime import UTC, datetime, timedelta

import pytest

from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.learning.models import QuizAttempt
from lms.learning.models.completion import Completion
from lms.learning.services.completions import record_completion
from lms.progress import cohort_services
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    MentorFactory,
    ModuleFactory,
    ProgramFactory,
)

LONG_AGO = utcnow() - timedelta(days=40)


@pytest.fixture
def cohort_month_old(world):
    """Cohort A started a month ago and its learner joined then; the assignment (due after 14 days) is done."""
    world.cohort_a.starts_on = program_today() - timedelta(days=30)
    world.cohort_a.enrollments[0].enrolled_at = LONG_AGO
    db.session.add(Completion(learner=world.learner_a, lesson=world.courses_a.assignment, completed_at=LONG_AGO))
    db.session.commit()
    return world


def risk_names(client, cohort) -> str:
    return client.get(f"/cohorts/{cohort.id}/at-risk").get_data(as_text=True)


def test_a_learner_quiet_for_a_week_is_listed_with_reason_phone_and_page(client, auth, cohort_month_old):
    world = cohort_month_old
    auth.login(world.mentor_a)
    html = risk_names(client, world.cohort_a)
    assert world.learner_a.name in html
    assert "No activity since" in html
    assert f'href="tel:{world.learner_a.phone}"' in html
    assert f"/learners/{world.learner_a.id}" in html


@pytest.mark.parametrize(
    "activity",
    [
        lambda w: record_completion(w.learner_a, w.courses_a.reading),
        lambda w: setattr(w.learner_a, "last_login_at", utcnow() - timedelta(days=2)),
        lambda w: db.session.add(
            QuizAttempt(
                lesson=w.courses_a.quiz,
                learner=w.learner_a,
                number=1,
                score_points=0,
                max_points=1,
                score_percent=0,
                passed=False,
            )
        ),
    ],
    ids=["lesson", "sign-in", "quiz"],
)
def test_any_recent_activity_takes_a_learner_off_the_list(client, auth, cohort_month_old, activity):
    world = cohort_month_old
    activity(world)
    db.session.commit()
    auth.login(world.mentor_a)
    html = risk_names(client, world.cohort_a)
    assert world.learner_a.name not in html
    assert "Nobody in this cohort is at risk now." in html


def test_an_overdue_assignment_puts_an_active_learner_at_risk(client, auth, world):
    world.cohort_a.starts_on = program_today() - timedelta(days=15)  # course A's assignment was due yesterday
    db.session.commit()
    auth.login(world.mentor_a)  # signing in is the learner's own activity, not the mentor's
    html = risk_names(client, world.cohort_a)
    assert world.learner_a.name in html
    assert f"Overdue: “{world.courses_a.assignment.title}”" in html
    assert "No activity" not in html
    world.cohort_a.starts_on = program_today() - timedelta(days=14)  # due today: not overdue yet
    db.session.commit()
    assert world.learner_a.name not in risk_names(client, world.cohort_a)


def test_the_number_of_quiet_days_is_configurable(app, client, auth, world):
    world.cohort_a.starts_on = program_today() - timedelta(days=3)
    world.cohort_a.enrollments[0].enrolled_at = utcnow() - timedelta(days=3)
    db.session.commit()
    auth.login(world.mentor_a)
    assert world.learner_a.name not in risk_names(client, world.cohort_a)
    app.config["LMS_AT_RISK_DAYS"] = 2
    try:
        assert world.learner_a.name in risk_names(client, world.cohort_a)
    finally:
        app.config["LMS_AT_RISK_DAYS"] = 7


def test_the_clock_starts_when_the_cohort_starts(world):
    world.cohort_a.starts_on = program_today() + timedelta(days=5)
    world.cohort_a.enrollments[0].enrolled_at = LONG_AGO
    db.session.commit()
    assert cohort_services.learners_at_risk(world.cohort_a, 7) == []
    assert cohort_services.at_risk_counts([world.cohort_a], 7) == {world.cohort_a.id: 0}


def build(learner_count: int):
    program = ProgramFactory()
    cohort = CohortFactory(program=program, starts_on=program_today() - timedelta(days=30))
    mentor = MentorFactory()
    cohort.mentors.append(mentor)
    module = ModuleFactory(course=CourseFactory(program=program))
    CohortCourseFactory(cohort=cohort, course=module.course)
    lessons = [LessonFactory(module=module, kind="assignment", due_days=days) for days in (3, 6, 9)]
    learners = [EnrollmentFactory(cohort=cohort, enrolled_at=LONG_AGO).learner for _ in range(learner_count)]
    for index, learner in enumerate(learners):
        if index % 2:
            learner.last_login_at = datetime.now(UTC)
        for lesson in lessons[: index % 4]:
            record_completion(learner, lesson)
    db.session.commit()
    return cohort, mentor


def test_at_risk_query_count_does_not_grow_with_learners(client, auth, count_queries):
    counts = []
    for size in (5, 24):
        cohort, mentor = build(size)
        auth.login(mentor)
        with count_queries() as queries:
            html = risk_names(client, cohort)
        assert html.count('class="card at-risk"') == size - size // 4  # those with all three done and active are fine
        counts.append(len(queries))
        with count_queries() as queries:
            assert client.get("/").status_code == 200
        counts.append(len(queries))
        auth.logout()
    assert counts[0] == counts[2], counts  # the at-risk page
    assert counts[1] == counts[3], counts  # the mentor's home, with its at-risk count
