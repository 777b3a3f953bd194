"""The text-message outbox: each message sent once by its job, kept when the provider fails, held at night."""

import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from huey.exceptions import RetryTask

from lms.core.extensions import db
from lms.notifications import sms, tasks
from lms.notifications.models import Notification, NotificationKind, OutboxSms, SmsKind, SmsState, SmsStop
from lms.notifications.services import notify, notify_many
from lms.notifications.sms_providers import DevProvider, SmsReceipt, SmsRefusedError, SmsUnavailableError
from lms.privacy.services import anonymise_learner
from tests.factories import UserFactory

# 10:00 in Shanghai: outside quiet hours.
MORNING = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
# 22:30 in Shanghai.
NIGHT = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)


class Flaky:
    """A provider that is down, then answers."""

    def __init__(self, failures: int, error=SmsUnavailableError):
        self.failures, self.error, self.sent = failures, error, []

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise self.error("gateway timed out")
        self.sent.append((message.to_number, message.text))
        return SmsReceipt(message_id=f"id-{len(self.sent)}")


@pytest.fixture(autouse=True)
def dev_outbox():
    DevProvider.sent.clear()
    yield DevProvider.sent
    DevProvider.sent.clear()


def waiting_message(user=None, kind=SmsKind.NOTIFICATION, now=MORNING) -> OutboxSms:
    user = user or UserFactory()
    message = sms.queue_sms(user.phone, "[Village Business School] hello", kind, user_id=user.id, now=now)
    db.session.commit()
    return message


def test_a_message_is_sent_by_its_job_after_the_commit_and_never_again(app, job_queue, monkeypatch):
    monkeypatch.setattr(sms, "utcnow", lambda: MORNING)
    user = UserFactory()
    message = sms.queue_sms(user.phone, "hello", SmsKind.NOTIFICATION, user_id=user.id)
    tasks.text_after_commit(message)
    assert job_queue.names() == []  # nothing goes before the commit
    db.session.commit()
    assert job_queue.names() == ["deliver_sms"]
    assert job_queue.run() == 1
    db.session.expire_all()
    sent = db.session.get(OutboxSms, message.id)
    assert (sent.state, sent.attempts) == (SmsState.SENT, 0)
    assert sent.provider_message_id.startswith("dev-")
    # The job again (a retry racing the sweep) and the sweep send nothing more.
    assert tasks.deliver_sms.call_local(message.id) is False
    assert tasks.deliver_due_sms.call_local() == 0
    assert DevProvider.sent == [(user.phone, "hello")]


def test_two_workers_claiming_one_message_send_it_once(app):
    message = waiting_message()
    first = sms.claim_sms(message.id, MORNING)
    second = sms.claim_sms(message.id, MORNING)
    assert first is not None
    assert second is None
    provider = Flaky(0)
    assert sms.deliver_sms(provider, message.id, MORNING) is None  # the other worker holds it
    assert sms.deliver_due_sms(provider, MORNING) == 0
    assert provider.sent == []


def test_a_provider_that_is_down_leaves_the_message_waiting_with_its_error_then_it_goes_once(app):
    message = waiting_message()
    provider = Flaky(2)
    sms.deliver_sms(provider, message.id, MORNING)
    db.session.expire_all()
    waiting = db.session.get(OutboxSms, message.id)
    assert (waiting.state, waiting.attempts, waiting.error_kind) == (SmsState.WAITING, 1, "unreachable")
    assert waiting.last_error == "gateway timed out"
    assert waiting.next_attempt_at == MORNING + timedelta(minutes=1)
    # Not due yet: nothing is tried.
    assert sms.deliver_due_sms(provider, MORNING + timedelta(seconds=30)) == 0
    assert sms.deliver_due_sms(provider, MORNING + timedelta(minutes=1)) == 0  # down again
    db.session.expire_all()
    assert db.session.get(OutboxSms, message.id).next_attempt_at == MORNING + timedelta(minutes=3)
    assert sms.deliver_due_sms(provider, MORNING + timedelta(minutes=3)) == 1
    assert sms.deliver_due_sms(provider, MORNING + timedelta(hours=1)) == 0
    assert len(provider.sent) == 1
    db.session.expire_all()
    sent = db.session.get(OutboxSms, message.id)
    assert (sent.state, sent.attempts, sent.error_kind) == (SmsState.SENT, 2, "")


