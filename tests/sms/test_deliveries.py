"""Delivery receipts from the providers, and the leads' page of what went, arrived, failed and waits."""

import re
from datetime import UTC, date, datetime

import pytest

from lms.core.extensions import db
from lms.notifications.models import NotificationKind, OutboxSms, SmsKind, SmsState
from tests.factories import AdminFactory, LeadFactory, ProgramFactory, graduate

SECRET = "a-long-shared-callback-secret"
DECEMBER = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def secret(app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_SMS_CALLBACK_SECRET", SECRET)
    return SECRET


def message(kind, state, program=None, provider_id="", cost=0, at=DECEMBER) -> OutboxSms:
    row = OutboxSms(
        user_id=None,
        program_id=program.id if program else None,
        to_number="+8613912345678",
        text="hi",
        kind=str(kind),
        state=state,
        provider_message_id=provider_id,
        cost_fen=cost,
        created_at=at,
        planned_at=at,
        next_attempt_at=at,
        sent_at=at if state == SmsState.SENT else None,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.mark.parametrize(
    ("provider", "delivered", "failed", "answer"),
    [
        (
            "tencent",
            {"sid": "s-1", "report_status": "SUCCESS", "mobile": "13912345678", "errmsg": "DELIVRD"},
            {"sid": "s-2", "report_status": "FAIL", "mobile": "13912345678", "errmsg": "MK:0001"},
            {"result": 0, "errmsg": "OK"},
        ),
        (
            "aliyun",
            {"biz_id": "s-1", "success": True, "err_code": "DELIVERED", "phone_number": "13912345678"},
            {"biz_id": "s-2", "success": False, "err_code": "MK:0001", "phone_number": "13912345678"},
            {"code": 0, "msg": "成功"},
        ),
        ("http", {"id": "s-1", "status": "DELIVRD"}, {"id": "s-2", "status": "expired"}, {"ok": True}),
    ],
)
def test_a_receipt_marks_a_message_delivered_or_failed_once(app, client, secret, provider, delivered, failed, answer):
    first = message(SmsKind.NOTIFICATION, SmsState.SENT, provider_id="s-1")
    second = message(SmsKind.NOTIFICATION, SmsState.SENT, provider_id="s-2")
    url = f"/sms/callbacks/{provider}/receipts?token={secret}"
    response = client.post(url, json=[delivered, failed])
    assert (response.status_code, response.json) == (200, answer)
    db.session.expire_all()
    assert (first.state, second.state, second.error_kind) == (SmsState.DELIVERED, SmsState.FAILED, "undelivered")
    # The same receipt again, or a failure after delivery, changes nothing.
    client.post(url, json=[{**failed, **{k: v for k, v in delivered.items() if k in ("sid", "biz_id", "id")}}])
    db.session.expire_all()
    assert first.state == SmsState.DELIVERED


def test_receipts_need_the_secret_and_garbage_is_a_400(app, client, secret):
    assert client.post("/sms/callbacks/tencent/receipts", json=[{"sid": "x"}]).status_code == 403
    url = f"/sms/callbacks/tencent/receipts?token={secret}"
    for garbage in ("[]", '[{"sid": "x"}]', '{"report_status": "SUCCESS"}', "nonsense"):
        response = client.post(url, data=garbage, content_type="application/json")
        assert response.status_code == 400, garbage


def test_a_lead_sees_her_programs_month_per_kind_and_an_admin_every_message(app, client, auth, count_queries):
    mine, theirs = ProgramFactory(), ProgramFactory()
    lead = LeadFactory(programs=[mine])
    message(NotificationKind.FOLLOW_UP_DUE, SmsState.SENT, mine, cost=5)
    message(NotificationKind.FOLLOW_UP_DUE, SmsState.DELIVERED, mine, cost=5)
    message(NotificationKind.FOLLOW_UP_DUE, SmsState.FAILED, mine)
    message(NotificationKind.ANNOUNCEMENT, SmsState.HELD, mine)
    message(NotificationKind.ANNOUNCEMENT, SmsState.SENT, theirs, cost=1000)
    message(SmsKind.SIGN_IN_CODE, SmsState.SENT, mine, cost=5, at=datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    auth.login(lead)
    with count_queries() as queries:
        page = client.get("/text-messages?month=2026-12").text
    assert "cost CN¥0.15" in page  # 1 December 01:00 in Shanghai: the code is December's
    assert "<tr><td>Follow-up reminders</td>" in page
    assert '<td class="num">2</td><td class="num">1</td><td class="num">1</td><td class="num">0</td>' in page
    assert "CN¥10.00" not in page
    assert "No text messages that month." in client.get("/text-messages?month=2026-10").text
    for bad in ("2026-13", "December", "1999-01"):
        response = client.get(f"/text-messages?month={bad}")
        assert response.status_code == 400
        assert "for example 2026-12" in response.text
    # More programs and messages: the same number of queries.
    for _ in range(3):
        message(NotificationKind.FEEDBACK_RECEIVED, SmsState.SENT, ProgramFactory(leads=[lead]), cost=1)
    with count_queries() as more:
        assert "Feedback" in client.get("/text-messages?month=2026-12").text
    assert len(more) == len(queries)
    auth.logout()
    auth.login(AdminFactory())
    assert "cost CN¥10.18" in client.get("/text-messages?month=2026-12").text


def test_the_follow_up_list_flags_a_graduate_whose_reminders_all_failed(app, client, auth, world):
    lost = graduate(world.cohort_a, graduated_on=date(2025, 1, 1))
    reached = graduate(world.cohort_a, graduated_on=date(2025, 1, 1))
    for graduation, states in ((lost, [SmsState.FAILED, SmsState.FAILED]), (reached, [SmsState.FAILED, SmsState.SENT])):
        for state in states:
            row = message(NotificationKind.FOLLOW_UP_DUE, state)
            row.user_id = graduation.learner_id
    message(NotificationKind.ANNOUNCEMENT, SmsState.FAILED).user_id = reached.learner_id
    db.session.commit()
    auth.login(world.lead)
    page = client.get("/follow-ups?state=all").text
    cells = re.findall(r'<th scope="row">(.*?)</th>', page, re.DOTALL)
    assert any(lost.learner.name in cell for cell in cells)
    assert any(reached.learner.name in cell for cell in cells)
    for cell in cells:
        assert ("Unreachable: check the number" in cell) == (lost.learner.name + "<" in cell), cell
    client.post("/language", data={"lang": "zh_Hans"})
    assert "联系不上：请核对手机号" in client.get("/follow-ups?state=all").text
