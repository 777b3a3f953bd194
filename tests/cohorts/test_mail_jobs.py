"""Each email is delivered by a queued job once its request commits; failures retry on the outbox's backoff."""

from datetime import timedelta

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.queue import huey
from lms.notifications import mail, tasks
from lms.notifications.models import NotificationKind, OutboxEmail
from lms.notifications.services import notify
from tests.cohorts.mail_server import free_port
from tests.cohorts.test_mail import send_mail, use_server
from tests.factories import UserFactory

DELIVER = "deliver_email"


def notified(email="chunmei@example.org") -> OutboxEmail:
    user = UserFactory(email=email)
    notify(user, NotificationKind.FEEDBACK_RECEIVED, "/lessons/5")
    return db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.to_address == email)).one()


def test_an_email_is_sent_by_its_job_after_the_commit_and_never_again(app, monkeypatch, smtp_server, job_queue):
    controller, inbox = smtp_server
    use_server(monkeypatch, app, controller.port)
    email = notified()
    assert job_queue.names() == []  # nothing goes before the commit
    db.session.commit()
    assert job_queue.names() == [DELIVER]
    assert job_queue.run() == 1
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["chunmei@example.org"]]
    db.session.expire_all()
    assert db.session.get(OutboxEmail, email.id).sent_at is not None
    # The job run again (a retry racing the sweep), the sweep and the command send nothing more.
    tasks.deliver_email(email.id)
    job_queue.run()
    assert tasks.deliver_due_emails.call_local() == 0
    assert "0 email(s) sent" in send_mail(app)
    assert len(inbox.envelopes) == 1


def test_a_rolled_back_request_sends_nothing(app, monkeypatch, smtp_server, job_queue):
    controller, inbox = smtp_server
    use_server(monkeypatch, app, controller.port)
    notified()
    db.session.rollback()
    db.session.commit()
    assert job_queue.names() == []
    assert inbox.envelopes == []


def test_a_failed_try_is_recorded_and_retried_when_the_outbox_says(app, monkeypatch, smtp_server, job_queue):
    use_server(monkeypatch, app, free_port())  # nothing listens there
    email = notified()
    db.session.commit()
    before = utcnow()
    job_queue.run()
    db.session.expire_all()
    waiting = db.session.get(OutboxEmail, email.id)
    assert (waiting.sent_at, waiting.attempts) == (None, 1)
    assert waiting.last_error
    [retry] = huey.scheduled()
    assert retry.eta >= (before + timedelta(seconds=59)).replace(tzinfo=None)
    assert abs(retry.eta - waiting.next_attempt_at.replace(tzinfo=None)) < timedelta(seconds=1)

    controller, inbox = smtp_server
    use_server(monkeypatch, app, controller.port)
    huey.storage.flush_schedule()
    waiting.next_attempt_at = utcnow() - timedelta(seconds=1)  # its time has come
    db.session.commit()
    retry.eta = None
    huey.execute(retry)
    db.session.expire_all()
    sent = db.session.get(OutboxEmail, email.id)
    assert sent.sent_at is not None
    assert sent.attempts == 1
    assert len(inbox.envelopes) == 1


def test_a_job_gives_up_to_the_sweep_after_its_tries(app, monkeypatch, job_queue):
    use_server(monkeypatch, app, free_port())
    email = notified()
    email.attempts = tasks.JOB_ATTEMPTS - 1
    db.session.commit()
    job_queue.run()
    assert huey.scheduled() == []
    db.session.expire_all()
    assert db.session.get(OutboxEmail, email.id).attempts == tasks.JOB_ATTEMPTS
    assert mail.pending_count() == 1  # still in the outbox, for the sweep and the command


def test_without_a_mail_server_the_email_waits_in_the_outbox(app, monkeypatch, job_queue):
    monkeypatch.setitem(app.config, "LMS_SMTP_HOST", "")
    email = notified()
    db.session.commit()
    job_queue.run()
    assert tasks.deliver_due_emails.call_local() == 0
    db.session.expire_all()
    kept = db.session.get(OutboxEmail, email.id)
    assert (kept.sent_at, kept.attempts) == (None, 0)
