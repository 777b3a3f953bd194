"""A program's monthly cap on text messages: held past it until next month or a raised cap; leads warned at 80 %."""

from datetime import UTC, datetime

import pytest

from lms.core.extensions import db
from lms.notifications import sms
from lms.notifications.models import Notification, NotificationKind, OutboxEmail, OutboxSms, SmsState
from lms.notifications.services import notify, text_reset_code
from lms.notifications.sms_providers import DevProvider
from tests.factories import CohortFactory, EnrollmentFactory, LeadFactory, ProgramFactory, UserFactory

# 10:00 on 30 December in Shanghai; the next month begins at 16:00 UTC on 31 December.
MORNING = datetime(2026, 12, 30, 2, 0, tzinfo=UTC)
NEW_YEAR_MORNING = datetime(2027, 1, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch, app):
    """A frozen clock the outbox reads; ``clock.now`` moves it."""

    class Clock:
        now = MORNING

    monkeypatch.setattr(sms, "utcnow", lambda: Clock.now)
    monkeypatch.setattr("lms.cohorts.sms_budget.utcnow", lambda: Clock.now)
    monkeypatch.setitem(app.config, "LMS_SMS_PRICE_FEN", 4)
    DevProvider.sent.clear()
    yield Clock
    DevProvider.sent.clear()


def learner_of(program):
    learner = UserFactory(email=None)
    EnrollmentFactory(learner=learner, cohort=CohortFactory(program=program))
    return learner


def test_past_the_cap_texts_wait_for_next_month_codes_go_and_leads_are_warned_once(app, clock):
    program = ProgramFactory(sms_cap_fen=10)
    lead = LeadFactory(programs=[program])
    other_program = ProgramFactory(sms_cap_fen=4)
    learners = [learner_of(program) for _ in range(4)]
    outsider = learner_of(other_program)
    for learner in [*learners, outsider]:
        notify(learner, NotificationKind.ANNOUNCEMENT, "/announcements/1")
        db.session.commit()
    text_reset_code(learners[0].phone)
    db.session.commit()
    rows = db.session.scalars(db.select(OutboxSms).order_by(OutboxSms.id)).all()
    assert [(row.program_id, row.state, row.error_kind) for row in rows] == [
        (program.id, SmsState.SENT, ""),
        (program.id, SmsState.SENT, ""),  # 8 of 10 fen: the warning
        (program.id, SmsState.HELD, "cost_cap"),
        (program.id, SmsState.HELD, "cost_cap"),
        (other_program.id, SmsState.SENT, ""),  # its own budget
        (program.id, SmsState.SENT, ""),  # a code is never held
    ]
    assert rows[2].next_attempt_at == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    # The lead was told once (in the app and by email), though the month went on past 80 %.
    [warning] = db.session.scalars(db.select(Notification).where(Notification.user_id == lead.id)).all()
    assert warning.kind == NotificationKind.SMS_CAP_WARNING
    assert db.session.scalars(db.select(OutboxEmail.to_address)).all() == [lead.email]
    assert db.session.scalars(db.select(OutboxEmail.body)).one().count("¥0.08") == 1
    # The sweep keeps them waiting this month; on the morning of the next they go.
    assert sms.deliver_due_sms(DevProvider(), datetime(2026, 12, 31, 15, 0, tzinfo=UTC)) == 0
    clock.now = NEW_YEAR_MORNING
    assert sms.deliver_due_sms(DevProvider(), NEW_YEAR_MORNING) == 2
    db.session.expire_all()
    assert [row.state for row in db.session.scalars(db.select(OutboxSms))].count(SmsState.HELD) == 0


def test_a_lead_raising_the_cap_sends_what_it_held(app, clock, client, auth):
    program = ProgramFactory(sms_cap_fen=4)
    lead = LeadFactory(programs=[program])
    for learner in [learner_of(program), learner_of(program)]:
        notify(learner, NotificationKind.ANNOUNCEMENT, "/announcements/1")
        db.session.commit()
    auth.login(lead)
    page = client.get(f"/programs/{program.id}/text-messages").text
    assert "have cost CN¥0.04 of the cap of CN¥0.04" in page
    for bad in ("-1", "2000000", "lots"):
        response = client.post(f"/programs/{program.id}/text-messages", data={"cap_yuan": bad})
        assert response.status_code == 400
        assert 'class="error"' in response.text
    assert client.post(f"/programs/{program.id}/text-messages", data={"cap_yuan": "50元"}).status_code == 302
    db.session.expire_all()
    assert program.sms_cap_fen == 5000
    assert sms.deliver_due_sms(DevProvider(), MORNING) == 1
    assert client.post(f"/programs/{program.id}/text-messages", data={"cap_yuan": ""}).status_code == 302
    db.session.expire_all()
    assert program.sms_cap_fen is None
