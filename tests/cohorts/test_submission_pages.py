"""A learner hands in an assignment, changes it, resubmits after a revision; what each person then sees.

The helpers here (hand_in, post_review, a second mentor) serve the review tests too.
"""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.learning.models.completion import Completion
from lms.learning.models.submission import Review, Submission, SubmissionState, SubmissionVersion
from lms.learning.signals import submission_reviewed, submission_submitted
from lms.media.models import MediaFile
from tests.courses.test_media_samples import png_bytes
from tests.factories import LessonFactory, MentorFactory, RubricCriterionFactory


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def submission_url(lesson) -> str:
    return f"/lessons/{lesson.id}/submission"


def hand_in(client, lesson, **fields):
    """Post the hand-in form; files as (bytes, name) pairs."""
    data = {
        name: (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value for name, value in fields.items()
    }
    return client.post(submission_url(lesson), data=data, content_type="multipart/form-data")


def the_submission(learner, lesson) -> Submission | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Submission).where(Submission.learner_id == learner.id, Submission.lesson_id == lesson.id)
    )


def review_fields(client, submission_id: int, **fields) -> dict:
    """The hidden fields of the review form as the page shows them now, with ``fields`` filled in."""
    submission = db.session.get(Submission, submission_id)
    db.session.refresh(submission)
    return {"row_version": submission.row_version, "version_id": submission.versions[-1].id, **fields}


def post_review(client, submission_id: int, data: dict):
    return client.post(f"/submissions/{submission_id}/review", data=data)


def scores_for(lesson, points: int = 3) -> dict:
    return {f"score_{criterion.id}": str(points) for criterion in lesson.rubric}


@pytest.fixture
def shop_lesson(world):
    """An assignment of course A that accepts every kind, with a rubric of two criteria."""
    lesson = LessonFactory(
        module=world.courses_a.module,
        kind="assignment",
        title="Open your shop",
        accepts="text,link,photo,video,file",
        due_days=7,
    )
    RubricCriterionFactory(lesson=lesson, criterion="The shop has a clear name", points=4)
    RubricCriterionFactory(lesson=lesson, criterion="Prices are shown", points=6)
    return lesson


@pytest.fixture
def second_mentor(world):
    mentor = MentorFactory(name="Mentor Chen")
    world.cohort_a.mentors.append(mentor)
    db.session.commit()
    return mentor


def test_learner_hands_in_text_and_sees_it_waiting(client, auth, world):
    lesson = world.courses_a.assignment
    auth.login(world.learner_a)
    heard = []
    with submission_submitted.connected_to(lambda sender, **extra: heard.append(extra["version"].number)):
        response = hand_in(client, lesson, text="I filmed my tea garden at dawn.")
    assert response.status_code == 302
    submission = the_submission(world.learner_a, lesson)
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.cohort_id == world.cohort_a.id
    assert [version.text for version in submission.versions] == ["I filmed my tea garden at dawn."]
    assert heard == [1]
    page = client.get(submission_url(lesson)).text
    assert "Waiting for your mentor" in page
    assert "I filmed my tea garden at dawn." in page


def test_form_shows_only_the_accepted_kinds(client, auth, world):
    auth.login(world.learner_a)
    page = client.get(submission_url(world.courses_a.assignment)).text  # accepts text and video
    assert 'name="text"' in page
    assert 'name="video"' in page
    assert 'name="link"' not in page
    assert 'name="photo"' not in page
    assert 'name="file"' not in page


def test_the_lesson_page_leads_to_the_hand_in_page(client, auth, world):
    auth.login(world.learner_a)
    page = client.get(f"/lessons/{world.courses_a.assignment.id}").text
    assert submission_url(world.courses_a.assignment) in page


def test_nothing_filled_in_is_refused(client, auth, world):
    auth.login(world.learner_a)
    response = hand_in(client, world.courses_a.assignment, text="   ")
    assert response.status_code == 409
    assert "Add something to hand in" in response.text
    assert count(Submission) == 0


@pytest.mark.parametrize("link", ["ftp://example.org/shop", "javascript:alert(1)", "shop.example.org", "https://"])
def test_a_link_must_be_http_or_https(client, auth, world, shop_lesson, link):
    auth.login(world.learner_a)
    response = hand_in(client, shop_lesson, link=link)
    assert response.status_code == 400
    assert "starting with http:// or https://" in response.text
    assert count(Submission) == 0