def test_the_job_retries_on_the_outbox_backoff(app, job_queue, monkeypatch):
    message = waiting_message()
    monkeypatch.setattr(sms, "utcnow", lambda: MORNING)
    monkeypatch.setattr(tasks, "sms_provider", lambda _config: Flaky(1))
    with pytest.raises(RetryTask) as retry:
        tasks.deliver_sms.call_local(message.id)
    db.session.expire_all()
    assert retry.value.eta == db.session.get(OutboxSms, message.id).next_attempt_at


def test_a_refused_message_fails_at_once_and_one_never_answered_fails_after_its_last_try(app):
    refused = waiting_message()
    sms.deliver_sms(Flaky(1, SmsRefusedError), refused.id, MORNING)
    down = waiting_message()
    moment = MORNING
    for _ in range(sms.MOST_ATTEMPTS):
        sms.deliver_sms(Flaky(1), down.id, moment)
        moment += timedelta(days=1)  # past the longest backoff, in the day
    db.session.expire_all()
    assert (db.session.get(OutboxSms, refused.id).state, refused.error_kind) == (SmsState.FAILED, "refused")
    gave_up = db.session.get(OutboxSms, down.id)
    assert (gave_up.state, gave_up.attempts, gave_up.error_kind) == (SmsState.FAILED, sms.MOST_ATTEMPTS, "unreachable")


def test_a_code_that_could_not_go_out_in_time_is_not_sent_late(app):
    message = waiting_message(kind=SmsKind.SIGN_IN_CODE)
    sms.deliver_sms(Flaky(1), message.id, MORNING)
    provider = Flaky(0)
    sms.deliver_due_sms(provider, MORNING + timedelta(minutes=11))
    db.session.expire_all()
    assert (db.session.get(OutboxSms, message.id).state, provider.sent) == (SmsState.FAILED, [])
    assert message.error_kind == "expired"


def test_quiet_hours_hold_a_reminder_until_eight_but_never_a_code(app):
    user = UserFactory()
    reminder = waiting_message(user, now=NIGHT)
    code = waiting_message(user, kind=SmsKind.SIGN_IN_CODE, now=NIGHT)
    eight = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)  # 08:00 next morning in Shanghai
    assert (reminder.state, reminder.next_attempt_at) == (SmsState.HELD, eight)
    assert (code.state, code.next_attempt_at) == (SmsState.WAITING, NIGHT)
    early = waiting_message(now=datetime(2026, 12, 3, 23, 0, tzinfo=UTC))  # 07:00 in Shanghai
    assert early.next_attempt_at == eight
    provider = Flaky(0)
    assert sms.deliver_due_sms(provider, NIGHT) == 1  # the code
    assert sms.deliver_due_sms(provider, eight - timedelta(minutes=1)) == 0
    assert sms.deliver_due_sms(provider, eight) == 2
    db.session.expire_all()
    assert db.session.get(OutboxSms, reminder.id).state == SmsState.SENT


def test_a_reminder_a_retry_or_a_late_worker_reaches_at_night_waits_for_the_morning(app):
    message = waiting_message(now=MORNING)
    provider = Flaky(0)
    assert sms.deliver_due_sms(provider, NIGHT) == 0
    db.session.expire_all()
    held = db.session.get(OutboxSms, message.id)
    assert (held.state, held.next_attempt_at, held.attempts) == (
        SmsState.HELD,
        datetime(2026, 12, 4, 0, 0, tzinfo=UTC),
        0,
    )
    assert provider.sent == []
    assert sms.deliver_due_sms(provider, datetime(2026, 12, 4, 0, 0, tzinfo=UTC)) == 1


def test_past_the_days_limit_messages_wait_for_the_next_day(app):
    user = UserFactory()
    first_three = [waiting_message(user) for _ in range(3)]
    fourth = waiting_message(user)
    code = waiting_message(user, kind=SmsKind.SIGN_IN_CODE)
    assert {message.state for message in first_three} == {SmsState.WAITING}
    assert (fourth.state, fourth.next_attempt_at) == (SmsState.HELD, datetime(2026, 12, 4, 0, 0, tzinfo=UTC))
    assert code.state == SmsState.WAITING  # codes do not count and are never held
    assert waiting_message(UserFactory()).state == SmsState.WAITING  # the limit is per person


def test_a_learner_with_a_phone_and_no_email_gets_her_notification_as_a_text_in_her_language(app, monkeypatch):
    monkeypatch.setattr(sms, "utcnow", lambda: MORNING)
    learner = UserFactory(email=None, locale="zh_Hans")
    mentor = UserFactory(email="mentor@example.org")
    notification = notify(learner, NotificationKind.REVISION_REQUESTED, "/lessons/12/submission")
    notify(mentor, NotificationKind.SUBMISSION_TO_REVIEW, "/reviews")
    db.session.commit()
    [message] = db.session.scalars(db.select(OutboxSms)).all()
    assert (message.to_number, message.kind, message.state) == (learner.phone, "revision_requested", SmsState.SENT)
    assert message.text == f"【乡村创业学堂】导师请你修改作业：http://localhost/n/{notification.id}"
    assert DevProvider.sent == [(learner.phone, message.text)]


