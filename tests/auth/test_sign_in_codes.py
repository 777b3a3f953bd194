"""Staff sign-in codes (TOTP, RFC 6238): set up, asked after the password, never twice, removed when lost."""

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from lms.accounts.models import RecoveryCode, SecurityEvent, SignInCodeKey, SignInSession
from lms.accounts.security_log.services import SecurityEventKind
from lms.accounts.two_factor import services as two_factor
from lms.core.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.factories import LeadFactory, MentorFactory, UserFactory

STEP = two_factor.STEP_SECONDS


class Clock:
    """The time sign-in codes are checked at, moved by hand (a step is 30 seconds)."""

    def __init__(self):
        self.now = datetime(2027, 3, 1, 8, 0, 15, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def later(self, steps: int = 1) -> None:
        self.now += timedelta(seconds=STEP * steps)

    def code(self, key_secret: str, steps: int = 0) -> str:
        return pyotp.TOTP(key_secret).at(self.now + timedelta(seconds=STEP * steps))


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(two_factor, "utcnow", clock)
    return clock


def key_of(user) -> SignInCodeKey:
    return db.session.scalar(select(SignInCodeKey).where(SignInCodeKey.user_id == user.id))


def with_codes(user, clock) -> list[str]:
    """Set ``user``'s codes up as the setup page does; the clock moves on past the step confirmed."""
    key = two_factor.key_to_set_up(user)
    codes = two_factor.confirm_sign_in_codes(user, clock.code(key.key_secret))
    db.session.commit()
    clock.later()
    return codes


def password(client, user, **extra):
    return client.post("/login", data={"login": user.login_name, "password": TEST_PASSWORD, **extra})


def code(client, typed):
    return client.post("/login/code", data={"code": typed})


def events(kind) -> list[SecurityEvent]:
    return list(db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)))


def test_setting_codes_up_refuses_a_wrong_code_then_turns_on_with_the_right_one(client, auth, clock):
    mentor = MentorFactory()
    auth.login(mentor)
    assert "/account/sign-in-codes" in client.get("/account/password").text
    page = client.get("/account/sign-in-codes/setup")
    assert page.status_code == 200
    key = key_of(mentor)
    assert key.confirmed_at is None
    assert 'class="qr"' in page.text
    assert "<svg" in page.text
    assert re.sub(" ", "", re.search(r"<code>([A-Z2-7 ]+)</code>", page.text).group(1)) == key.key_secret
    assert 'autocomplete="one-time-code"' in page.text
    assert 'inputmode="numeric"' in page.text
    # The same key while she has not confirmed it, so a reload does not break what she scanned.
    client.get("/account/sign-in-codes/setup")
    assert key_of(mentor).key_secret == key.key_secret

    wrong = client.post("/account/sign-in-codes/setup", data={"code": clock.code(key.key_secret, steps=5)})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.text
    assert key_of(mentor).confirmed_at is None

    shown = client.post("/account/sign-in-codes/setup", data={"code": clock.code(key.key_secret)})
    assert shown.status_code == 200
    codes = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", shown.text)
    assert len(codes) == 10
    assert key_of(mentor).confirmed_at is not None
    stored = list(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == mentor.id)))
    assert len(stored) == 10
    assert all(value.startswith("$argon2id$") for value in stored)
    assert not any(recovery.replace("-", "") in value for recovery in codes for value in stored)
    assert "Sign-in codes are on" in client.get("/account/sign-in-codes").text


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_or_replayed_one(app, client, clock):
    lead = LeadFactory()
    with_codes(lead, clock)
    secret = key_of(lead).key_secret
    asked = password(client, lead)
    assert asked.headers["Location"].startswith("/login/code")
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get(asked.headers["Location"])
    assert 'autocomplete="one-time-code"' in page.text
    assert 'inputmode="numeric"' in page.text

    wrong = code(client, clock.code(secret, steps=3))
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.text
    right = clock.code(secret)
    assert code(client, right).headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/logout")

    # The same code again, within its 30 seconds: refused.
    password(client, lead)
    replayed = code(client, right)
    assert replayed.status_code == 200
    assert "That code was used already" in replayed.text
    clock.later()
    assert code(client, clock.code(secret)).status_code == 302


def test_a_code_one_step_either_side_is_accepted_and_two_steps_off_is_not(client, clock):
    mentor = MentorFactory()
    with_codes(mentor, clock)
    secret = key_of(mentor).key_secret
    clock.later(2)
    for steps, accepted in ((-2, False), (-1, True), (+2, False), (+1, True)):
        client.post("/logout")
        password(client, mentor)
        answer = code(client, clock.code(secret, steps=steps))
        assert (answer.status_code == 302) is accepted, steps