def test_a_shop_link_is_handed_in_and_shown_as_a_link(client, auth, world, shop_lesson):
    auth.login(world.learner_a)
    assert hand_in(client, shop_lesson, link="https://shop.example.org/tea").status_code == 302
    page = client.get(submission_url(shop_lesson)).text
    assert 'href="https://shop.example.org/tea"' in page


def test_a_text_file_named_jpg_is_refused_and_nothing_is_written(client, auth, world, shop_lesson):
    auth.login(world.learner_a)
    response = hand_in(client, shop_lesson, text="My shop front", photo=(b"just some text\n", "shop.jpg"))
    assert response.status_code == 400
    assert "This file is not a JPEG, PNG, WebP or HEIC picture." in response.text
    assert count(Submission) == count(SubmissionVersion) == count(MediaFile) == 0


def test_a_photo_is_kept_and_served_to_those_allowed(app, client, auth, world, shop_lesson):
    auth.login(world.learner_a)
    assert hand_in(client, shop_lesson, photo=(png_bytes(), "shop.png")).status_code == 302
    [photo] = the_submission(world.learner_a, shop_lesson).versions[0].files
    url = f"/media/{photo.media_id}"
    assert client.get(url).status_code == 200
    expected = {world.mentor_a: 200, world.lead: 200, world.admin: 200, world.mentor_b: 404, world.learner_b: 404}
    for person, status in expected.items():
        other = app.test_client()
        other.post("/login", data={"login": person.login_name, "password": "correct horse battery"})
        response = other.get(url)
        assert response.status_code == status, person
        if status == 200:
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "Content-Disposition" in response.headers


def test_a_mentor_reading_the_work_does_not_stop_the_learner_changing_it(app, client, auth, world):
    """Opening the review page is a GET: it changes no state. A review of an older version is refused."""
    lesson = world.courses_a.assignment
    auth.login(world.learner_a)
    hand_in(client, lesson, text="First try")
    assert hand_in(client, lesson, text="Second try").status_code == 302
    submission = the_submission(world.learner_a, lesson)
    assert [version.text for version in submission.versions] == ["First try", "Second try"]

    mentor = app.test_client()
    mentor.post("/login", data={"login": world.mentor_a.login_name, "password": "correct horse battery"})
    assert mentor.get(f"/submissions/{submission.id}/review").status_code == 200
    assert the_submission(world.learner_a, lesson).state == SubmissionState.SUBMITTED
    opened = review_fields(mentor, submission.id, decision="accepted", feedback="Good.", **scores_for(lesson))

    assert hand_in(client, lesson, text="Third try").status_code == 302
    assert count(SubmissionVersion) == 3
    response = post_review(mentor, submission.id, opened)
    assert response.status_code == 409
    assert "The learner changed the work after you opened it" in response.text
    assert the_submission(world.learner_a, lesson).state == SubmissionState.SUBMITTED


def test_revision_resubmission_and_acceptance(app, client, auth, world):
    lesson = world.courses_a.assignment
    auth.login(world.learner_a)
    hand_in(client, lesson, text="My price list")
    submission_id = the_submission(world.learner_a, lesson).id

    mentor = app.test_client()
    mentor.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    mentor.post("/login", data={"login": world.mentor_a.login_name, "password": "correct horse battery"})
    mentor.get(f"/submissions/{submission_id}/review")
    reviewed = []
    with submission_reviewed.connected_to(lambda sender, **extra: reviewed.append(extra["review"].decision)):
        fields = review_fields(mentor, submission_id, decision="revision_requested", feedback="Add the weight.")
        assert post_review(mentor, submission_id, fields).status_code == 302
    assert the_submission(world.learner_a, lesson).state == SubmissionState.REVISION_REQUESTED

    page = client.get(submission_url(lesson)).text
    assert "Add the weight." in page
    assert "Revision requested" in page
    assert db.session.scalar(select(Review.read_by_learner_at)) is not None

    assert hand_in(client, lesson, text="My price list, 500 g for 80 yuan").status_code == 302
    assert the_submission(world.learner_a, lesson).state == SubmissionState.SUBMITTED
    assert f"/submissions/{submission_id}/review" in mentor.get("/reviews").text  # back in the queue

    mentor.get(f"/submissions/{submission_id}/review")
    fields = review_fields(mentor, submission_id, decision="accepted", feedback="Well done.", **scores_for(lesson))
    with submission_reviewed.connected_to(lambda sender, **extra: reviewed.append(extra["review"].decision)):
        assert post_review(mentor, submission_id, fields).status_code == 302
    assert reviewed == ["revision_requested", "accepted"]
    submission = the_submission(world.learner_a, lesson)
    assert submission.state == SubmissionState.ACCEPTED
    assert [review.version.number for review in submission.reviews] == [1, 2]
    assert submission.reviews[1].total_points == 3
    assert db.session.scalar(select(func.count()).select_from(Completion)) == 1
    assert "Done" in client.get(f"/lessons/{lesson.id}").text
    thread = client.get(submission_url(lesson)).text
    assert thread.index("Version 1") < thread.index("Add the weight.") < thread.index("Version 2")
    assert "Well done." in thread
    most = sum(criterion.points for criterion in lesson.rubric)
    assert f'<td class="num">3 / {most}</td></tr></tfoot>' in thread  # the total out of the rubric's points
    assert hand_in(client, lesson, text="One more").status_code == 409