def test_an_announcement_to_many_texts_each_phone_only_learner_her_own_link(app, monkeypatch):
    monkeypatch.setattr(sms, "utcnow", lambda: MORNING)
    learners = [UserFactory(), UserFactory(), UserFactory(email="has@example.org")]
    notify_many(learners, NotificationKind.ANNOUNCEMENT, "/announcements/4")
    db.session.commit()
    ids = db.session.scalars(db.select(Notification.id).order_by(Notification.user_id)).all()
    texts = sorted((message.to_number, message.text) for message in db.session.scalars(db.select(OutboxSms)))
    assert texts == sorted(
        (learner.phone, f"[Village Business School] Your cohort has a new announcement: http://localhost/n/{number}")
        for learner, number in zip(learners[:2], ids[:2], strict=True)
    )


def test_the_short_link_opens_her_notifications_page_after_sign_in_and_marks_it_read(app, client, auth):
    learner, other = UserFactory(), UserFactory()
    notification = notify(learner, NotificationKind.FEEDBACK_RECEIVED, "/lessons/12/submission")
    db.session.commit()
    assert "/login" in client.get(f"/n/{notification.id}").location
    auth.login(other)
    assert client.get(f"/n/{notification.id}").status_code == 404
    client.post("/logout")
    auth.login(learner)
    response = client.get(f"/n/{notification.id}")
    assert (response.status_code, response.location) == (302, "/lessons/12/submission")
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).read_at is not None


def test_a_switched_off_learner_gets_no_text(app):
    learner = UserFactory(active=False)
    notify(learner, NotificationKind.FEEDBACK_RECEIVED, "/submissions/3")
    db.session.commit()
    assert db.session.scalars(db.select(OutboxSms)).all() == []


def test_anonymising_a_learner_keeps_her_messages_counts_but_not_her_number_or_words(app):
    learner = UserFactory()
    message = waiting_message(learner)
    message.params = {"url": "https://lms.example.org/n/1"}
    db.session.commit()
    anonymise_learner(learner, UserFactory(role="admin", email="admin@example.org"))
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(OutboxSms, message.id)
    assert (kept.to_number, kept.text, kept.params, kept.kind, kept.user_id) == ("", "", {}, "notification", learner.id)


class SlowRecorder:
    """A provider that takes a moment per message, so two workers overlap; it counts what each number got."""

    def __init__(self):
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, message):
        time.sleep(0.01)
        with self.lock:
            self.sent.append(message.to_number)
        return SmsReceipt(message_id=message.to_number)


@pytest.mark.commits
def test_two_workers_sweeping_at_once_send_each_message_once(app):
    users = [UserFactory() for _ in range(12)]
    for user in users:
        sms.queue_sms(user.phone, "hello", SmsKind.NOTIFICATION, user_id=user.id, now=MORNING)
    db.session.commit()
    provider = SlowRecorder()
    errors = []

    def worker():
        try:
            with app.app_context():
                sms.deliver_due_sms(provider, MORNING)
                db.session.remove()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(provider.sent) == sorted(user.phone for user in users)
    db.session.expire_all()
    states = db.session.scalars(db.select(OutboxSms.state)).all()
    assert states == [SmsState.SENT] * len(users)


def test_a_learner_who_stops_text_messages_gets_none_but_still_sees_her_notifications(app, client, auth):
    learner = UserFactory()
    auth.login(learner)
    page = client.get("/account/settings").text
    [checkbox] = re.findall(r'<input[^>]*name="text_messages"[^>]*>', page)
    assert "checked" in checkbox
    assert client.post("/account/text-messages", data={}).status_code == 302
    assert "No more text messages; you still see" in client.get("/account/settings").text
    db.session.expire_all()
    notify(db.session.get(type(learner), learner.id), NotificationKind.FEEDBACK_RECEIVED, "/lessons/3/submission")
    db.session.commit()
    assert db.session.scalars(db.select(OutboxSms)).all() == []
    assert db.session.scalars(db.select(Notification)).one().user_id == learner.id
    assert "Text messages are stopped since" in client.get("/account/settings").text
    client.post("/account/text-messages", data={"text_messages": "y"})
    assert db.session.scalars(db.select(SmsStop)).all() == []
