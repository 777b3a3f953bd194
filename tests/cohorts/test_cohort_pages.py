"""Leads set up programs and cohorts; mentors see theirs."""

from sqlalchemy import func, select

from lms.cohorts.models import Cohort, Program
from lms.core.extensions import db
from tests.factories import CohortFactory, EnrollmentFactory, MentorFactory, ProgramFactory


def test_lead_creates_a_program_then_a_cohort_with_an_invite_code(client, auth, world):
    auth.login(world.lead)
    response = client.post("/programs/new", data={"name": "Yudu incubator 2028", "currency": "cny"})
    program = db.session.scalar(select(Program).where(Program.name == "Yudu incubator 2028"))
    assert program.currency == "CNY"
    assert response.headers["Location"] == f"/cohorts/new?program_id={program.id}"
    response = client.post(
        "/cohorts/new",
        data={
            "program_id": program.id,
            "name": "First intake",
            "province": "江西省",
            "city": "赣州市",
            "county": "于都县",
            "starts_on": "2028-03-01",
            "ends_on": "2028-06-30",
        },
    )
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "First intake"))
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    assert len(cohort.invite_code) == 8
    page = client.get(f"/cohorts/{cohort.id}").text
    assert cohort.invite_code in page
    assert f"/join/{cohort.invite_code}" in page


def test_cohort_form_bad_input_gets_messages_and_writes_nothing(client, auth, world):
    auth.login(world.lead)
    before = db.session.scalar(select(func.count(Cohort.id)))
    cases = [
        ({"name": "", "county": "于都县"}, "This field is required"),
        ({"name": "Cohort A", "county": "横峰县"}, "already has a cohort with this name"),
        (
            {"name": "Later", "county": "于都县", "starts_on": "2028-06-01", "ends_on": "2028-03-01"},
            "end date must be after",
        ),
        ({"name": "Typo", "county": "于都县", "starts_on": "1st of March"}, "Not a valid date value"),
        ({"name": "Nowhere", "county": "于都县", "program_id": "999999"}, "Not a valid choice"),
    ]
    for changes, message in cases:
        response = client.post("/cohorts/new", data={"program_id": world.program.id, **changes})
        assert response.status_code == 200, changes
        assert message in response.text, changes
    assert db.session.scalar(select(func.count(Cohort.id))) == before


def test_program_names_are_unique_and_currency_is_three_letters(client, auth, world):
    auth.login(world.lead)
    assert "already exists" in client.post("/programs/new", data={"name": world.program.name}).text
    assert "three-letter code" in client.post("/programs/new", data={"name": "New", "currency": "yuan"}).text


def test_new_invite_code_replaces_the_old_one(client, auth, world):
    auth.login(world.lead)
    old = world.cohort_a.invite_code
    client.post(f"/cohorts/{world.cohort_a.id}/invite-code")
    db.session.refresh(world.cohort_a)
    assert world.cohort_a.invite_code != old
    auth.logout()
    data = {
        "invite_code": old,
        "name": "Late",
        "phone": "13912340000",
        "password": "long enough",
        "confirm": "long enough",
    }
    assert "not valid" in client.post("/join", data=data).text


def test_lead_assigns_and_removes_a_mentor(client, auth, world):
    auth.login(world.lead)
    newcomer = MentorFactory(name="New Mentor")
    client.post(f"/cohorts/{world.cohort_a.id}/mentors", data={"mentor_id": newcomer.id})
    db.session.refresh(world.cohort_a)
    assert newcomer in world.cohort_a.mentors
    client.post(f"/cohorts/{world.cohort_a.id}/mentors/{newcomer.id}/remove")
    db.session.refresh(world.cohort_a)
    assert newcomer not in world.cohort_a.mentors


def test_only_mentors_can_be_assigned(client, auth, world):
    auth.login(world.lead)
    response = client.post(f"/cohorts/{world.cohort_a.id}/mentors", data={"mentor_id": world.learner_a.id})
    assert response.status_code == 302
    assert "Choose a mentor from the list" in client.get(f"/cohorts/{world.cohort_a.id}").text
    db.session.refresh(world.cohort_a)
    assert world.learner_a not in world.cohort_a.mentors


def test_mentor_sees_only_their_cohorts(client, auth, world):
    auth.login(world.mentor_a)
    page = client.get("/cohorts").text
    assert "Cohort A" in page
    assert "Cohort B" not in page


def test_cohort_list_query_count_does_not_grow_with_cohorts(client, auth, world, count_queries):
    auth.login(world.lead)

    def queries_for_list():
        with count_queries() as queries:
            assert client.get("/cohorts").status_code == 200
        return len(queries)

    few = queries_for_list()
    for _ in range(15):
        cohort = CohortFactory(program=ProgramFactory())
        EnrollmentFactory(cohort=cohort)
    assert queries_for_list() == few


def test_cohort_page_query_count_does_not_grow_with_learners(client, auth, world, count_queries):
    auth.login(world.lead)
    url = f"/cohorts/{world.cohort_a.id}"  # read here: reloading the test's cohort is not the page's query

    def queries_for_detail():
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = queries_for_detail()
    for _ in range(30):
        EnrollmentFactory(cohort=world.cohort_a)
    another_mentor = MentorFactory()
    world.cohort_a.mentors.append(another_mentor)
    db.session.commit()
    assert queries_for_detail() == few


def test_home_and_account_list_query_counts_do_not_grow(client, auth, world, count_queries):
    auth.login(world.lead)

    def queries(path):
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    few = {path: queries(path) for path in ("/", "/accounts")}
    for _ in range(20):
        EnrollmentFactory(cohort=CohortFactory(program=world.program))
    assert {path: queries(path) for path in few} == few