def test_a_recovery_code_signs_in_once(client, clock):
    mentor = MentorFactory()
    recovery = with_codes(mentor, clock)
    password(client, mentor)
    assert "recovery code" in client.get("/login/code?use=recovery").text
    assert code(client, recovery[0].lower()).headers["Location"] == "/"
    client.post("/logout")
    password(client, mentor)
    again = code(client, recovery[0])
    assert "That code is not right" in again.text
    assert code(client, recovery[1]).status_code == 302
    assert two_factor.recovery_codes_left(mentor) == 8


def test_keep_me_signed_in_still_works_after_the_code(client, clock):
    mentor = MentorFactory()
    with_codes(mentor, clock)
    password(client, mentor, remember="y")
    answer = code(client, clock.code(key_of(mentor).key_secret))
    assert answer.status_code == 302
    assert "remember_token=" in " ".join(answer.headers.getlist("Set-Cookie"))
    signed_in = db.session.scalars(
        select(SignInSession).where(SignInSession.user_id == mentor.id, SignInSession.ended_at.is_(None))
    ).all()
    assert [(row.remember, row.awaiting_code) for row in signed_in] == [(True, False)]


def test_a_password_left_waiting_too_long_must_be_typed_again(client, clock):
    mentor = MentorFactory()
    with_codes(mentor, clock)
    password(client, mentor)
    waiting = db.session.scalar(select(SignInSession).where(SignInSession.awaiting_code.is_(True)))
    waiting.created_at -= timedelta(minutes=11)
    db.session.commit()
    answer = code(client, clock.code(key_of(mentor).key_secret))
    assert answer.headers["Location"] == "/login"


def test_required_codes_send_staff_without_them_to_set_up_first_and_learners_are_never_asked(
    app, client, monkeypatch, clock
):
    monkeypatch.setitem(app.config, "LMS_STAFF_TWO_FACTOR", "required")
    learner = UserFactory()
    assert password(client, learner).headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/account/sign-in-codes/setup").status_code == 403
    client.post("/logout")

    mentor = MentorFactory()
    assert password(client, mentor).headers["Location"] == "/account/sign-in-codes/setup"
    for page in ("/", "/cohorts", "/account/password", "/notifications"):
        assert client.get(page).headers.get("Location") == "/account/sign-in-codes/setup", page
    page = client.get("/account/sign-in-codes/setup")
    assert "Set it up now to go on" in page.text
    client.post("/account/sign-in-codes/setup", data={"code": clock.code(key_of(mentor).key_secret)})
    assert client.get("/cohorts").status_code == 200


def test_an_admin_or_her_lead_removes_a_staff_members_codes_and_a_lead_of_another_program_cannot(
    app, client, auth, world, clock
):
    with_codes(world.mentor_a, clock)
    mentor = app.test_client()
    password(mentor, world.mentor_a)
    code(mentor, clock.code(key_of(world.mentor_a).key_secret))
    assert mentor.get("/").status_code == 200

    auth.login(world.other_lead)
    assert client.get(f"/accounts/{world.mentor_a.id}/sign-in-codes/remove").status_code == 403
    assert (
        client.post(f"/accounts/{world.mentor_a.id}/sign-in-codes/remove", data={"confirm": "yes"}).status_code == 403
    )
    auth.logout()

    auth.login(world.lead)
    assert f"/accounts/{world.mentor_a.id}/sign-in-codes/remove" in client.get("/accounts?role=mentor").text
    confirm = client.get(f"/accounts/{world.mentor_a.id}/sign-in-codes/remove")
    assert "signed out on every phone and computer" in confirm.text
    assert client.post(f"/accounts/{world.mentor_a.id}/sign-in-codes/remove").status_code == 200  # not confirmed
    assert two_factor.has_sign_in_codes(world.mentor_a)
    done = client.post(f"/accounts/{world.mentor_a.id}/sign-in-codes/remove", data={"confirm": "yes"})
    assert done.headers["Location"] == "/accounts"
    assert key_of(world.mentor_a) is None
    assert db.session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == world.mentor_a.id)) is None
    assert mentor.get("/").status_code == 302  # her sessions ended
    [removed] = events(SecurityEventKind.SIGN_IN_CODES_REMOVED)
    assert (removed.user_id, removed.actor_id, removed.detail) == (world.mentor_a.id, world.lead.id, "staff")

    # Where codes are required, she sets them up again at her next sign-in.
    app.config["LMS_STAFF_TWO_FACTOR"] = "required"
    try:
        assert password(mentor, world.mentor_a).headers["Location"] == "/account/sign-in-codes/setup"
    finally:
        app.config["LMS_STAFF_TWO_FACTOR"] = "optional"


