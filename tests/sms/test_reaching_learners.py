"""A phone-only learner is reached by a follow-up reminder, a revision request and a password code, through
each backend against a stand-in that speaks its API: the SDK's own request is checked (sign, the kind's
template, its parameters), and the code it carried chooses her new password."""

import json
import re
from datetime import UTC, datetime

import pytest

from lms.core.calendar import add_months, program_today
from lms.core.extensions import db
from lms.notifications import sms
from lms.notifications.models import NotificationKind, OutboxSms, SmsState
from lms.notifications.services import notify
from lms.notifications.sms_providers import sms_provider
from lms.outcomes.follow_ups import waves
from tests.cohorts.test_submission_pages import hand_in, post_review, review_fields, the_submission
from tests.sms.providers import ALIYUN_TEMPLATES, ANSWERS, CONFIGS, TENCENT_TEMPLATES
from tests.sms.stand_in import running_stand_in

# 10:00 in Shanghai: outside quiet hours.
MORNING = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
BASE_URL = "https://lms.example.org"
NEW_PASSWORD = "tea garden by the river 42"


@pytest.fixture
def backend(request, app, monkeypatch):
    """The chosen backend's settings pointed at a running stand-in, the clock at a morning."""
    monkeypatch.setattr(sms, "utcnow", lambda: MORNING)
    monkeypatch.setitem(app.config, "LMS_BASE_URL", BASE_URL)
    with running_stand_in() as stand_in:
        stand_in.answer = ANSWERS[request.param]
        for key, value in CONFIGS[request.param](stand_in).items():
            monkeypatch.setitem(app.config, key, value)
        stand_in.backend = request.param
        yield stand_in


def phone_only(world, language: str):
    learner = world.learner_a
    learner.email, learner.locale = None, language
    db.session.commit()
    return learner


def sent_to(stand_in, learner) -> list:
    """What the stand-in received for her number (mentors may be texted too), as the provider reads it."""
    national = learner.phone.removeprefix("+86")
    requests = []
    for received in stand_in.received:
        if stand_in.backend == "aliyun":
            request = received.query
            if request["PhoneNumbers"] == national:
                requests.append(received)
        else:
            body = json.loads(received.body)
            if learner.phone in (body.get("to"), *(body.get("PhoneNumberSet") or [])):
                requests.append(received)
    return requests


def assert_template_request(stand_in, received, kind: str, language: str, params: dict) -> None:
    """The SDK's request names the approved sign, the kind's template in her language, and its parameters."""
    if stand_in.backend == "aliyun":
        assert received.headers["x-acs-action"] == "SendSms"
        assert received.headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=test-key-id,")
        assert received.query["SignName"] == "乡村创业学堂"
        assert received.query["TemplateCode"] == ALIYUN_TEMPLATES[kind][language]
        assert json.loads(received.query["TemplateParam"]) == params
    else:
        assert received.headers["x-tc-action"] == "SendSms"
        assert received.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=test-secret-id/")
        body = json.loads(received.body)
        assert (body["SmsSdkAppId"], body["SignName"]) == ("1400000000", "乡村创业学堂")
        assert body["TemplateId"] == TENCENT_TEMPLATES[kind][language]
        assert body["TemplateParamSet"] == list(params.values())


def her_message(learner, kind: str) -> OutboxSms:
    db.session.expire_all()
    [message] = db.session.scalars(db.select(OutboxSms).where(OutboxSms.user_id == learner.id, OutboxSms.kind == kind))
    assert message.state == SmsState.SENT
    return message


def short_link(message: OutboxSms) -> str:
    return re.search(rf"{re.escape(BASE_URL)}/n/\d+", message.text)[0]


def check_link_message(stand_in, learner, kind: str, language: str) -> str:
    """The one message of ``kind`` she was sent; its short link."""
    [received] = sent_to(stand_in, learner)
    message = her_message(learner, kind)
    link = short_link(message)
    if stand_in.backend == "http":
        assert json.loads(received.body) == {"to": learner.phone, "text": message.text}
    else:
        assert_template_request(stand_in, received, kind, language, {"url": link})
    return link


