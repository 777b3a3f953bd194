"""The learner's home shows unread feedback; the learner's page shows submissions, and check-ins to staff only."""

from datetime import date

import pytest

from lms.cohorts.models import CheckIn
from lms.core.extensions import db
from lms.learning.models.submission import Review, Submission, SubmissionVersion


def reviewed_submission(world, decision="revision_requested") -> Submission:
    submission = Submission(
        lesson=world.courses_a.assignment,
        learner=world.learner_a,
        cohort=world.cohort_a,
        state=decision,
        version_count=1,
    )
    version = SubmissionVersion(submission=submission, number=1, text="My 30-second tea video")
    db.session.add_all([submission, version])
    db.session.flush()
    db.session.add(
        Review(
            submission=submission,
            version=version,
            mentor=world.mentor_a,
            decision=decision,
            feedback="Film in daylight",
        )
    )
    db.session.commit()
    return submission


def test_unread_feedback_is_on_the_learners_home_until_opened(client, auth, world):
    reviewed_submission(world)
    auth.login(world.learner_a)
    home = client.get("/").text
    assert "New feedback from your mentor" in home
    assert f"/lessons/{world.courses_a.assignment.id}/submission" in home
    assert "Revision requested" in home
    client.get(f"/lessons/{world.courses_a.assignment.id}/submission")  # opening the thread reads it
    assert "New feedback from your mentor" not in client.get("/").text


@pytest.mark.parametrize("taken_back", ["lesson", "course"])
def test_feedback_on_work_she_can_no_longer_open_is_not_listed_as_new(client, auth, world, taken_back):
    """The home listed it as new for ever: its link was a 404, so opening it could never mark it read."""
    reviewed_submission(world)
    lesson = world.courses_a.assignment
    if taken_back == "lesson":
        lesson.published = False
    else:
        lesson.module.course.published = False
    db.session.commit()
    auth.login(world.learner_a)
    assert client.get(f"/lessons/{lesson.id}/submission").status_code == 404
    assert "New feedback from your mentor" not in client.get("/").text


def test_learner_page_lists_submissions_and_shows_check_ins_to_staff_only(client, auth, world):
    reviewed_submission(world, decision="accepted")
    db.session.add(
        CheckIn(
            cohort=world.cohort_a,
            learner=world.learner_a,
            mentor=world.mentor_a,
            happened_on=date(2027, 3, 8),
            channel="visit",
            notes="Visited the tea garden",
            next_steps="Open the shop this week",
        )
    )
    db.session.commit()
    auth.login(world.mentor_a)
    staff_view = client.get(f"/learners/{world.learner_a.id}").text
    assert world.courses_a.assignment.title in staff_view
    assert "Accepted" in staff_view
    assert "/submissions/" in staff_view
    assert "Visited the tea garden" in staff_view
    auth.logout()
    auth.login(world.learner_a)
    own_view = client.get(f"/learners/{world.learner_a.id}").text
    assert world.courses_a.assignment.title in own_view
    assert "Visited the tea garden" not in own_view
