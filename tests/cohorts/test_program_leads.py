"""A lead runs only the programs she leads: their cohorts, learners, lists and exports; an admin runs every one."""

from lms.accounts.policies import can_switch_off
from lms.cohorts import services
from lms.cohorts.models import Program
from lms.cohorts.policies import can_view_cohort, can_view_learner, leads_program
from lms.core.extensions import db
from lms.learning.services.review_queue import pending_submissions
from tests.factories import CohortFactory, EnrollmentFactory, LeadFactory, ProgramFactory
from tests.permission_cases.submissions import submission_of


def test_a_lead_sees_the_cohorts_and_learners_of_her_programs_only(world):
    other = world.other_lead
    assert can_view_cohort(world.lead, world.cohort_a)
    assert can_view_learner(world.lead, world.learner_b)
    assert not can_view_cohort(other, world.cohort_a)
    assert not can_view_learner(other, world.learner_a)
    assert can_view_learner(world.admin, world.learner_a)
    assert leads_program(world.admin, world.program.id)
    # A learner of the other lead's program is hers, not the first lead's.
    theirs = CohortFactory(program=other_program(world))
    learner = EnrollmentFactory(cohort=theirs).learner
    assert can_view_learner(other, learner)
    assert not can_view_learner(world.lead, learner)
    assert can_switch_off(other, learner)
    assert not can_switch_off(other, world.learner_a)
    assert not can_switch_off(other, world.mentor_a)
    assert can_switch_off(world.lead, world.mentor_a)


def other_program(world) -> Program:
    return next(program for program in db.session.scalars(services.programs_for(world.other_lead)))


def test_lists_and_queues_hold_only_her_programs(client, auth, world):
    submission_of(world.learner_a, world.courses_a.assignment, world.cohort_a)
    assert db.session.execute(pending_submissions(world.lead)).all()
    assert not db.session.execute(pending_submissions(world.other_lead)).all()
    auth.login(world.other_lead)
    page = client.get("/cohorts").get_data(as_text=True)
    assert "Cohort A" not in page
    assert world.program.name not in client.get("/cohorts/new").get_data(as_text=True)
    # Choosing a program she does not lead is refused like any unknown choice, and nothing is made.
    response = client.post("/cohorts/new", data={"program_id": world.program.id, "name": "Mine now", "county": "X"})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert client.get(f"/programs/{world.program.id}/products").status_code == 404
    assert world.learner_a.name not in client.get("/follow-ups/export").get_data(as_text=True)


def test_a_lead_who_starts_a_program_leads_it(client, auth):
    lead = LeadFactory(programs=[])
    auth.login(lead)
    client.post("/programs/new", data={"name": "Tea county incubator", "currency": "CNY"})
    program = db.session.scalar(services.programs_for(lead))
    assert program is not None
    assert program.name == "Tea county incubator"
    assert program.leads == [lead]
    assert ProgramFactory() not in db.session.scalars(services.programs_for(lead)).all()
