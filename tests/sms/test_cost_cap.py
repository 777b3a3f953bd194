"""A program's monthly cap on text messages: held past it until next month or a raised cap; leads warned at 80 %."""

from datetime import UTC, datetime

import pytest

from lms.core.extensions import db
from lms.notifications import budget, sms
from lms.notifications.models import Notification, NotificationKind, OutboxEmail, OutboxSms, SmsState
from lms.notifications.services import notify, text_reset_code
from lms.notifications.sms_providers import DevProvider
from tests.cohorts.test_submission_pages import hand_in
from tests.factories import AdminFactory, CohortFactory, EnrollmentFactory, LeadFactory, ProgramFactory, UserFactory

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


def test_a_staff_members_text_is_paid_by_the_program_it_is_about_else_her_own_and_an_admins_by_none(
    app, clock, client, auth, world
):
    """Staff texts count against a program's cap: the program the message concerns (the learner's cohort's),
    else her own (a mentor's first cohort's, a lead's first program); an admin's go to a line of no program."""
    other_program = ProgramFactory()
    mentor = world.mentor_a
    mentor.email = None
    # She also mentors a cohort of a program created later: her own program is still the first.
    later_cohort = CohortFactory(program=other_program)
    later_cohort.mentors.append(mentor)
    admin = AdminFactory(email=None)
    db.session.commit()
    auth.login(world.learner_a)
    assert hand_in(client, world.courses_a.assignment, text="My price list").status_code == 302
    auth.logout()
    notify(mentor, NotificationKind.INVITE_ACCEPTED, "/cohorts/1", program_id=other_program.id)
    text_reset_code(mentor.phone)
    text_reset_code(admin.phone)
    db.session.commit()
    rows = db.session.execute(db.select(OutboxSms.user_id, OutboxSms.kind, OutboxSms.program_id).order_by(OutboxSms.id))
    assert rows.all() == [
        (mentor.id, "submission_to_review", world.program.id),  # the hand-in's cohort's program
        (mentor.id, "invite_accepted", other_program.id),  # the cohort she was told about
        (mentor.id, "sign_in_code", world.program.id),  # about no program: her own
        (admin.id, "sign_in_code", None),
    ]
    auth.login(admin)
    page = client.get("/text-messages?month=2026-12").text
    assert "cost CN¥0.16" in page
    assert "Of that, CN¥0.04 went to messages of no program" in page
    auth.logout()
    auth.login(world.lead)
    page = client.get("/text-messages?month=2026-12").text
    assert "cost CN¥0.08" in page  # the lead's program: the hand-in and the mentor's code
    assert "no program" not in page


def test_the_cap_and_the_staff_page_count_a_message_in_the_month_it_was_sent(app, clock, client, auth):
    """One definition of a message's month (``budget.in_month``): sent in it, or queued in it and not gone."""
    program = ProgramFactory()
    lead = LeadFactory(programs=[program])
    learner, never = learner_of(program), learner_of(program)
    # 23:00 on 30 November in Shanghai: quiet hours hold it until the morning of 1 December.
    clock.now = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    notify(learner, NotificationKind.ANNOUNCEMENT, "/announcements/1")
    never.phone = "+8613900000000"
    notify(never, NotificationKind.ANNOUNCEMENT, "/announcements/1")
    db.session.commit()
    stopped = db.session.scalars(db.select(OutboxSms).where(OutboxSms.user_id == never.id)).one()
    stopped.state, stopped.error_kind = SmsState.FAILED, "refused"  # it never went
    db.session.commit()
    clock.now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    assert sms.deliver_due_sms(DevProvider(), clock.now) == 1
    december, november = budget.month_of(clock.now), budget.month_of(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    assert (budget.month_spent(program.id, november), budget.month_spent(program.id, december)) == (0, 4)
    auth.login(lead)
    november_page = client.get("/text-messages?month=2026-11").text
    december_page = client.get("/text-messages?month=2026-12").text
    assert "cost CN¥0.00" in november_page
    assert '<td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">0</td>' in november_page
    assert "cost CN¥0.04" in december_page
    assert '<td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">0</td>' in december_page
