"""The security event log: what is written, what is never written, who reads it, how long it is kept."""

from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts import services
from lms.accounts.models import SecurityEvent
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.core.calendar import utcnow
from lms.core.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import AdminFactory, MentorFactory, UserFactory

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 10) " + "x" * 400, "REMOTE_ADDR": "203.0.113.9"}


def events(kind=None):
    query = select(SecurityEvent).order_by(SecurityEvent.id)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    return db.session.scalars(query).all()


def test_sign_ins_failures_lockouts_and_sign_outs_are_logged_with_who_when_and_where(client):
    user = UserFactory(phone="+8613912345678")
    client.post("/login", data={"login": "13912345678", "password": "wrong one"}, environ_base=BROWSER)
    client.post("/login", data={"login": "13912345678", "password": TEST_PASSWORD}, environ_base=BROWSER)
    client.post("/logout", environ_base=BROWSER)
    failed, signed_in, signed_out = events()
    assert [failed.kind, signed_in.kind, signed_out.kind] == ["sign_in_failed", "sign_in", "sign_out"]
    assert {failed.user_id, signed_in.user_id, signed_out.user_id} == {user.id}
    assert signed_in.address == "203.0.113.9"
    assert signed_in.user_agent.startswith("Mozilla/5.0 (Linux; Android 10)")
    assert len(signed_in.user_agent) == 200
    assert signed_in.at > utcnow() - timedelta(minutes=1)
    for _ in range(4):  # five failures in all
        assert client.post("/login", data={"login": "13912345678", "password": "wrong one"}).status_code == 200
    assert client.post("/login", data={"login": "13912345678", "password": "wrong one"}).status_code == 429
    assert [event.user_id for event in events("sign_in_locked")] == [user.id]


def test_password_changes_switch_offs_and_new_accounts_are_logged_with_who_did_them(client, auth):
    admin, mentor = AdminFactory(), MentorFactory()
    auth.login(admin)
    client.post(
        "/accounts/new",
        data={
            "name": "Liu Yang",
            "role": "mentor",
            "phone": "13911112222",
            "password": "tea hills 2027",
            "confirm": "tea hills 2027",
        },
    )
    client.post(f"/accounts/{mentor.id}/switch-off", data={"confirm": "yes"})
    client.post(f"/accounts/{mentor.id}/switch-on")
    client.post(
        "/account/password", data={"current": TEST_PASSWORD, "password": "tea hills 2028", "confirm": "tea hills 2028"}
    )
    kinds = [(event.kind, event.user_id == mentor.id, event.actor_id == admin.id, event.detail) for event in events()]
    assert ("account_created", False, True, "mentor") in kinds
    assert ("account_deactivated", True, True, "mentor") in kinds
    assert ("account_reactivated", True, True, "mentor") in kinds
    assert [event.user_id for event in events("password_changed")] == [admin.id]


def test_no_password_code_or_token_is_ever_stored(app, client, auth):
    """Every column of every event row, after sign-ins, failures, a new password and a setup code."""
    learner = UserFactory(phone="+8613912345678")
    typed = ["wrong password one", TEST_PASSWORD, "brand new secret 42"]
    client.post("/login", data={"login": "13912345678", "password": typed[0]})
    client.post("/login", data={"login": "13912345678", "password": typed[1], "remember": "y"})
    session = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    secrets = [*typed, session["_user_id"], client.get_cookie("remember_token").value]
    client.post("/account/password", data={"current": TEST_PASSWORD, "password": typed[2], "confirm": typed[2]})
    code = services.issue_setup_code(learner, None)
    db.session.commit()
    client.post("/logout")
    client.post(
        "/setup-password", data={"phone": "13912345678", "code": "WXYZ-WXYZ", "password": "x" * 9, "confirm": "x" * 9}
    )
    secrets += [code, code.replace("-", "")]
    rows = db.session.execute(select(SecurityEvent.__table__)).all()
    assert len(rows) >= 6
    stored = " ".join(str(value) for row in rows for value in row)
    for secret in secrets:
        assert secret not in stored


def test_only_admins_read_the_log_filtered_by_kind_and_person_and_paged(client, auth, count_queries):
    admin, learner, other = AdminFactory(), UserFactory(name="Jiang Jinchun"), UserFactory(name="Chen Mei")
    for _ in range(3):
        record_security_event(SecurityEventKind.SIGN_IN_FAILED, user=learner)
    record_security_event(SecurityEventKind.SIGN_IN, user=other)
    db.session.commit()
    auth.login(admin)
    page = client.get("/security-events").text
    assert "Jiang Jinchun" in page
    assert "Chen Mei" in page
    assert "Sign-in failed" in page
    failures = client.get("/security-events?kind=sign_in_failed").text
    assert "Chen Mei" not in failures
    theirs = client.get(f"/security-events?person={other.id}").text
    assert "Jiang Jinchun" not in theirs
    assert "Events of Chen Mei" in theirs
    assert client.get("/security-events?kind=nonsense&person=99999999999999999999&page=-3").status_code == 200
    with count_queries() as few:
        client.get("/security-events")
    for _ in range(60):
        record_security_event(SecurityEventKind.SIGN_IN, user=MentorFactory(), actor=admin)
    db.session.commit()
    with count_queries() as many:
        second = client.get("/security-events?page=2")
    assert second.status_code == 200
    assert len(many) == len(few)


def test_old_events_are_purged_after_the_configured_time(app, client):
    learner = UserFactory()
    old = record_security_event(SecurityEventKind.SIGN_IN, user=learner)
    old.at = utcnow() - timedelta(days=400)
    record_security_event(SecurityEventKind.SIGN_IN, user=learner)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["lms", "purge-security-events"])
    assert result.exit_code == 0, result.output
    assert "1 security event(s) older than 365 days deleted" in result.output
    assert db.session.scalar(select(func.count()).select_from(SecurityEvent)) == 1
    result = app.test_cli_runner().invoke(args=["lms", "purge-security-events", "--days", "0"])
    assert result.exit_code != 0


def test_a_page_refused_to_a_signed_in_person_is_logged(client, auth, world):
    auth.login(world.learner_a)
    assert client.get("/security-events").status_code == 403
    assert client.get("/accounts").status_code == 403
    refused = events("access_refused")
    assert [(event.user_id, event.detail) for event in refused] == [
        (world.learner_a.id, "auth.security_events"),
        (world.learner_a.id, "auth.accounts"),
    ]


def test_consent_changes_and_downloads_of_personal_data_are_logged(client, auth, world):
    auth.login(world.learner_a)
    client.post(f"/learners/{world.learner_a.id}/consent", data={"granted": "yes"})
    client.post(f"/learners/{world.learner_a.id}/consent", data={"granted": "no"})
    auth.logout()
    auth.login(world.lead)
    assert client.get("/follow-ups/export.csv").status_code == 200
    assert client.get(f"/cohorts/{world.cohort_a.id}/progress.csv").status_code == 200
    consent = [(event.user_id, event.actor_id, event.detail) for event in events("consent_changed")]
    assert consent == [
        (world.learner_a.id, world.learner_a.id, "granted"),
        (world.learner_a.id, world.learner_a.id, "refused"),
    ]
    downloads = [(event.actor_id, event.detail) for event in events("export_downloaded")]
    assert downloads == [(world.lead.id, "follow-ups"), (world.lead.id, "progress-grid")]