def test_accepting_needs_a_score_and_a_revision_needs_feedback(app, client, auth, world):
    lesson = world.courses_a.assignment
    auth.login(world.learner_a)
    hand_in(client, lesson, text="My price list")
    submission_id = the_submission(world.learner_a, lesson).id
    auth.logout()
    auth.login(world.mentor_a)
    client.get(f"/submissions/{submission_id}/review")
    response = post_review(client, submission_id, review_fields(client, submission_id, decision="accepted"))
    assert response.status_code == 400
    assert "Give a score to accept the work." in response.text
    response = post_review(client, submission_id, review_fields(client, submission_id, decision="revision_requested"))
    assert response.status_code == 400
    assert "Tell the learner what to change." in response.text
    too_many = {f"score_{lesson.rubric[0].id}": "99"}
    response = post_review(client, submission_id, review_fields(client, submission_id, decision="accepted", **too_many))
    assert response.status_code == 400
    assert count(Review) == 0


def test_late_work_is_marked_and_an_extension_lifts_it(client, auth, world):
    lesson = world.courses_a.assignment  # due 14 days after the cohort starts
    world.cohort_a.starts_on = utcnow().date() - timedelta(days=30)
    db.session.commit()
    auth.login(world.learner_a)
    hand_in(client, lesson, text="Late, sorry")
    assert the_submission(world.learner_a, lesson).versions[0].late is True
    auth.logout()
    auth.login(world.mentor_a)
    new_due = utcnow().date() + timedelta(days=3)
    response = client.post(
        f"/submissions/extensions?learner={world.learner_a.id}",
        data={"lesson_id": lesson.id, "due_on": new_due.isoformat()},
    )
    assert response.status_code == 302
    assert the_submission(world.learner_a, lesson).versions[0].late is False


def test_learner_of_another_cohort_cannot_hand_in_or_see(client, auth, world):
    auth.login(world.learner_b)
    assert client.get(submission_url(world.courses_a.assignment)).status_code == 404
    assert hand_in(client, world.courses_a.assignment, text="Not mine").status_code == 404
    assert count(Submission) == 0


def test_a_learner_never_sees_another_learners_submission(app, client, auth, world):
    lesson = world.courses_a.assignment
    auth.login(world.learner_a)
    hand_in(client, lesson, text="Mine", video=(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64, "tea.mp4"))
    submission = the_submission(world.learner_a, lesson)
    auth.logout()
    auth.login(world.learner_b)
    assert client.get(f"/submissions/{submission.id}/review").status_code == 403
    assert client.get(f"/media/{submission.versions[0].files[0].media_id}").status_code == 404
    assert "Mine" not in client.get(submission_url(world.courses_b.assignment)).text


def test_mentor_of_cohort_b_reaches_nothing_of_cohort_a(client, auth, world):
    lesson = world.courses_a.assignment
    auth.login(world.learner_a)
    hand_in(client, lesson, text="Mine", video=(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64, "tea.mp4"))
    submission = the_submission(world.learner_a, lesson)
    auth.logout()
    auth.login(world.mentor_b)
    assert client.get(f"/submissions/{submission.id}/review").status_code == 404
    assert (
        post_review(client, submission.id, review_fields(client, submission.id, decision="accepted")).status_code == 404
    )
    assert client.get(f"/media/{submission.versions[0].files[0].media_id}").status_code == 404
    assert client.get(f"/submissions/extensions?learner={world.learner_a.id}").status_code == 404
    assert "Mine" not in client.get("/reviews").text
    assert f"/submissions/{submission.id}/" not in client.get("/reviews").text
    assert the_submission(world.learner_a, lesson).state == SubmissionState.SUBMITTED


