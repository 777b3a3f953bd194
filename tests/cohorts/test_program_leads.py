"""A lead runs only the programs she leads: their cohorts, learners, lists and exports; an admin runs every one."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from lms.accounts.policies import can_switch_off
from lms.cohorts import services
from lms.cohorts.models import Program
from lms.cohorts.policies import can_view_cohort, can_view_learner, leads_program
from lms.core.extensions import db
from lms.courses.models import Course
from lms.learning.models.submission import Review, Submission
from lms.learning.services.review_queue import pending_submissions
from lms.outcomes.support.services import add_support
from tests.factories import CohortFactory, CourseFactory, EnrollmentFactory, LeadFactory, ProgramFactory
from tests.permission_cases.submissions import submission_of

SUPPORT = {"kind": "loan", "given_on": date(2027, 3, 1), "value_yuan": Decimal(5000), "given_by": "Bank", "notes": ""}


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


def test_her_course_lists_and_choices_hold_only_her_programs(client, auth, world):
    """Authoring, the catalogue and the course form's choices: another program's courses are absent (SQL filters)."""
    hers = CourseFactory(program=other_program(world), title="Tea packaging")
    auth.login(world.other_lead)
    listing = client.get("/manage/courses").text
    assert "Tea packaging" in listing
    assert "Course A" not in listing
    assert "Course B" not in listing
    assert "Course A" not in client.get("/courses").text
    new_form = client.get("/manage/courses/new").text
    assert world.program.name not in new_form
    # The original a copy may name: her programs' courses only.
    assert "Course A" not in client.get(f"/manage/courses/{hers.id}/edit").text
    # A program she does not lead is refused like any unknown choice, and nothing is made.
    response = client.post(
        "/manage/courses/new", data={"program_id": world.program.id, "title": "Mine", "language": "en"}
    )
    assert "Not a valid choice" in response.text
    assert db.session.scalar(select(Course).where(Course.title == "Mine")) is None
    auth.logout()
    auth.login(world.admin)
    listing = client.get("/manage/courses").text
    assert "Tea packaging" in listing
    assert "Course A" in listing


def test_her_figures_count_only_her_programs(client, auth, world):
    """Support, audit, turnaround, impact and accounts: nothing of another program's people or cohorts."""
    submission = db.session.get(Submission, submission_of(world.learner_a, world.courses_a.assignment, world.cohort_a))
    review = Review(submission=submission, version=submission.versions[0], mentor=world.mentor_a, decision="accepted")
    review.turnaround_seconds = 7200
    db.session.add(review)
    add_support(world.learner_a, world.lead, SUPPORT)
    db.session.commit()
    pages = ("/support", "/audit", "/reviews/turnaround", f"/impact?program={world.program.id}", "/accounts")
    auth.login(world.lead)
    assert world.learner_a.name in client.get("/support").text
    assert world.learner_a.name in client.get("/audit").text
    assert "Cohort A" in client.get("/reviews/turnaround").text
    auth.logout()
    auth.login(world.other_lead)
    for url in pages:
        page = client.get(url).text
        assert world.learner_a.name not in page, url
        assert "Cohort A" not in page, url
    assert world.program.name not in client.get(pages[3]).text
    # Staff stay listed: she assigns the installation's mentors to her cohorts.
    assert world.mentor_a.name in client.get("/accounts").text