@pytest.mark.parametrize("backend", ["aliyun", "tencent", "http"], indirect=True)
def test_a_follow_up_reminder_reaches_a_phone_only_graduate_and_its_link_opens_her_form(
    app, world, client, auth, backend
):
    learner = phone_only(world, "zh_Hans")
    world.graduate(graduated_on=add_months(program_today(), -3))
    db.session.commit()
    assert waves.notify_due_follow_ups() == 1
    db.session.commit()
    link = check_link_message(backend, learner, "follow_up_due", "zh_Hans")
    auth.login(learner)
    assert client.get(link.removeprefix(BASE_URL)).headers["Location"] == (
        f"/learners/{learner.id}/follow-ups/new?wave=3"
    )


@pytest.mark.parametrize("backend", ["aliyun", "tencent", "http"], indirect=True)
def test_a_revision_request_reaches_a_phone_only_learner_in_her_language(app, world, client, auth, backend):
    learner = phone_only(world, "en")  # an English template where one is registered
    lesson = world.courses_a.assignment
    auth.login(learner)
    assert hand_in(client, lesson, text="My price list").status_code == 302
    auth.logout()
    submission = the_submission(learner, lesson)
    auth.login(world.mentor_a)
    fields = review_fields(client, submission.id, decision="revision_requested", feedback="Show the price per jin.")
    assert post_review(client, submission.id, fields).status_code == 302
    link = check_link_message(backend, learner, "revision_requested", "en")
    auth.logout()
    auth.login(learner)
    assert client.get(link.removeprefix(BASE_URL)).headers["Location"] == f"/lessons/{lesson.id}/submission"


@pytest.mark.parametrize("backend", ["aliyun", "tencent", "http"], indirect=True)
def test_a_password_code_reaches_a_phone_only_learner_and_chooses_her_new_password(app, world, client, backend):
    learner = phone_only(world, "zh_Hans")
    response = client.post("/forgot-password", data={"phone": learner.phone})
    assert response.status_code == 302
    [received] = sent_to(backend, learner)
    message = her_message(learner, "sign_in_code")
    if backend.backend == "http":
        assert json.loads(received.body) == {"to": learner.phone, "text": message.text}
        code = re.search(r"(?<!\d)\d{6}(?!\d)", message.text)[0]
    else:
        code = message.params["code"]
        assert re.fullmatch(r"\d{6}", code)
        assert code in message.text
        assert_template_request(backend, received, "sign_in_code", "zh_Hans", {"code": code, "minutes": "10"})
    response = client.post(
        "/reset-password",
        data={"phone": learner.phone, "code": code, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.post("/login", data={"login": learner.phone, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize("backend", ["tencent"], indirect=True)
def test_quiet_hours_the_days_limit_and_the_cap_hold_at_a_real_provider_under_a_frozen_clock(
    app, world, monkeypatch, backend
):
    """22:30 in Shanghai: nothing reaches the provider until 08:00; then three a day, and the program's cap."""
    clock = {"now": datetime(2026, 12, 3, 14, 30, tzinfo=UTC)}
    monkeypatch.setattr(sms, "utcnow", lambda: clock["now"])
    monkeypatch.setitem(app.config, "LMS_SMS_PER_DAY", 3)
    monkeypatch.setitem(app.config, "LMS_SMS_PRICE_FEN", 4)
    learner = phone_only(world, "zh_Hans")
    world.program.sms_cap_fen = 24  # three texts a month: the stand-in bills each as two of 4 fen
    db.session.commit()
    for number in range(5):
        notify(learner, NotificationKind.ANNOUNCEMENT, f"/announcements/{number}", program_id=world.program.id)
    db.session.commit()
    assert backend.received == []  # all held for the morning
    assert sms.deliver_due_sms(sms_provider(app.config), datetime(2026, 12, 3, 23, 59, tzinfo=UTC)) == 0
    clock["now"] = eight = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
    assert sms.deliver_due_sms(sms_provider(app.config), eight) == 3  # the day's limit
    assert len(backend.received) == 3
    next_morning = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    clock["now"] = next_morning
    assert sms.deliver_due_sms(sms_provider(app.config), next_morning) == 0  # the month's cap is spent
    db.session.expire_all()
    states = [(row.state, row.error_kind) for row in db.session.scalars(db.select(OutboxSms).order_by(OutboxSms.id))]
    assert states == [(SmsState.SENT, "")] * 3 + [(SmsState.HELD, "cost_cap")] * 2
    assert len(backend.received) == 3
