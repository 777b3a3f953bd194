"""A learner who moved to another cohort is her new mentor's: the old one sees nothing, the new one her notes there."""

from datetime import date

import pytest

from lms.cohorts.checkins.services import log_check_in
from lms.cohorts.models import EnrollmentStatus
from lms.core.extensions import db
from tests.cohorts.test_enrolment_changes import enrollment_of
from tests.factories import EnrollmentFactory

NOTE_A = "Talked about her tea prices in cohort A."
NOTE_B = "Her first livestream in cohort B went well."


@pytest.fixture
def moved(world):
    """Learner A, with a check-in in cohort A, moved to cohort B, where she has one too."""
    learner = world.learner_a
    log_check_in(
        world.cohort_a, learner, world.mentor_a, {"happened_on": date(2027, 3, 2), "channel": "call", "notes": NOTE_A}
    )
    enrollment_of(learner, world.cohort_a).status = EnrollmentStatus.MOVED
    EnrollmentFactory(cohort=world.cohort_b, learner=learner)
    log_check_in(
        world.cohort_b, learner, world.mentor_b, {"happened_on": date(2027, 4, 2), "channel": "call", "notes": NOTE_B}
    )
    db.session.commit()
    return learner


def test_the_old_mentor_no_longer_sees_her_page_phone_notes_or_support(client, auth, world, moved):
    auth.login(world.mentor_a)
    assert client.get(f"/learners/{moved.id}").status_code == 404
    assert client.get(f"/learners/{moved.id}/support").status_code == 404
    assert client.get(f"/cohorts/{world.cohort_a.id}/learners/{moved.id}/check-ins").status_code == 404
    assert client.get(f"/cohorts/{world.cohort_b.id}/learners/{moved.id}/check-ins").status_code == 404


def test_the_new_mentor_reads_only_her_new_cohorts_notes(client, auth, world, moved):
    auth.login(world.mentor_b)
    page = client.get(f"/learners/{moved.id}").text
    assert NOTE_B in page
    assert NOTE_A not in page
    notes = client.get(f"/cohorts/{world.cohort_b.id}/learners/{moved.id}/check-ins").text
    assert NOTE_B in notes
    assert NOTE_A not in notes
    assert client.get(f"/cohorts/{world.cohort_a.id}/learners/{moved.id}/check-ins").status_code == 404


def test_a_lead_reads_every_cohorts_notes(client, auth, world, moved):
    auth.login(world.lead)
    page = client.get(f"/learners/{moved.id}").text
    assert NOTE_A in page
    assert NOTE_B in page
    assert NOTE_A in client.get(f"/cohorts/{world.cohort_a.id}/learners/{moved.id}/check-ins").text