def test_wrong_codes_count_toward_the_accounts_sign_in_lockout(client, clock):
    mentor = MentorFactory()
    with_codes(mentor, clock)
    secret = key_of(mentor).key_secret
    password(client, mentor)
    for _ in range(5):
        assert code(client, "000000" if clock.code(secret) != "000000" else "111111").status_code == 200
    assert code(client, clock.code(secret)).status_code == 429
    # The password is locked out too: the same count.
    assert password(client, mentor).status_code == 429
    [locked, *_] = events(SecurityEventKind.SIGN_IN_LOCKED)
    assert locked.user_id == mentor.id


def test_every_outcome_is_logged_and_no_code_ever_is(client, auth, clock):
    mentor = MentorFactory()
    recovery = with_codes(mentor, clock)
    secret = key_of(mentor).key_secret
    typed = []
    password(client, mentor)
    typed.append(clock.code(secret, steps=4))
    code(client, typed[-1])
    typed.append(clock.code(secret))
    code(client, typed[-1])
    client.post("/logout")
    password(client, mentor)
    code(client, typed[-1])
    typed.append(recovery[2])
    code(client, typed[-1])
    failed = events(SecurityEventKind.SIGN_IN_CODE_FAILED)
    assert [event.detail for event in failed] == ["sign_in wrong", "sign_in replayed"]
    assert [event.detail for event in events(SecurityEventKind.SIGN_IN)] == ["authenticator", "recovery_code"]
    assert len(events(SecurityEventKind.SIGN_IN_CODE_ASKED)) == 2
    assert len(events(SecurityEventKind.SIGN_IN_CODES_SET_UP)) == 1
    assert len(events(SecurityEventKind.RECOVERY_CODES_MADE)) == 1
    written = " ".join(f"{event.detail} {event.user_agent}" for event in db.session.scalars(select(SecurityEvent)))
    for secret_text in [*typed, *recovery, *(value.replace("-", "") for value in recovery), secret]:
        assert secret_text not in written


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the code."),
        ("abcdef", "That code is not right"),
        ("9" * 40, "A code is 6 digits."),
        ("\x00", "Type the code."),
        ("12\x003456", "That code is not right"),
    ],
)
def test_bad_codes_get_a_clear_message(client, clock, typed, message):
    mentor = MentorFactory()
    with_codes(mentor, clock)
    password(client, mentor)
    answer = code(client, typed)
    assert answer.status_code == 200
    assert message in answer.text
    client.post("/logout")
    password(client, LeadFactory())
    setup = client.post("/account/sign-in-codes/setup", data={"code": typed})
    assert setup.status_code == 200
    assert message in setup.text


def test_turning_codes_off_and_making_new_recovery_codes_need_a_current_code(client, auth, clock):
    mentor = MentorFactory()
    old = with_codes(mentor, clock)
    secret = key_of(mentor).key_secret
    password(client, mentor)
    code(client, clock.code(secret))
    clock.later()

    refused = client.post("/account/sign-in-codes/recovery-codes", data={"new-code": "000000"})
    assert refused.status_code == 200
    assert "That code is not right" in refused.text
    made = client.post("/account/sign-in-codes/recovery-codes", data={"new-code": clock.code(secret)})
    new = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", made.text)
    assert len(new) == 10
    assert not set(new) & set(old)
    with pytest.raises(two_factor.SignInCodeRefusedError):
        two_factor.check_sign_in_code(mentor, old[0], purpose="test")

    assert "That code is not right" in client.post("/account/sign-in-codes/off", data={"off-code": "abc"}).text
    assert two_factor.has_sign_in_codes(mentor)
    clock.later()
    off = client.post("/account/sign-in-codes/off", data={"off-code": clock.code(secret)})
    assert off.headers["Location"] == "/account/sign-in-codes"
    assert not two_factor.has_sign_in_codes(mentor)
    client.post("/logout")
    assert password(client, mentor).headers["Location"] == "/"


def test_a_learner_is_never_asked_for_a_code_even_with_codes_left_from_a_staff_role(client, clock):
    person = MentorFactory()
    with_codes(person, clock)
    person.role = "learner"
    db.session.commit()
    assert password(client, person).headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert events(SecurityEventKind.SIGN_IN_CODE_ASKED) == []
