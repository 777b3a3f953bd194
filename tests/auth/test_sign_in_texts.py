"""Learners' sign-in codes by text message: turned on by her, or required by her program; asked after the
password on the same waiting page as staff codes; 10 minutes, 5 wrong tries, one code at a time, limited."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.accounts import services as accounts
from lms.accounts import texted_codes
from lms.accounts.models import CodePurpose, SecurityEvent, SignInSession, TextedCode, User
from lms.accounts.two_factor import texted
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, Program
from lms.core.extensions import db
from lms.notifications import sms
from lms.notifications.channels import stop_sms
from lms.notifications.models import OutboxSms, SmsState, SmsStopSource
from lms.notifications.sms_providers import DevProvider
from tests.auth.test_sign_in_codes import Clock
from tests.conftest import TEST_PASSWORD, english_client
from tests.factories import CohortFactory, EnrollmentFactory, LeadFactory, MentorFactory, ProgramFactory, UserFactory


@pytest.fixture(autouse=True)
def texts():
    DevProvider.sent.clear()
    yield DevProvider.sent
    DevProvider.sent.clear()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(texted_codes, "utcnow", clock)
    return clock


def last_code(texts) -> str:
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1][1]).group(1)


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def password(client, user, address="203.0.113.5", **extra):
    return client.post(
        "/login",
        data={"login": user.login_name, "password": TEST_PASSWORD, **extra},
        environ_base={"REMOTE_ADDR": address},
    )


def code(client, typed, address="203.0.113.5"):
    return client.post("/login/code", data={"code": typed}, environ_base={"REMOTE_ADDR": address})


def again(client, address="203.0.113.5"):
    return client.post("/login/code/again", environ_base={"REMOTE_ADDR": address})


def events(kind, user=None) -> list[SecurityEvent]:
    query = select(SecurityEvent).where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)
    if user is not None:
        query = query.where(SecurityEvent.user_id == user.id)
    return list(db.session.scalars(query))


def with_texts_on(learner) -> User:
    learner.sign_in_texts_since = datetime(2027, 1, 1, tzinfo=UTC)
    db.session.commit()
    return learner


def in_requiring_program(learner=None, **learner_fields) -> User:
    cohort = CohortFactory(program=ProgramFactory(sign_in_texts_required=True))
    learner = learner or UserFactory(**learner_fields)
    EnrollmentFactory(cohort=cohort, learner=learner)
    db.session.commit()
    return learner


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_she_turns_texted_codes_on_with_a_code_to_her_number_then_signs_in_with_one(app, client, auth, texts):
    learner = UserFactory(phone="+8613912345678")
    auth.login(learner)
    assert 'href="/account/sign-in-texts"' in client.get("/account/settings").text
    page = client.get("/account/sign-in-texts")
    assert "ending in 5678" in page.text
    assert "never tell anyone a code" in page.text  # what a texted code risks, said where she chooses it
    assert client.post("/account/sign-in-texts/send").location == "/account/sign-in-texts"
    assert texts[-1][0] == learner.phone
    assert "turn on sign-in codes" in texts[-1][1]
    page = client.get("/account/sign-in-texts")
    assert 'autocomplete="one-time-code"' in page.text
    wrong = client.post("/account/sign-in-texts/on", data={"code": other_than(last_code(texts))})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.text
    assert db.session.get(User, learner.id).sign_in_texts_since is None
    assert client.post("/account/sign-in-texts/on", data={"code": last_code(texts)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, learner.id).sign_in_texts_since is not None
    assert len(events("sign_in_texts_on", learner)) == 1
    auth.logout()

    asked = password(client, learner)
    assert asked.location.startswith("/login/code")
    assert not signed_in(client)
    page = client.get(asked.location)
    assert "ending in 5678" in page.text
    assert 'autocomplete="one-time-code"' in page.text
    assert "authenticator" not in page.text
    assert "Your sign-in code is" in texts[-1][1]
    assert "That code is not right" in code(client, other_than(last_code(texts))).text
    assert code(client, last_code(texts)).location == "/"
    assert signed_in(client)
    [signing_in] = [event for event in events("sign_in", learner) if event.detail == "text"]
    assert signing_in.actor_id == learner.id
    assert len(events("sign_in_text_sent", learner)) == 2  # turning on, signing in
    assert len(events("sign_in_code_failed", learner)) == 2
    # Codes are texted by the outbox's code kind, and never kept.
    assert set(db.session.scalars(select(OutboxSms.kind))) == {"sign_in_code"}
    assert db.session.scalars(select(TextedCode)).all() == []
    sent = [text for _number, text in texts]
    assert not any(re.search(r"\d{6}", event.detail) for event in db.session.scalars(select(SecurityEvent)))
    assert len(sent) == 2


def test_keep_me_signed_in_is_kept_through_the_texted_code(client, texts):
    learner = with_texts_on(UserFactory())
    password(client, learner, remember="y")
    code(client, last_code(texts))
    [open_now] = db.session.scalars(
        select(SignInSession).where(SignInSession.user_id == learner.id, SignInSession.ended_at.is_(None))
    ).all()
    assert open_now.remember is True
    assert not open_now.awaiting_code
    assert "remember_token" in {cookie.key for cookie in client._cookies.values()}


def test_five_wrong_codes_end_the_code_and_the_sign_in(client, texts):
    learner = with_texts_on(UserFactory())
    password(client, learner)
    right = last_code(texts)
    for _ in range(4):
        assert code(client, other_than(right)).status_code == 200
    ended = code(client, other_than(right))
    assert ended.location == "/login"
    assert "Sign in again with your password" in client.get("/login").text
    assert db.session.scalars(select(TextedCode)).all() == []
    waiting = db.session.scalars(select(SignInSession).where(SignInSession.user_id == learner.id)).one()
    assert waiting.ended_at is not None
    # The right code opens nothing now; wrong codes counted toward the account's sign-in lockout, too.
    assert code(client, right).status_code in (302, 429)
    assert not signed_in(client)
    assert password(client, learner, address="198.51.100.7").status_code == 429
    assert len(events("sign_in_code_failed", learner)) == 5
    assert [event.detail for event in events("sign_in_code_locked", learner)] == ["sign_in"]


def test_a_code_works_for_ten_minutes_and_not_after(client, texts, clock):
    learner = with_texts_on(UserFactory())
    password(client, learner)
    clock.now += timedelta(minutes=9, seconds=59)
    assert code(client, last_code(texts)).location == "/"
    client.post("/logout")

    password(client, learner)
    clock.now += timedelta(minutes=10)
    expired = code(client, last_code(texts))
    assert expired.location == "/login"
    assert "no longer works" in client.get("/login").text
    assert not signed_in(client)
    assert events("sign_in_code_failed", learner)[-1].detail == "sign_in text expired"


def test_one_code_at_a_time_each_for_the_sign_in_that_asked_for_it(app, client, texts):
    learner = with_texts_on(UserFactory())
    password(client, learner)
    first = last_code(texts)
    assert again(client).location.startswith("/login/code")
    assert "We texted you a new code" in client.get("/login/code").text
    second = last_code(texts)
    if first != second:
        assert "That code is not right" in code(client, first).text
    # Another phone signing in to her account gets its own code; this one's stops working.
    other_phone = english_client(app)
    password(other_phone, learner, address="198.51.100.9")
    theirs = last_code(texts)
    if theirs != second:
        assert "That code is not right" in code(client, second).text
    assert "That code is not right" in code(client, theirs).text or theirs == second
    assert not signed_in(client)
    assert code(other_phone, theirs, address="198.51.100.9").location == "/"
    assert len(db.session.scalars(select(TextedCode)).all()) == 0


def test_codes_sent_again_are_limited_per_number_and_per_address(client, texts):
    learner = with_texts_on(UserFactory())
    password(client, learner)
    for _ in range(2):
        assert again(client).status_code == 302
    limited = again(client)
    assert limited.status_code == 429
    assert "wait a few minutes" in limited.text
    assert len(texts) == 3
    assert len(events("sign_in_text_limited", learner)) == 1
    # The password is not enough to text her number a fourth time either.
    assert password(client, learner, address="198.51.100.7").status_code == 429
    assert len(texts) == 3

    # One address sending codes again for many numbers is stopped too (10 an hour), each number under its own limit.
    for _ in range(5):
        other_client = english_client(client.application)
        password(other_client, with_texts_on(UserFactory()), address="192.0.2.9")
        for _ in range(2):
            assert again(other_client, address="192.0.2.9").status_code == 302
    other_client = english_client(client.application)
    password(other_client, with_texts_on(UserFactory()), address="192.0.2.9")
    assert again(other_client, address="192.0.2.9").status_code == 429


def test_a_flood_of_codes_to_choose_a_password_does_not_stop_her_sign_in_codes(client, texts):
    learner = with_texts_on(UserFactory())
    for number in range(4):
        client.post(
            "/forgot-password", data={"phone": learner.phone}, environ_base={"REMOTE_ADDR": f"192.0.2.{number}"}
        )
    assert len(texts) == 3  # the fourth was slowed down
    assert password(client, learner).location.startswith("/login/code")
    assert again(client).status_code == 302
    assert len(texts) == 5
    assert code(client, last_code(texts)).location == "/"


def test_a_program_requirement_asks_every_active_learner_and_she_cannot_turn_it_off(client, auth, texts):
    lead = LeadFactory()
    program = ProgramFactory(leads=[lead])
    cohort = CohortFactory(program=program)
    learner = UserFactory()
    moved = UserFactory()
    EnrollmentFactory(cohort=cohort, learner=learner)
    EnrollmentFactory(cohort=cohort, learner=moved, status=EnrollmentStatus.MOVED)
    db.session.commit()
    auth.login(lead)
    page = client.get(f"/programs/{program.id}/text-messages")
    assert "Sign-in codes by text message" in page.text
    assert client.post(f"/programs/{program.id}/sign-in-texts", data={"required": "y"}).status_code == 302
    assert db.session.get(Program, program.id).sign_in_texts_required
    assert [event.detail for event in events("program_sign_in_texts")] == [f"program {program.id} required"]
    auth.logout()

    assert password(client, learner).location.startswith("/login/code")
    assert code(client, last_code(texts)).location == "/"
    page = client.get("/account/sign-in-texts")
    assert "Your program requires sign-in codes" in page.text
    assert "Turn sign-in codes off" not in page.text
    refused = client.post("/account/sign-in-texts/off", data={"password": TEST_PASSWORD})
    assert refused.location == "/account/sign-in-texts"
    assert "cannot be turned off" in client.get("/account/sign-in-texts").text
    client.post("/logout")
    # A learner who left the program's cohorts is not asked.
    assert password(client, moved).location == "/"
    client.post("/logout")

    auth.login(lead)
    client.post(f"/programs/{program.id}/sign-in-texts", data={})
    auth.logout()
    assert password(client, learner).location == "/"


def test_a_learner_without_a_number_whose_program_requires_codes_is_told_to_ask_her_mentor(client, texts):
    learner = in_requiring_program(phone=None, email="tea@example.org")
    refused = password(client, learner)
    assert refused.location == "/login"
    assert "Ask your mentor" in client.get("/login").text
    assert not signed_in(client)
    assert texts == []
    assert len(events("sign_in_no_number", learner)) == 1
    assert db.session.scalars(select(SignInSession)).all() == []


def test_codes_go_at_night_past_the_programs_cost_cap_and_to_a_stopped_number(client, texts, monkeypatch):
    night = datetime(2027, 3, 1, 15, 30, tzinfo=UTC)  # 23:30 in Beijing
    monkeypatch.setattr(sms, "utcnow", lambda: night)
    learner = in_requiring_program()
    cohort_program = learner_program(learner)
    cohort_program.sms_cap_fen = 0
    stop_sms(learner.phone, SmsStopSource.SETTINGS)  # she stopped text messages: codes still come
    db.session.commit()
    password(client, learner)
    [message] = db.session.scalars(select(OutboxSms)).all()
    assert message.state == SmsState.SENT
    assert message.program_id == cohort_program.id
    assert code(client, last_code(texts)).location == "/"


def learner_program(learner) -> Program:
    return db.session.scalars(
        select(Program)
        .join(Cohort, Cohort.program_id == Program.id)
        .join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.learner_id == learner.id)
    ).one()


def test_a_texted_reset_signs_her_in_without_a_second_code_and_a_setup_code_asks_for_one(client, texts):
    learner = with_texts_on(UserFactory())
    client.post("/forgot-password", data={"phone": learner.phone})
    new_password = "tea garden by the river 42"
    reset = client.post(
        "/reset-password",
        data={"phone": learner.phone, "code": last_code(texts), "password": new_password, "confirm": new_password},
    )
    assert reset.location == "/"
    assert signed_in(client)
    assert len(texts) == 1
    client.post("/logout")

    # A setup code is the lead's, not her phone's: her number still gets a code before she is in.
    newcomer = in_requiring_program()
    setup = accounts.issue_setup_code(newcomer, None)
    db.session.commit()
    chosen = client.post(
        "/setup-password",
        data={"phone": newcomer.phone, "code": setup, "password": new_password, "confirm": new_password},
    )
    assert chosen.location.startswith("/login/code")
    assert not signed_in(client)
    assert code(client, last_code(texts)).location == "/"


def test_turning_codes_off_needs_her_password(client, auth, texts):
    learner = with_texts_on(UserFactory())
    password(client, learner)
    code(client, last_code(texts))
    wrong = client.post("/account/sign-in-texts/off", data={"password": "not my password"})
    assert wrong.status_code == 400
    assert "not your current password" in wrong.text
    assert client.post("/account/sign-in-texts/off", data={"password": TEST_PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, learner.id).sign_in_texts_since is None
    assert len(events("sign_in_texts_off", learner)) == 1
    client.post("/logout")
    assert password(client, learner).location == "/"


@pytest.mark.parametrize("typed", ["", "abcdef", "9" * 40, "\x00", "12345"])
def test_a_bad_code_gets_a_clear_message_never_an_error(client, texts, typed):
    learner = with_texts_on(UserFactory())
    password(client, learner)
    response = code(client, typed)
    assert response.status_code == 200
    assert "6 digits" in response.text or "Type the code" in response.text
    auth_page = client.post("/account/sign-in-texts/on", data={"code": typed})
    assert auth_page.status_code == 302  # not signed in yet: sent to sign in


def test_staff_are_never_asked_for_texted_codes_and_a_code_typed_full_width_works(client, texts):
    mentor = MentorFactory()
    mentor.sign_in_texts_since = datetime(2027, 1, 1, tzinfo=UTC)
    in_requiring_program(mentor)
    assert not texted.texts_asked(mentor)
    assert password(client, mentor).location == "/"
    client.post("/logout")
    learner = with_texts_on(UserFactory())
    password(client, learner)
    typed = " ".join(chr(ord(digit) + 0xFEE0) for digit in last_code(texts))
    assert code(client, typed).location == "/"


def test_the_pages_speak_chinese(app, texts):
    learner = with_texts_on(UserFactory(locale="zh_Hans"))
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    password(client, learner)
    page = client.get("/login/code").text
    assert "短信" in page
    assert "【乡村创业学堂】" in texts[-1][1]
    code(client, last_code(texts))
    assert "短信" in client.get("/account/sign-in-texts").text


def test_a_reset_code_and_a_sign_in_code_are_rows_of_one_table_by_purpose(client, texts):
    learner = with_texts_on(UserFactory())
    client.post("/forgot-password", data={"phone": learner.phone})
    password(client, learner)
    purposes = set(db.session.scalars(select(TextedCode.purpose).where(TextedCode.user_id == learner.id)))
    assert purposes == {CodePurpose.NEW_PASSWORD, CodePurpose.SIGN_IN}


def test_a_texted_sign_in_takes_as_many_queries_in_one_cohort_as_in_many(app, texts, count_queries):
    few_cohorts = in_requiring_program()
    many_cohorts = in_requiring_program()
    for _ in range(5):
        EnrollmentFactory(cohort=CohortFactory(program=ProgramFactory()), learner=many_cohorts)
    db.session.commit()
    counts = []
    for learner in (few_cohorts, many_cohorts):
        client = english_client(app)
        with count_queries() as asked:
            password(client, learner)
        with count_queries() as typed:
            code(client, last_code(texts))
        assert signed_in(client)
        counts.append((len(asked), len(typed)))
    assert counts[0] == counts[1]


def test_a_sign_in_that_texts_nothing_is_never_slowed_by_the_texts_limit(client, auth, texts):
    learner = UserFactory()
    auth.login(learner)
    for _ in range(4):
        client.post("/account/sign-in-texts/send")
    assert len(texts) == 3  # the fourth code to turn codes on was slowed down
    auth.logout()
    # Codes are not on yet: her sign-in texts nothing, and goes through.
    assert password(client, learner).location == "/"
