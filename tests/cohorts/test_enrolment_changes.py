"""Moving a learner to another cohort, withdrawing them, pairing them with a mentor; what "in a cohort" means."""

from sqlalchemy import select

from lms.cohorts import policies, services
from lms.cohorts.models import Enrollment, EnrollmentStatus
from lms.core.extensions import db
from lms.courses.policies import can_view_course
from lms.learning.models.completion import Completion
from tests.factories import CohortFactory, EnrollmentFactory, MentorFactory


def enrollment_of(learner, cohort) -> Enrollment:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.learner_id == learner.id, Enrollment.cohort_id == cohort.id)
    )


def test_move_asks_first_then_keeps_the_history(client, auth, world):
    db.session.add(Completion(learner_id=world.learner_a.id, lesson_id=world.courses_a.reading.id))
    db.session.commit()
    auth.login(world.lead)
    url = f"/cohorts/{world.cohort_a.id}/learners/{world.learner_a.id}/move"
    page = client.get(url).text
    assert "Cohort B" in page
    assert "Move learner" in page
    assert enrollment_of(world.learner_a, world.cohort_a).status == EnrollmentStatus.ACTIVE
    response = client.post(url, data={"cohort_id": world.cohort_b.id})
    assert response.status_code == 302
    old = enrollment_of(world.learner_a, world.cohort_a)
    assert old.status == EnrollmentStatus.MOVED
    assert old.left_at is not None
    assert enrollment_of(world.learner_a, world.cohort_b).status == EnrollmentStatus.ACTIVE
    assert db.session.scalar(select(Completion.id).where(Completion.learner_id == world.learner_a.id))
    page = client.get(f"/cohorts/{world.cohort_a.id}").text
    left = page.split('id="left"')[1]
    assert world.learner_a.name in left
    assert "Moved to another cohort" in left
    assert world.learner_a.name not in page.split('id="learners"')[1].split('id="left"')[0]


def test_move_is_refused_to_another_program_or_a_full_cohort(client, auth, world):
    auth.login(world.lead)
    url = f"/cohorts/{world.cohort_a.id}/learners/{world.learner_a.id}/move"
    elsewhere = CohortFactory()
    assert client.post(url, data={"cohort_id": elsewhere.id}).status_code == 200  # not a choice
    world.cohort_b.capacity = 1
    db.session.commit()
    client.post(url, data={"cohort_id": world.cohort_b.id})
    assert "Cohort B is full" in client.get(f"/cohorts/{world.cohort_a.id}").text
    assert enrollment_of(world.learner_a, world.cohort_a).status == EnrollmentStatus.ACTIVE
    assert enrollment_of(world.learner_a, world.cohort_b) is None


def test_withdraw_asks_first_then_keeps_the_history(client, auth, world):
    auth.login(world.lead)
    url = f"/cohorts/{world.cohort_a.id}/learners/{world.learner_a.id}/withdraw"
    assert "Withdraw learner" in client.get(url).text
    client.post(url)
    enrollment = enrollment_of(world.learner_a, world.cohort_a)
    assert enrollment.status == EnrollmentStatus.WITHDRAWN
    assert enrollment.left_at is not None
    assert "Withdrawn" in client.get(f"/cohorts/{world.cohort_a.id}").text
    client.post(url)  # twice: a clear message, nothing changes
    assert "already left" in client.get(f"/cohorts/{world.cohort_a.id}").text


def test_a_learner_who_left_is_no_longer_in_the_cohort_or_its_courses(world):
    assert policies.is_learner_in(world.learner_a, world.cohort_a)
    assert can_view_course(world.learner_a, world.courses_a.course)
    enrollment = enrollment_of(world.learner_a, world.cohort_a)
    enrollment.status = EnrollmentStatus.WITHDRAWN
    db.session.commit()
    assert not policies.is_learner_in(world.learner_a, world.cohort_a)
    assert not can_view_course(world.learner_a, world.courses_a.course)
    assert db.session.execute(services.cohorts_for(world.learner_a)).all() == []
    lead_rows = dict(db.session.execute(services.cohorts_for(world.lead)).all())
    assert lead_rows[world.cohort_a] == 0
    # Their mentor no longer mentors them, and so no longer sees them.
    assert not policies.mentors_learner_now(world.mentor_a, world.learner_a)
    assert not policies.can_view_learner(world.mentor_a, world.learner_a)
    assert policies.can_view_learner(world.lead, world.learner_a)


def test_lead_pairs_a_learner_with_one_of_the_cohorts_mentors(client, auth, world):
    second = MentorFactory(name="Second Mentor")
    world.cohort_a.mentors.append(second)
    db.session.commit()
    auth.login(world.lead)
    url = f"/cohorts/{world.cohort_a.id}/learners/{world.learner_a.id}/mentor"
    client.post(url, data={"mentor_id": second.id})
    assert enrollment_of(world.learner_a, world.cohort_a).mentor_id == second.id
    assert "paired with Second Mentor" in client.get(f"/cohorts/{world.cohort_a.id}").text
    # Not this cohort's mentor: refused, nothing changes.
    client.post(url, data={"mentor_id": world.mentor_b.id})
    assert enrollment_of(world.learner_a, world.cohort_a).mentor_id == second.id
    # A mentor taken off the cohort is unpaired too.
    client.post(f"/cohorts/{world.cohort_a.id}/mentors/{second.id}/remove")
    assert enrollment_of(world.learner_a, world.cohort_a).mentor_id is None
    client.post(url, data={"mentor_id": world.mentor_a.id})
    client.post(url, data={"mentor_id": "0"})
    assert enrollment_of(world.learner_a, world.cohort_a).mentor_id is None


def test_mentor_sees_the_paired_mentor(client, auth, world):
    enrollment = enrollment_of(world.learner_a, world.cohort_a)
    enrollment.mentor_id = world.mentor_a.id
    db.session.commit()
    auth.login(world.mentor_a)
    learners = client.get(f"/cohorts/{world.cohort_a.id}").text.split('id="learners"')[1]
    assert world.mentor_a.name in learners


def test_cohort_page_query_count_does_not_grow_with_learners_who_left(client, auth, world, count_queries):
    auth.login(world.lead)
    url = f"/cohorts/{world.cohort_a.id}"  # read here: reloading the test's cohort is not the page's query

    def queries():
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few = queries()
    for index in range(20):
        status = EnrollmentStatus.ACTIVE if index % 2 else EnrollmentStatus.MOVED
        EnrollmentFactory(cohort=world.cohort_a, status=status, mentor=world.mentor_a)
    assert queries() == few
