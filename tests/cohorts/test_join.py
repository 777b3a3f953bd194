"""A learner joins a cohort with its invite code."""

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.models import Enrollment
from lms.core.extensions import db
from lms.core.roles import Role
from tests.factories import CohortFactory, UserFactory

GOOD = {
    "invite_code": "hengfeng",
    "name": "江金春",
    "phone": "139 1234 5678",
    "email": "",
    "password": "tea and arrowroot",
    "confirm": "tea and arrowroot",
}


def join(client, **changes):
    return client.post("/join", data={**GOOD, **changes})


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_learner_joins_with_an_invite_code_and_is_signed_in(client):
    cohort = CohortFactory(invite_code="HENGFENG")
    response = join(client)
    assert response.status_code == 302
    learner = db.session.scalar(select(User).where(User.phone == "+8613912345678"))
    assert learner.role == Role.LEARNER
    assert learner.name == "江金春"
    assert learner.email is None
    assert [e.cohort_id for e in db.session.scalars(select(Enrollment))] == [cohort.id]
    assert "江金春" in client.get("/").text


def test_invite_link_fills_in_the_code(client):
    CohortFactory(invite_code="HENGFENG")
    assert 'value="HENGFENG"' in client.get("/join/HENGFENG").text


def test_unknown_invite_code_is_refused_and_nothing_is_written(client):
    CohortFactory(invite_code="HENGFENG")
    response = join(client, invite_code="NOPE1234")
    assert response.status_code == 200
    assert "invite code is not valid" in response.text
    assert 'value="江金春"' in response.text  # what was typed is kept
    assert count(User) == 0


def test_bad_inputs_each_get_a_clear_message(client):
    CohortFactory(invite_code="HENGFENG")
    cases = {
        "phone": ({"phone": "12345"}, "Enter a mobile number"),
        "email": ({"phone": "", "email": "not-an-email"}, "Invalid email address"),
        "neither": ({"phone": "", "email": ""}, "Enter a mobile number or an email address"),
        "short password": ({"password": "short", "confirm": "short"}, "Use 8 to 128 characters"),
        "mismatch": ({"confirm": "something else"}, "The two passwords are not the same"),
        "no name": ({"name": "  "}, "This field is required"),
        "long name": ({"name": "长" * 101}, "Field cannot be longer than 100 characters"),
    }
    for label, (changes, message) in cases.items():
        response = join(client, **changes)
        assert response.status_code == 200, label
        assert message in response.text, label
    assert count(User) == 0
    assert count(Enrollment) == 0


def test_a_phone_or_email_already_in_use_is_refused_without_saying_someone_has_an_account(client):
    CohortFactory(invite_code="HENGFENG")
    UserFactory(phone="+8613912345678", email="jiang@example.org")
    taken_phone = join(client).text
    taken_email = join(client, phone="13900001111", email="JIANG@example.org").text
    assert "We cannot create an account with this mobile number" in taken_phone
    assert "We cannot create an account with this email" in taken_email
    for page in (taken_phone, taken_email):
        assert "already exists" not in page
        assert "already" not in page.split("<main", 1)[1].split("Already have an account?")[0]
    assert count(User) == 1


def test_signed_in_staff_are_sent_home_from_the_join_page(client, auth, world):
    auth.login(world.mentor_a)
    assert client.get("/join").headers["Location"] == "/"


def test_signed_in_learner_sees_just_the_code_field(client, auth, world):
    auth.login(world.learner_a)
    page = client.get(f"/join/{world.cohort_b.invite_code}").text
    assert "Join another cohort" in page
    assert f'value="{world.cohort_b.invite_code}"' in page
    assert 'name="password"' not in page


def test_joining_is_rate_limited_per_address_so_numbers_cannot_be_tried_one_after_another(client):
    CohortFactory(invite_code="HENGFENG")
    UserFactory(phone="+8613912345678")
    village = {"REMOTE_ADDR": "203.0.113.20"}
    for number in range(10):
        refused = client.post(
            "/join", data={**GOOD, "phone": f"1391234{number:04d}", "confirm": "x"}, environ_base=village
        )
        assert refused.status_code == 200
    assert client.post("/join", data=GOOD, environ_base=village).status_code == 429
    elsewhere = client.post(
        "/join", data={**GOOD, "phone": "13900002222"}, environ_base={"REMOTE_ADDR": "203.0.113.21"}
    )
    assert elsewhere.status_code == 302
    assert count(User) == 2


def test_even_joins_that_work_are_limited_per_address(app, client):
    CohortFactory(invite_code="HENGFENG")
    app.config["LMS_JOIN_LIMIT_PER_ADDRESS"] = "3 per hour"
    try:
        for number in range(3):
            joined = app.test_client().post(
                "/join", data={**GOOD, "phone": f"1390000{number:04d}"}, environ_base={"REMOTE_ADDR": "203.0.113.30"}
            )
            assert joined.status_code == 302
        fourth = client.post(
            "/join", data={**GOOD, "phone": "13900009999"}, environ_base={"REMOTE_ADDR": "203.0.113.30"}
        )
        assert fourth.status_code == 429
    finally:
        app.config["LMS_JOIN_LIMIT_PER_ADDRESS"] = "30 per hour"
