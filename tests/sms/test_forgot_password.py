"""Forgot password: a 6-digit code texted to her phone, then the code and a new password."""

import re
from datetime import timedelta

import pytest

from lms.accounts import texted_codes
from lms.accounts.models import SecurityEvent, SignInSession, TextedCode, User
from lms.accounts.services import verify_password
from lms.accounts.two_factor import services as two_factor
from lms.core.extensions import db, limiter
from lms.notifications.models import OutboxSms
from lms.notifications.sms_providers import DevProvider
from tests.auth.test_sign_in_codes import Clock, with_codes
from tests.conftest import TEST_PASSWORD
from tests.factories import MentorFactory, UserFactory

NEW_PASSWORD = "tea garden by the river 42"
SAME_ANSWER = "If this number has an account, we texted it a code."


@pytest.fixture(autouse=True)
def texts():
    DevProvider.sent.clear()
    yield DevProvider.sent
    DevProvider.sent.clear()


def ask_code(client, phone, address="203.0.113.5"):
    return client.post("/forgot-password", data={"phone": phone}, environ_base={"REMOTE_ADDR": address})


def texted_code(texts) -> str:
    return re.search(r"\b(\d{6})\b", texts[-1][1]).group(1)


def try_code(client, phone, code, password=NEW_PASSWORD, address="203.0.113.5"):
    return client.post(
        "/reset-password",
        data={"phone": phone, "code": code, "password": password, "confirm": password},
        environ_base={"REMOTE_ADDR": address},
    )


def events(user, kind) -> int:
    return len(
        db.session.scalars(
            db.select(SecurityEvent).where(SecurityEvent.user_id == user.id, SecurityEvent.kind == kind)
        ).all()
    )


def test_the_sign_in_page_links_to_forgot_password_in_both_languages(client):
    assert 'href="/forgot-password"' in client.get("/login").text
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    assert "忘记密码？" in client.get("/login").text


def test_the_pages_work_without_script_and_ask_for_the_code_as_a_one_time_code(client):
    page = client.get("/forgot-password").text
    assert 'autocomplete="tel"' in page
    assert "<script" not in page.split("</main>")[0].split("<main")[-1]
    page = client.get("/reset-password").text
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page


def test_the_right_code_sets_the_password_ends_every_other_session_and_is_logged(app, client, texts):
    learner = UserFactory(phone="+8613912345678")
    other_phone = app.test_client()
    assert other_phone.post("/login", data={"login": learner.phone, "password": TEST_PASSWORD}).status_code == 302
    response = ask_code(client, "139 1234 5678")
    assert response.location == "/reset-password"
    assert SAME_ANSWER in client.get("/reset-password").text
    code = texted_code(texts)
    assert texts[-1][0] == learner.phone
    assert db.session.scalars(db.select(OutboxSms.kind)).all() == ["sign_in_code"]
    response = try_code(client, "13912345678", code)
    assert response.status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, learner.id), NEW_PASSWORD)
    # The other phone is signed out; this browser is signed in on a new session.
    assert other_phone.get("/").status_code == 302
    assert client.get("/").status_code == 200
    open_sessions = db.session.scalars(
        db.select(SignInSession).where(SignInSession.user_id == learner.id, SignInSession.ended_at.is_(None))
    ).all()
    assert len(open_sessions) == 1
    assert events(learner, "password_reset") == 1
    assert events(learner, "reset_code_sent") == 1
    assert not any(code in event.detail for event in db.session.scalars(db.select(SecurityEvent)))
    # Only a hash was kept, and the code works once.
    assert db.session.scalars(db.select(TextedCode)).all() == []
    client.post("/logout")
    assert "do not match" in try_code(client, "13912345678", code).text


def test_a_number_without_an_account_gets_the_same_answer_and_no_text(client, texts):
    UserFactory(phone="+8613912345678")
    unknown = ask_code(client, "13800000000")
    assert unknown.location == "/reset-password"
    assert SAME_ANSWER in client.get("/reset-password").text
    assert texts == []
    assert db.session.scalars(db.select(OutboxSms)).all() == []


def test_a_code_is_kept_only_as_a_hash(client, texts):
    learner = UserFactory()
    ask_code(client, learner.phone)
    [row] = db.session.scalars(db.select(TextedCode)).all()
    assert texted_code(texts) not in row.code_hash
    assert row.code_hash.startswith("hmac-sha256$")


