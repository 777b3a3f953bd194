"""Which channel each kind of message goes by, and stopping text messages by a reply word."""

import json
import re
from datetime import UTC, datetime

import pytest

from lms.core.extensions import db
from lms.notifications import sms
from lms.notifications.models import (
    MessageChannel,
    Notification,
    NotificationKind,
    OutboxEmail,
    OutboxSms,
    SmsKind,
    SmsState,
    SmsStop,
)
from lms.notifications.services import notify, notify_many, text_reset_code
from lms.notifications.sms_providers import DevProvider
from tests.factories import UserFactory
from tests.sms.providers import TENCENT_TEMPLATES, tencent_answer, tencent_config
from tests.sms.stand_in import running_stand_in

MORNING = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
SECRET = "a-long-shared-callback-secret"


@pytest.fixture(autouse=True)
def morning(monkeypatch):
    monkeypatch.setattr(sms, "utcnow", lambda: MORNING)
    DevProvider.sent.clear()
    yield
    DevProvider.sent.clear()


@pytest.fixture
def secret(app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_SMS_CALLBACK_SECRET", SECRET)
    return SECRET


def outbox() -> tuple[list[tuple[str, str]], list[str]]:
    """The texts (number, kind) and emails (address) written, in order."""
    texts = [(m.to_number, m.kind) for m in db.session.scalars(db.select(OutboxSms).order_by(OutboxSms.id))]
    emails = list(db.session.scalars(db.select(OutboxEmail.to_address).order_by(OutboxEmail.id)))
    return texts, emails


def test_by_default_a_phone_only_learner_gets_texts_and_one_with_an_address_emails(app):
    phone_only = UserFactory(email=None)
    with_email = UserFactory(email="li@example.org")
    notify_many([phone_only, with_email], NotificationKind.ANNOUNCEMENT, "/announcements/1")
    notify(phone_only, NotificationKind.FOLLOW_UP_DUE, "/follow-ups/1")
    db.session.commit()
    assert outbox() == (
        [(phone_only.phone, "announcement"), (phone_only.phone, "follow_up_due")],
        ["li@example.org"],
    )


def test_she_chooses_a_channel_per_kind_on_her_settings_page_and_each_kind_follows_it(app, client, auth):
    learner = UserFactory(email="li@example.org")
    auth.login(learner)
    page = client.get("/account/settings").text
    # Her default is email, as she has an address; every kind of a learner's messages is offered.
    [checked] = re.findall(
        r'<input[^>]*checked[^>]*name="follow_ups"[^>]*>|<input[^>]*name="follow_ups"[^>]*checked[^>]*>', page
    )
    assert 'value="email"' in checked
    for label in ("Follow-up reminders", "Feedback and revision requests", "Announcements", "Text message"):
        assert label in page
    choices = {"follow_ups": "sms", "feedback": "email", "announcements": "app", "other": "app"}
    assert client.post("/account/messages", data=choices).status_code == 302
    assert "Each kind of message now reaches you" in client.get("/account/settings").text
    for kind in (NotificationKind.FOLLOW_UP_DUE, NotificationKind.REVISION_REQUESTED, NotificationKind.ANNOUNCEMENT):
        notify(learner, kind, "/x")
    db.session.commit()
    assert outbox() == ([(learner.phone, "follow_up_due")], ["li@example.org"])
    # Every notification still shows in the app.
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 3


def test_a_channel_she_cannot_be_reached_by_or_garbage_is_a_form_error(app, client, auth):
    learner = UserFactory(email=None)
    auth.login(learner)
    response = client.post(
        "/account/messages", data={"follow_ups": "email", "feedback": "pigeon", "announcements": "sms"}
    )
    assert response.status_code == 400
    assert response.text.count("Choose how these messages reach you.") == 3  # email (none), pigeon, other missing
    assert 'value="email"' not in response.text
    assert db.session.scalars(db.select(MessageChannel)).all() == []


def test_staff_choose_for_their_own_kinds_and_a_mentor_can_keep_reviews_in_the_app(app, client, auth):
    mentor = UserFactory(role="mentor", email=None)
    auth.login(mentor)
    page = client.get("/account/settings").text
    assert "Work waiting for your review" in page
    assert "What lesson videos play first" not in page
    assert "Follow-up reminders" not in page
    data = {"reviews": "app", "cohort": "sms", "announcements": "sms", "other": "sms"}
    assert client.post("/account/messages", data=data).status_code == 302
    assert client.post("/account/settings", data={"video_choice": "small"}).status_code == 403
    notify(mentor, NotificationKind.SUBMISSION_TO_REVIEW, "/reviews")
    notify(mentor, NotificationKind.INVITE_ACCEPTED, "/cohorts/1")
    db.session.commit()
    assert outbox() == ([(mentor.phone, "invite_accepted")], [])


def tencent_reply(phone: str, text: str) -> dict:
    return {
        "extend": "",
        "mobile": phone.removeprefix("+86"),
        "nationcode": "86",
        "sign": "乡村创业学堂",
        "text": text,
        "time": 1764730000,
    }


def test_a_stop_reply_through_tencent_stops_her_texts_but_not_her_codes(app, client, auth, monkeypatch, secret):
    learner = UserFactory(email=None, locale="zh_Hans")
    with running_stand_in() as stand_in:
        stand_in.answer = tencent_answer()
        for key, value in tencent_config(stand_in).items():
            monkeypatch.setitem(app.config, key, value)
        notify(learner, NotificationKind.FEEDBACK_RECEIVED, "/lessons/1/submission")
        db.session.commit()
        assert len(stand_in.received) == 1
        held = sms.queue_sms(
            learner.phone,
            "later",
            NotificationKind.ANNOUNCEMENT,
            user_id=learner.id,
            now=datetime(2026, 12, 3, 14, 30, tzinfo=UTC),
        )  # at night: held
        db.session.commit()
        response = client.post(
            f"/sms/callbacks/tencent/replies?token={secret}", json=tencent_reply(learner.phone, " ＴＤ。")
        )
        assert (response.status_code, response.json) == (200, {"result": 0, "errmsg": "OK"})
        db.session.expire_all()
        assert (held.state, held.error_kind) == (SmsState.FAILED, "stopped")
        notify(learner, NotificationKind.REVISION_REQUESTED, "/lessons/1/submission")
        text_reset_code(learner.phone)
        db.session.commit()
        assert len(stand_in.received) == 2  # the code, nothing else
        code_request = json.loads(stand_in.received[1].body)
        assert code_request["TemplateId"] == TENCENT_TEMPLATES["sign_in_code"]["zh_Hans"]
        assert code_request["TemplateParamSet"][1] == "10"  # the code, and its minutes
    assert db.session.scalars(db.select(OutboxSms.kind).order_by(OutboxSms.id.desc())).first() == SmsKind.SIGN_IN_CODE
    auth.login(learner)
    page = client.get("/account/settings").text
    assert "回复了“ＴＤ。”" in page
    client.post("/account/text-messages", data={"text_messages": "y"})
    assert db.session.scalars(db.select(SmsStop)).all() == []
    notify(learner, NotificationKind.REVISION_REQUESTED, "/lessons/1/submission")
    db.session.commit()
    assert outbox()[0][-1] == (learner.phone, "revision_requested")


@pytest.mark.parametrize(
    ("provider", "body", "answer"),
    [
        (
            "aliyun",
            lambda p: [
                {
                    "phone_number": p.removeprefix("+86"),
                    "content": "退订",
                    "sign_name": "乡村创业学堂",
                    "send_time": "2026-12-03 10:00:00",
                    "dest_code": "1",
                    "sequence_id": 7,
                }
            ],
            {"code": 0, "msg": "成功"},
        ),
        ("http", lambda p: {"sender": p, "message": "Stop"}, {"ok": True}),
    ],
)
def test_aliyun_and_a_gateway_reply_in_their_own_shapes_stop_the_number(
    app, client, monkeypatch, secret, provider, body, answer
):
    monkeypatch.setitem(app.config, "LMS_SMS_HTTP_REPLY_FROM_FIELD", "sender")
    monkeypatch.setitem(app.config, "LMS_SMS_HTTP_REPLY_TEXT_FIELD", "message")
    learner = UserFactory(email=None)
    other = UserFactory(email=None)
    response = client.post(
        f"/sms/callbacks/{provider}/replies", json=body(learner.phone), headers={"X-Callback-Token": secret}
    )
    assert (response.status_code, response.json) == (200, answer)
    assert db.session.scalars(db.select(SmsStop.phone)).all() == [learner.phone]
    notify_many([learner, other], NotificationKind.ANNOUNCEMENT, "/announcements/1")
    db.session.commit()
    assert outbox()[0] == [(other.phone, "announcement")]


def test_a_gateway_may_post_a_form_and_words_that_are_not_stop_words_change_nothing(app, client, secret):
    learner = UserFactory(email=None)
    for text in ("谢谢", "TDD", "not now", "stop it"):
        response = client.post(
            f"/sms/callbacks/http/replies?token={secret}", data={"from": learner.phone, "text": text}
        )
        assert response.status_code == 200
    client.post(f"/sms/callbacks/http/replies?token={secret}", data={"from": learner.phone, "text": " t "})
    assert db.session.scalars(db.select(SmsStop.word)).all() == ["t"]


def test_callbacks_without_the_secret_are_refused_and_garbage_is_a_400(app, client, monkeypatch, secret):
    learner = UserFactory(email=None)
    reply = tencent_reply(learner.phone, "TD")
    assert client.post("/sms/callbacks/tencent/replies", json=reply).status_code == 403
    assert client.post("/sms/callbacks/tencent/replies?token=wrong", json=reply).status_code == 403
    monkeypatch.setitem(app.config, "LMS_SMS_CALLBACK_SECRET", "")
    assert client.post("/sms/callbacks/tencent/replies?token=", json=reply).status_code == 403
    monkeypatch.setitem(app.config, "LMS_SMS_CALLBACK_SECRET", secret)
    url = f"/sms/callbacks/tencent/replies?token={secret}"
    for garbage in (
        b"not json",
        b"[]",
        b"[1, 2]",
        b'{"mobile": "123", "text": "TD"}',
        b'{"mobile": "13912345678"}',
        b'{"mobile": ["x"], "text": "TD"}',
    ):
        response = client.post(url, data=garbage, content_type="application/json")
        assert response.status_code == 400, garbage
        assert response.json["error"]
    # One bad item among good ones: nothing is written.
    response = client.post(url, json=[reply, {"mobile": "1", "text": "TD"}])
    assert response.status_code == 400
    assert db.session.scalars(db.select(SmsStop)).all() == []
