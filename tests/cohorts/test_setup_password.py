"""A learner added by a lead chooses a password with the one-time setup code."""

from datetime import timedelta

from sqlalchemy import select

from lms.accounts import services as accounts
from lms.accounts.models import PasswordSetupCode, User
from lms.core.calendar import utcnow
from lms.core.extensions import db

PHONE = "+8613700000001"


def invited_learner() -> User:
    learner = accounts.create_invited_learner(name="江金春", phone=PHONE, email=None, township="", village="")
    db.session.commit()
    return learner


def issue(learner: User) -> str:
    code = accounts.issue_setup_code(learner, None)
    db.session.commit()
    return code


NEW_PASSWORD = "my tea garden"


def choose(client, code: str, phone: str = "137 0000 0001", password: str = NEW_PASSWORD):
    return client.post(
        "/setup-password", data={"phone": phone, "code": code, "password": password, "confirm": password}
    )


def test_an_invited_learner_cannot_sign_in_until_they_use_their_code(client):
    learner = invited_learner()
    code = issue(learner)
    login = client.post("/login", data={"login": PHONE, "password": "anything at all"})
    assert login.status_code == 200
    response = choose(client, code.lower().replace("-", " "))
    assert response.headers["Location"] == "/"
    assert "江金春" in client.get("/").text  # signed in
    client.post("/logout")
    assert client.post("/login", data={"login": PHONE, "password": "my tea garden"}).status_code == 302
    used = db.session.scalar(select(PasswordSetupCode.used_at).where(PasswordSetupCode.user_id == learner.id))
    assert used is not None


def test_a_wrong_code_an_expired_code_and_a_used_code_are_refused(client):
    learner = invited_learner()
    code = issue(learner)
    old_hash = learner.password_hash
    assert "do not match" in choose(client, "WRON-GCOD").text
    assert "do not match" in choose(client, code, phone="13700000002").text
    row = db.session.scalar(select(PasswordSetupCode).where(PasswordSetupCode.user_id == learner.id))
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "has expired" in choose(client, code).text
    db.session.refresh(learner)
    assert learner.password_hash == old_hash
    fresh = issue(learner)
    assert choose(client, fresh).status_code == 302
    client.post("/logout")
    assert "already used" in choose(client, fresh, password="another password").text
    assert client.post("/login", data={"login": PHONE, "password": "another password"}).status_code == 200


def test_a_new_code_replaces_the_old_one_and_codes_expire_after_14_days(client):
    learner = invited_learner()
    first = issue(learner)
    second = issue(learner)
    assert "has expired" in choose(client, first).text
    row = db.session.scalar(
        select(PasswordSetupCode).where(PasswordSetupCode.user_id == learner.id).order_by(PasswordSetupCode.id.desc())
    )
    assert timedelta(days=13, hours=23) < row.expires_at - utcnow() <= timedelta(days=14)
    assert choose(client, second).status_code == 302


def test_the_form_checks_its_fields(client):
    invited_learner()
    for data, message in (
        ({"phone": "", "code": "ABCD-EFGH"}, "This field is required"),
        ({"phone": "137", "code": "ABCD-EFGH"}, "Enter a mobile number"),
        ({"phone": PHONE, "code": ""}, "This field is required"),
    ):
        response = client.post("/setup-password", data={**data, "password": "long enough", "confirm": "long enough"})
        assert message in response.text
    response = client.post(
        "/setup-password", data={"phone": PHONE, "code": "ABCD", "password": "long enough", "confirm": "different!"}
    )
    assert "not the same" in response.text


def test_lead_gives_a_learner_a_new_code_on_the_cohort_page(client, auth, world):
    auth.login(world.lead)
    page = client.post(f"/cohorts/{world.cohort_a.id}/learners/{world.learner_a.id}/setup-code").text
    code = page.split('<p class="code">')[1].split("</p>")[0]
    auth.logout()
    response = choose(client, code, phone=world.learner_a.phone)
    assert response.headers["Location"] == "/"
    # Another cohort's learner is not reached through cohort A.
    auth.logout()
    auth.login(world.lead)
    response = client.post(f"/cohorts/{world.cohort_a.id}/learners/{world.learner_b.id}/setup-code")
    assert response.status_code == 404


def test_signed_in_people_are_sent_home(client, auth, world):
    auth.login(world.learner_a)
    assert client.get("/setup-password").headers["Location"] == "/"