def score_input(page: str, criterion) -> str:
    """The <input> tag of one criterion's score on a review page."""
    before, after = page.split(f'name="score_{criterion.id}"')
    return before.rsplit("<input", 1)[1] + after.split(">", 1)[0]


def test_the_review_of_version_2_starts_from_the_scores_given_to_version_1(app, client, auth, world):
    lesson = world.courses_a.assignment
    auth.login(world.learner_a)
    hand_in(client, lesson, text="My price list")
    submission_id = the_submission(world.learner_a, lesson).id
    mentor = app.test_client()
    mentor.post("/login", data={"login": world.mentor_a.login_name, "password": "correct horse battery"})
    first = mentor.get(f"/submissions/{submission_id}/review").text
    assert all('value="2"' not in score_input(first, criterion) for criterion in lesson.rubric)
    fields = review_fields(
        mentor, submission_id, decision="revision_requested", feedback="Add the weight.", **scores_for(lesson, 2)
    )
    assert post_review(mentor, submission_id, fields).status_code == 302
    assert hand_in(client, lesson, text="My price list, 500 g for 80 yuan").status_code == 302
    second = mentor.get(f"/submissions/{submission_id}/review").text
    assert all('value="2"' in score_input(second, criterion) for criterion in lesson.rubric)


def test_photos_show_as_thumbnails_and_videos_play_in_the_page(app, client, auth, world, shop_lesson):
    auth.login(world.learner_a)
    assert hand_in(client, shop_lesson, photo=(png_bytes(), "shop.png")).status_code == 302
    video = (b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64, "tea.mp4")
    assert hand_in(client, world.courses_a.assignment, text="My video", video=video).status_code == 302
    photo_id = the_submission(world.learner_a, shop_lesson).versions[0].files[0].media_id
    video_id = the_submission(world.learner_a, world.courses_a.assignment).versions[0].files[0].media_id
    thumbnail = f'<img class="submitted-photo" src="/media/{photo_id}" alt="" loading="lazy">Photo: '
    assert f'<a href="/media/{photo_id}">{thumbnail}' in client.get(submission_url(shop_lesson)).text
    mentor = app.test_client()
    mentor.post("/login", data={"login": world.mentor_a.login_name, "password": "correct horse battery"})
    submission = the_submission(world.learner_a, world.courses_a.assignment)
    page = mentor.get(f"/submissions/{submission.id}/review").text
    assert f'<video class="submitted-video" src="/media/{video_id}" controls preload="none"' in page


SHARE_TEXT = "【快手小店】赣南脐橙 5斤装 https://v.kuaishou.com/abc123 打开快手查看"


def test_the_link_is_taken_out_of_pasted_share_text(client, auth, world, shop_lesson):
    auth.login(world.learner_a)
    assert hand_in(client, shop_lesson, link=SHARE_TEXT).status_code == 302
    assert the_submission(world.learner_a, shop_lesson).versions[0].link == "https://v.kuaishou.com/abc123"


def test_photos_chosen_stay_held_when_something_else_is_refused(client, auth, world, shop_lesson):
    auth.login(world.learner_a)
    photos = [(io.BytesIO(png_bytes()), "front.png"), (io.BytesIO(png_bytes(3, 3)), "shelf.png")]
    response = client.post(
        submission_url(shop_lesson),
        data={"link": "shop.example.org", "photo": photos},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "starting with http:// or https://" in response.text
    held = db.session.scalars(select(MediaFile).order_by(MediaFile.id)).all()
    assert [media.original_name.rsplit(".", 1)[0] for media in held] == ["front", "shelf"]  # stored re-encoded
    for media in held:
        assert f'name="held_photo" value="{media.id}" checked' in response.text
    assert count(Submission) == 0
    # Sent again with the link put right and no photo chosen anew: both photos are handed in.
    other = MediaFile(kind="image", path="image/2027/someone-else.png", content_type="image/png", size_bytes=1)
    db.session.add(other)
    db.session.commit()
    response = client.post(
        submission_url(shop_lesson),
        data={"link": "https://shop.example.org/tea", "held_photo": [str(held[0].id), str(held[1].id), str(other.id)]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    files = the_submission(world.learner_a, shop_lesson).versions[0].files
    assert sorted(item.media_id for item in files) == [held[0].id, held[1].id]  # not a file she did not upload