def test_five_wrong_tries_end_the_code(client, texts):
    learner = UserFactory()
    ask_code(client, learner.phone)
    code = texted_code(texts)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert "do not match" in try_code(client, learner.phone, wrong).text
    assert "too many times" in try_code(client, learner.phone, wrong).text
    assert db.session.scalars(db.select(TextedCode)).all() == []
    # The number's tries are limited too; past that limit, the right code still finds nothing.
    assert try_code(client, learner.phone, code, address="198.51.100.7").status_code == 429
    limiter.reset()
    assert "do not match" in try_code(client, learner.phone, code, address="198.51.100.7").text
    db.session.expire_all()
    assert not verify_password(db.session.get(User, learner.id), NEW_PASSWORD)
    assert events(learner, "reset_code_failed") == 6


def test_an_expired_code_does_not_work(client, texts):
    learner = UserFactory()
    ask_code(client, learner.phone)
    row = db.session.scalars(db.select(TextedCode)).one()
    row.expires_at -= timedelta(minutes=texted_codes.CODE_MINUTES)
    db.session.commit()
    assert "no longer works" in try_code(client, learner.phone, texted_code(texts)).text


def test_a_second_code_replaces_the_first(client, texts):
    learner = UserFactory()
    ask_code(client, learner.phone)
    first = texted_code(texts)
    ask_code(client, learner.phone)
    second = texted_code(texts)
    if first != second:
        assert "do not match" in try_code(client, learner.phone, first).text
    assert try_code(client, learner.phone, second).status_code == 302
    assert len(texts) == 2


def test_the_new_password_must_meet_the_password_rules_and_the_code_stays(client, texts):
    learner = UserFactory()
    ask_code(client, learner.phone)
    code = texted_code(texts)
    refused = try_code(client, learner.phone, code, password="12345678")
    assert refused.status_code == 200
    assert "common" in refused.text or "guess" in refused.text
    assert try_code(client, learner.phone, code).status_code == 302


def test_asking_too_often_for_one_number_or_from_one_address_is_slowed_down_with_a_clear_message(client, texts):
    learner = UserFactory()
    for number in range(3):
        assert ask_code(client, learner.phone, address=f"203.0.113.{number}").status_code == 302
    limited = ask_code(client, learner.phone, address="198.51.100.7")
    assert limited.status_code == 429
    assert "wait a few minutes" in limited.text
    assert len(texts) == 3
    assert events(learner, "reset_code_limited") == 1
    for number in range(10):
        assert ask_code(client, f"1380000{number:04d}", address="192.0.2.9").status_code == 302
    assert ask_code(client, "13800009999", address="192.0.2.9").status_code == 429


def test_trying_codes_for_one_number_is_limited_even_from_many_addresses(client, texts):
    learner = UserFactory()
    for number in range(5):
        try_code(client, learner.phone, "000000", address=f"203.0.113.{number}")
    assert try_code(client, learner.phone, "000000", address="198.51.100.7").status_code == 429


@pytest.mark.parametrize("phone", ["", "abcdefg", "9" * 40, "\x00", "139\x001234"])
def test_a_bad_number_gets_a_clear_message_not_an_error(client, texts, phone):
    response = ask_code(client, phone)
    assert response.status_code == 200
    assert "Enter a mobile number" in response.text or "This field is required" in response.text
    assert texts == []


@pytest.mark.parametrize("code", ["", "abcdef", "9" * 40, "\x00", "12345"])
def test_a_bad_code_gets_a_clear_message_not_an_error(client, code):
    learner = UserFactory()
    response = try_code(client, learner.phone, code)
    assert response.status_code == 200
    assert "6 digits" in response.text or "This field is required" in response.text or "characters" in response.text


def test_a_code_typed_with_full_width_digits_and_spaces_works(client, texts):
    learner = UserFactory()
    ask_code(client, learner.phone)
    code = texted_code(texts)
    typed = " ".join(chr(ord(digit) + 0xFEE0) for digit in code)
    assert try_code(client, learner.phone, typed).status_code == 302


def test_staff_with_sign_in_codes_still_type_one_after_a_texted_reset(client, texts, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(two_factor, "utcnow", clock)
    mentor = MentorFactory(phone="+8613912340000")
    with_codes(mentor, clock)
    ask_code(client, mentor.phone)
    response = try_code(client, mentor.phone, texted_code(texts))
    assert response.location.startswith("/login/code")
    # Not signed in yet: the texted code alone never opens a staff account with sign-in codes.
    assert client.get("/").status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, mentor.id), NEW_PASSWORD)


def test_the_page_after_too_many_failed_sign_ins_offers_a_texted_code(client):
    learner = UserFactory()
    for _ in range(5):
        client.post("/login", data={"login": learner.phone, "password": "wrong password"})
    locked = client.post("/login", data={"login": learner.phone, "password": "wrong password"})
    assert locked.status_code == 429
    assert 'href="/forgot-password"' in locked.text
