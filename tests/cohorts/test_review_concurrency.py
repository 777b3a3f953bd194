"""Two mentors deciding at once, or a stale review form: one review, a clear message, nothing lost."""

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Review, Submission, SubmissionState
from lms.learning.services import reviews as review_services
from tests.cohorts.test_submission_pages import (
    hand_in,
    post_review,
    review_fields,
    scores_for,
    second_mentor,  # noqa: F401 - a fixture
    the_submission,
)
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.commits  # mentors decide in threads of their own, each with its own connection


def signed_in_client(app: Flask, person):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/login", data={"login": person.login_name, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def review_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Review))


@pytest.fixture
def handed_in(client, auth, world):
    """Learner A's work for course A's assignment, waiting for review; its id."""
    auth.login(world.learner_a)
    assert hand_in(client, world.courses_a.assignment, text="My price list").status_code == 302
    auth.logout()
    return the_submission(world.learner_a, world.courses_a.assignment).id


def test_two_mentors_deciding_at_the_same_moment_make_one_review(app, world, handed_in, second_mentor):  # noqa: F811
    lesson = world.courses_a.assignment
    mentors = [signed_in_client(app, world.mentor_a), signed_in_client(app, second_mentor)]
    for mentor in mentors:
        assert mentor.get(f"/submissions/{handed_in}/review").status_code == 200
    forms = [
        review_fields(mentors[0], handed_in, decision="accepted", feedback="Lovely light.", **scores_for(lesson)),
        review_fields(mentors[1], handed_in, decision="revision_requested", feedback="Show the price per jin."),
    ]
    barrier = threading.Barrier(2)
    responses: list = [None, None]

    def decide(index):
        with app.app_context():  # the thread's own context, as a server worker would have
            barrier.wait()
            try:
                responses[index] = post_review(mentors[index], handed_in, forms[index])
            except Exception as error:  # a 500 would surface here as an exception in testing mode
                responses[index] = error

    threads = [threading.Thread(target=decide, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302, 409], responses
    loser = next(response for response in responses if response.status_code == 409)
    winner_index = next(index for index, response in enumerate(responses) if response.status_code == 302)
    winner = [world.mentor_a, second_mentor][winner_index]
    assert f"already reviewed by {winner.name}" in loser.text
    loser_feedback = forms[1 - winner_index]["feedback"]
    assert loser_feedback in loser.text  # what they typed is shown back to them
    db.session.expire_all()
    [review] = db.session.scalars(select(Review)).all()
    assert review.mentor_id == winner.id
    submission = db.session.get(Submission, handed_in)
    assert submission.state == review.decision
    completions = db.session.scalar(select(func.count()).select_from(Completion))
    assert completions == (1 if review.decision == "accepted" else 0)


def test_a_stale_form_is_refused_with_the_feedback_kept(app, world, handed_in, second_mentor):  # noqa: F811
    first = signed_in_client(app, world.mentor_a)
    second = signed_in_client(app, second_mentor)
    first.get(f"/submissions/{handed_in}/review")
    stale = review_fields(first, handed_in, decision="revision_requested", feedback="Film it again in daylight.")
    second.get(f"/submissions/{handed_in}/review")
    fresh = review_fields(second, handed_in, decision="revision_requested", feedback="Add a price.")
    assert post_review(second, handed_in, fresh).status_code == 302

    response = post_review(first, handed_in, stale)
    assert response.status_code == 409
    assert "already reviewed by Mentor Chen" in response.text
    assert "Film it again in daylight." in response.text
    assert review_count() == 1


def test_a_form_opened_before_the_learner_changed_the_work_is_refused(app, client, auth, world, handed_in):
    lead = signed_in_client(app, world.lead)
    lead.get(f"/submissions/{handed_in}/review")  # a lead looking does not stop the learner
    stale = review_fields(lead, handed_in, decision="revision_requested", feedback="Crop the photo.")
    auth.login(world.learner_a)
    assert hand_in(client, world.courses_a.assignment, text="My price list, corrected").status_code == 302

    response = post_review(lead, handed_in, stale)
    assert response.status_code == 409
    assert "The learner changed the work after you opened it" in response.text
    assert "Crop the photo." in response.text  # still in the form, which now points at version 2
    assert review_count() == 0
    assert the_submission(world.learner_a, world.courses_a.assignment).state == SubmissionState.SUBMITTED


def test_the_service_decides_once_for_the_same_row_version(app, world, handed_in):
    with app.test_request_context():
        submission = db.session.get(Submission, handed_in)
        seen = review_services.ReviewInput(
            row_version=submission.row_version,
            version_id=submission.versions[-1].id,
            decision="revision_requested",
            feedback="Add the weight.",
        )
        review_services.record_review(submission, world.mentor_a, seen)
        db.session.commit()
        with pytest.raises(review_services.ReviewConflict):
            review_services.record_review(submission, world.mentor_a, seen)
        db.session.rollback()
    assert review_count() == 1
