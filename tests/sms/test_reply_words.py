"""A learner who answers a text with a stop word: the stand-in provider calls the site's reply callback over
HTTP, as Aliyun, Tencent or a gateway would, and her text messages stop."""

import threading
from datetime import UTC, datetime

import pytest
from werkzeug.serving import make_server

from lms.core.extensions import db
from lms.notifications import sms
from lms.notifications.channels import channels_for
from lms.notifications.models import Channel, NotificationKind, SmsStop, SmsStopSource
from lms.notifications.services import notify
from tests.factories import UserFactory
from tests.sms.providers import ANSWERS, CONFIGS
from tests.sms.stand_in import running_stand_in

pytestmark = pytest.mark.commits  # the site answers the provider from a thread of its own

MORNING = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
SECRET = "a-long-shared-callback-secret"


@pytest.fixture
def site(app, monkeypatch):
    """The app served on a free 127.0.0.1 port, for the provider to call back."""
    monkeypatch.setitem(app.config, "LMS_SMS_CALLBACK_SECRET", SECRET)
    monkeypatch.setattr(sms, "utcnow", lambda: MORNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def reply_of(provider: str, phone: str, word: str) -> dict:
    """What the provider sends the site when a phone answers: Aliyun's SmsUp push (a JSON list), Tencent's reply
    callback (a JSON object), a gateway's form (its from and text fields)."""
    national = phone.removeprefix("+86")
    if provider == "aliyun":
        shape = [
            {
                "phone_number": national,
                "content": word,
                "sign_name": "乡村创业学堂",
                "send_time": "2026-12-03 10:05:00",
                "dest_code": "1",
                "sequence_id": 7,
            }
        ]
        return {"json_body": shape}
    if provider == "tencent":
        shape = {"extend": "", "mobile": national, "nationcode": "86", "sign": "乡村创业学堂", "text": word}
        return {"json_body": shape}
    return {"form": {"from": phone, "text": word}}


ANSWERED = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}, "http": {"ok": True}}


@pytest.mark.parametrize(("provider", "word"), [("aliyun", "退订"), ("tencent", "TD"), ("http", "STOP")])
def test_a_stop_word_the_provider_delivers_to_the_callback_stops_her_texts(
    app, client, auth, monkeypatch, site, provider, word
):
    learner = UserFactory(email=None, locale="zh_Hans")
    other = UserFactory(email=None, locale="zh_Hans")
    db.session.commit()
    with running_stand_in() as stand_in:
        stand_in.answer = ANSWERS[provider]
        for key, value in CONFIGS[provider](stand_in).items():
            monkeypatch.setitem(app.config, key, value)
        notify(learner, NotificationKind.FEEDBACK_RECEIVED, "/lessons/1/submission")
        db.session.commit()
        assert len(stand_in.received) == 1
        answer = stand_in.call_back(
            f"{site}/sms/callbacks/{provider}/replies?token={SECRET}", **reply_of(provider, learner.phone, word)
        )
        assert (answer.status_code, answer.json()) == (200, ANSWERED[provider])
        db.session.expire_all()
        [stop] = db.session.scalars(db.select(SmsStop)).all()
        assert (stop.phone, stop.source, stop.word) == (learner.phone, SmsStopSource.REPLY, word)
        # Her preference changed: nothing more by text, while the other learner still gets hers.
        assert channels_for([learner, other], NotificationKind.ANNOUNCEMENT) == {
            learner.id: Channel.APP,
            other.id: Channel.SMS,
        }
        notify(learner, NotificationKind.ANNOUNCEMENT, "/announcements/1")
        notify(other, NotificationKind.ANNOUNCEMENT, "/announcements/1")
        db.session.commit()
        assert len(stand_in.received) == 2
        last = stand_in.received[-1]
        assert other.phone.removeprefix("+86") in last.body.decode() + str(last.query)
    auth.login(learner)
    assert f"回复了“{word}”" in client.get("/account/settings").text
