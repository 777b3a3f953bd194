"""On the demo (graduates, ended cohorts, a required and an optional course), progress pages agree with the rules."""

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.models import Cohort
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses.models import CohortCourse, Lesson, Module
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Submission, SubmissionState
from lms.outcomes.models import Graduation
from lms.progress import cohort_services, home_services
from lms.progress.mentor_home import at_risk_learners
from tests.conftest import DEMO_PASSWORD as PASSWORD

WAITING = [SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW]
pytestmark = pytest.mark.demo_seeded  # one seed for the module: each test reads it, what it writes is undone


def demo_cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.id)))


def pairs(rows) -> set[tuple[int, int]]:
    return {tuple(row) for row in rows}


def test_graduates_are_complete_and_not_at_risk_and_the_grid_agrees_with_the_learner_page(app):
    cohorts = demo_cohorts()
    assert db.session.scalar(select(CohortCourse.id).where(CohortCourse.required.is_(False)).limit(1))
    graduated = pairs(db.session.execute(select(Graduation.learner_id, Graduation.cohort_id)))
    assert graduated
    silent = {(row.learner.id, row.cohort.id) for row in at_risk_learners(cohorts, 7, limit=1000)[0]}
    assert not silent & graduated
    for cohort in cohorts:
        at_risk = {row.learner.id for row in cohort_services.learners_at_risk(cohort, 7)}
        assert not {(learner_id, cohort.id) for learner_id in at_risk} & graduated
        assert cohort_services.at_risk_counts([cohort], 7)[cohort.id] == len(at_risk)
        grid = cohort_services.cohort_grid(cohort)
        assert grid.optional_count > 0
        for row in grid.rows:
            learner_page = cohort_services.cohort_percentages(row.learner, [cohort.id])[cohort.id]
            assert row.percent == learner_page.percent, row.learner.name
            if (row.learner.id, cohort.id) in graduated:
                assert row.percent == 100, row.learner.name


def test_no_learner_is_told_to_do_work_that_is_handed_in_or_optional_and_untouched(app, client):
    submissions = select(Submission.learner_id, Submission.lesson_id)
    handed_in = pairs(db.session.execute(submissions.where(Submission.state.in_([*WAITING, SubmissionState.ACCEPTED]))))
    waiting = pairs(db.session.execute(submissions.where(Submission.state.in_(WAITING))))
    assert waiting
    optional_lessons = set(
        db.session.scalars(
            select(Lesson.id)
            .join(Module, Module.id == Lesson.module_id)
            .join(CohortCourse, CohortCourse.course_id == Module.course_id)
            .where(CohortCourse.required.is_(False))
        )
    )
    started_optional = set(
        db.session.scalars(select(Completion.learner_id).where(Completion.lesson_id.in_(optional_lessons)))
    )
    learners = db.session.scalars(select(User).where(User.role == Role.LEARNER)).all()
    for learner in learners:
        home = home_services.learner_home(learner)
        for item in home.due:
            assert (learner.id, item.lesson.id) not in handed_in, (learner.name, item.lesson.title)
            assert item.lesson.id not in optional_lessons or learner.id in started_optional, learner.name
        for card in home.courses:
            if card.next_lesson is not None:
                assert (learner.id, card.next_lesson.id) not in waiting, (learner.name, card.next_lesson.title)

    learner_id, lesson_id = sorted(waiting)[0]
    learner, lesson = db.session.get(User, learner_id), db.session.get(Lesson, lesson_id)
    client.post("/login", data={"login": learner.phone.removeprefix("+86"), "password": PASSWORD})
    html = client.get("/").get_data(as_text=True)
    assert f'/lessons/{lesson.id}"' not in html
    # The starter course opens its next module on submission: she goes on, or her card says it waits.
    card = next(
        card for card in home_services.learner_home(learner).courses if card.entry.course.id == lesson.module.course_id
    )
    assert card.next_lesson is not None or "Waiting for your mentor" in html
