"""The review queue, review turnaround and extensions, as mentors and leads see them."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.core.calendar import program_today, utcnow
from lms.core.extensions import db
from lms.learning.models.submission import Extension, Review, Submission, SubmissionState, SubmissionVersion
from lms.learning.services import review_queue as review_queue_services
from tests.factories import EnrollmentFactory, LessonFactory, MentorFactory


def waiting(learner, lesson, cohort, *, days_ago: float = 0, late: bool = False, state=SubmissionState.SUBMITTED):
    """A submission handed in ``days_ago`` days ago, waiting for review."""
    at = utcnow() - timedelta(days=days_ago)
    submission = Submission(
        lesson=lesson, learner=learner, cohort=cohort, state=state, version_count=1, last_submitted_at=at
    )
    submission.versions.append(SubmissionVersion(number=1, text="My work", submitted_at=at, late=late))
    db.session.add(submission)
    db.session.commit()
    return submission


def many_waiting(world, count: int):
    for _ in range(count):
        learner = EnrollmentFactory(cohort=world.cohort_a).learner
        waiting(learner, world.courses_a.assignment, world.cohort_a)


def test_mentor_sees_only_their_cohorts_oldest_first(client, auth, world):
    newer = waiting(world.learner_a, world.courses_a.assignment, world.cohort_a, days_ago=1)
    other = EnrollmentFactory(cohort=world.cohort_a).learner
    older = waiting(other, world.courses_a.assignment, world.cohort_a, days_ago=2)
    hidden = waiting(world.learner_b, world.courses_b.assignment, world.cohort_b)
    decided = waiting(
        EnrollmentFactory(cohort=world.cohort_a).learner,
        world.courses_a.assignment,
        world.cohort_a,
        state=SubmissionState.ACCEPTED,
    )
    auth.login(world.mentor_a)
    page = client.get("/reviews").text
    assert page.index(f"/submissions/{older.id}/review") < page.index(f"/submissions/{newer.id}/review")
    assert f"/submissions/{hidden.id}/review" not in page
    assert f"/submissions/{decided.id}/review" not in page
    assert "Cohort A (2)" in page
    assert "Cohort B" not in page
    # Another cohort's filter shows nothing of it.
    assert f"/submissions/{hidden.id}/review" not in client.get(f"/reviews?cohort={world.cohort_b.id}").text


def test_lead_sees_every_cohort_with_counts_and_filters(client, auth, world):
    a = waiting(world.learner_a, world.courses_a.assignment, world.cohort_a)
    b = waiting(world.learner_b, world.courses_b.assignment, world.cohort_b)
    auth.login(world.lead)
    page = client.get("/reviews").text
    assert "Cohort A (1)" in page
    assert "Cohort B (1)" in page
    assert "All (2)" in page
    filtered = client.get(f"/reviews?cohort={world.cohort_b.id}").text
    assert f"/submissions/{b.id}/review" in filtered
    assert f"/submissions/{a.id}/review" not in filtered


def test_overdue_work_is_marked_with_its_due_date(client, auth, world):
    world.cohort_a.starts_on = date(2026, 3, 1)
    db.session.commit()
    late = waiting(world.learner_a, world.courses_a.assignment, world.cohort_a, late=True)
    slow = waiting(
        EnrollmentFactory(cohort=world.cohort_a).learner, world.courses_a.assignment, world.cohort_a, days_ago=5
    )
    fresh = waiting(EnrollmentFactory(cohort=world.cohort_a).learner, world.courses_a.assignment, world.cohort_a)
    auth.login(world.mentor_a)
    with client.application.test_request_context():
        rows = db.session.execute(review_queue_services.pending_submissions(world.mentor_a)).all()
        items = {item.submission.id: item for item in review_queue_services.queue_items(rows)}
    assert items[late.id].overdue
    assert items[late.id].late
    assert items[slow.id].overdue
    assert not items[slow.id].late
    assert not items[fresh.id].overdue
    assert items[fresh.id].due_on == date(2026, 3, 15)
    page = client.get("/reviews").text
    assert page.count("Overdue") == 2
    assert "due Mar 15, 2026" in page


@pytest.mark.parametrize("role", ["mentor", "lead"])
def test_queue_query_count_does_not_grow(client, auth, world, count_queries, role):
    auth.login(world.by_role(role))
    many_waiting(world, 3)
    with count_queries() as few:
        assert client.get("/reviews").status_code == 200
    many_waiting(world, 27)
    with count_queries() as many:
        page = client.get("/reviews").text
    assert page.count('/review"') == 30
    assert len(many) == len(few)


def test_turnaround_medians_per_mentor_and_cohort(client, auth, world):
    other = MentorFactory(name="Mentor Chen")
    hours = {world.mentor_a: [1, 3, 8], other: [2, 4, 6, 10]}
    for mentor, values in hours.items():
        for value in values:
            learner = EnrollmentFactory(cohort=world.cohort_a).learner
            submission = waiting(learner, world.courses_a.assignment, world.cohort_a, state=SubmissionState.ACCEPTED)
            db.session.add(
                Review(
                    submission=submission,
                    version=submission.versions[0],
                    mentor=mentor,
                    decision="accepted",
                    turnaround_seconds=value * 3600,
                )
            )
    db.session.commit()
    with client.application.test_request_context():
        by_mentor = {
            row.name: (row.median_hours, row.count) for row in review_queue_services.turnaround_by_mentor(world.lead)
        }
        by_cohort = {
            row.name: (row.median_hours, row.count) for row in review_queue_services.turnaround_by_cohort(world.lead)
        }
    assert by_mentor == {world.mentor_a.name: (3.0, 3), "Mentor Chen": (5.0, 4)}
    assert by_cohort == {"Cohort A": (4.0, 7)}
    # A lead of another program counts none of these reviews.
    with client.application.test_request_context():
        assert review_queue_services.turnaround_by_mentor(world.other_lead) == []
        assert review_queue_services.turnaround_by_cohort(world.other_lead) == []
    auth.login(world.lead)
    page = client.get("/reviews/turnaround").text
    assert "Mentor Chen" in page
    assert "Cohort A" in page


def test_granting_an_extension_twice_keeps_one_row(client, auth, world):
    lesson = world.courses_a.assignment
    auth.login(world.mentor_a)
    url = f"/submissions/extensions?learner={world.learner_a.id}&lesson={lesson.id}"
    page = client.get(url).text
    assert lesson.title in page
    later, latest = program_today() + timedelta(days=30), program_today() + timedelta(days=60)
    for due in (later, latest):
        response = client.post(url, data={"lesson_id": lesson.id, "due_on": due.isoformat()})
        assert response.status_code == 302
    extensions = db.session.scalars(select(Extension)).all()
    assert [(row.lesson_id, row.learner_id, row.due_on) for row in extensions] == [
        (lesson.id, world.learner_a.id, latest)
    ]
    assert extensions[0].granted_by_id == world.mentor_a.id


def test_an_extension_moves_the_due_date_the_learner_sees(client, auth, world):
    lesson = world.courses_a.assignment
    world.cohort_a.starts_on = date(2026, 3, 1)
    db.session.add(Extension(lesson_id=lesson.id, learner_id=world.learner_a.id, due_on=date(2026, 4, 20)))
    db.session.commit()
    auth.login(world.learner_a)
    assert "April 20, 2026" in client.get(f"/lessons/{lesson.id}/submission").text


def test_extensions_refuse_other_cohorts_and_foreign_lessons(client, auth, world):
    auth.login(world.mentor_a)
    # Course B's assignment is not one of learner A's: not a choice.
    response = client.post(
        f"/submissions/extensions?learner={world.learner_a.id}",
        data={"lesson_id": world.courses_b.assignment.id, "due_on": "2027-01-01"},
    )
    assert response.status_code == 400
    response = client.post(
        f"/submissions/extensions?learner={world.learner_b.id}",
        data={"lesson_id": world.courses_b.assignment.id, "due_on": "2027-01-01"},
    )
    assert response.status_code == 404
    for bad in ("2027-02-30", "", "长" * 50):
        response = client.post(
            f"/submissions/extensions?learner={world.learner_a.id}",
            data={"lesson_id": world.courses_a.assignment.id, "due_on": bad},
        )
        assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Extension)) == 0


def test_draft_assignments_are_not_offered_for_extensions(client, auth, world):
    draft = LessonFactory(module=world.courses_a.module, kind="assignment", title="Draft homework", published=False)
    auth.login(world.mentor_a)
    assert draft.title not in client.get(f"/submissions/extensions?learner={world.learner_a.id}").text


def cohort_extension(client, world, **data):
    return client.post(f"/cohorts/{world.cohort_a.id}/extensions", data=data)


def test_one_assignment_gets_a_new_date_for_a_whole_cohort_or_the_learners_ticked(client, auth, world):
    lesson = world.courses_a.assignment
    second = EnrollmentFactory(cohort=world.cohort_a).learner
    third = EnrollmentFactory(cohort=world.cohort_a).learner
    db.session.commit()
    auth.login(world.mentor_a)
    page = client.get(f"/cohorts/{world.cohort_a.id}").text
    assert f'href="/cohorts/{world.cohort_a.id}/extensions"' in page
    page = client.get(f"/cohorts/{world.cohort_a.id}/extensions").text
    assert second.name in page
    assert world.learner_b.name not in page  # cohort B's learner is not offered
    due = program_today() + timedelta(days=10)
    response = cohort_extension(client, world, lesson_id=lesson.id, everyone="all", due_on=due.isoformat())
    assert response.status_code == 302
    extended = dict(db.session.execute(select(Extension.learner_id, Extension.due_on)).all())
    assert extended == {world.learner_a.id: due, second.id: due, third.id: due}
    later = due + timedelta(days=7)
    response = cohort_extension(
        client, world, lesson_id=lesson.id, everyone="chosen", learner_ids=[third.id], due_on=later.isoformat()
    )
    assert response.status_code == 302
    db.session.expire_all()
    extended = dict(db.session.execute(select(Extension.learner_id, Extension.due_on)).all())
    assert extended == {world.learner_a.id: due, second.id: due, third.id: later}
    assert "1 learner now has until" in client.get(response.headers["Location"]).text


def test_a_cohort_extension_needs_a_date_within_a_year_and_someone_to_extend(client, auth, world):
    lesson = world.courses_a.assignment
    auth.login(world.mentor_a)
    today = program_today()
    for bad, message in (
        ((today - timedelta(days=1)).isoformat(), "Choose a date from"),
        ((today + timedelta(days=400)).isoformat(), "Choose a date from"),
        ("2027-02-30", "Give the new due date."),
    ):
        response = cohort_extension(client, world, lesson_id=lesson.id, everyone="all", due_on=bad)
        assert response.status_code == 400
        assert message in response.text
    response = cohort_extension(client, world, lesson_id=lesson.id, everyone="chosen", due_on=today.isoformat())
    assert response.status_code == 400
    assert "Tick the learners who get more time" in response.text
    # Another cohort's learner, or another cohort's assignment, is not a choice.
    response = cohort_extension(
        client,
        world,
        lesson_id=lesson.id,
        everyone="chosen",
        learner_ids=[world.learner_b.id],
        due_on=today.isoformat(),
    )
    assert response.status_code == 400
    response = cohort_extension(
        client, world, lesson_id=world.courses_b.assignment.id, everyone="all", due_on=today.isoformat()
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Extension)) == 0
    # The single learner's form keeps to the same bounds.
    response = client.post(
        f"/submissions/extensions?learner={world.learner_a.id}",
        data={"lesson_id": lesson.id, "due_on": (today + timedelta(days=400)).isoformat()},
    )
    assert response.status_code == 400
    assert "Choose a date from" in response.text
