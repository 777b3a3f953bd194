"""The email outbox: `lms send-mail` delivers over SMTP, retries with backoff, never loses a message."""

from datetime import timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from email.policy import default as default_policy

from sqlalchemy import func, select

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.notifications import mail
from lms.notifications.models import OutboxEmail
from tests.cohorts.mail_server import free_port

CHINESE_SUBJECT = "反馈：您的茶叶视频已通过"


def use_server(monkeypatch, app, port: int) -> None:
    for key, value in {
        "LMS_SMTP_HOST": "127.0.0.1",
        "LMS_SMTP_PORT": port,
        "LMS_SMTP_STARTTLS": False,  # the test server speaks plain SMTP
        "LMS_SMTP_SSL": False,
        "LMS_SMTP_USERNAME": "",
        "LMS_MAIL_FROM": "乡村商学院 <school@example.org>",
    }.items():
        monkeypatch.setitem(app.config, key, value)


def send_mail(app, *args):
    result = app.test_cli_runner().invoke(args=["lms", "send-mail", *args])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def queue(to="mentor@example.org", subject=CHINESE_SUBJECT, body="您好，\n\n反馈在这里：/lessons/5") -> int:
    email = mail.queue_email(to, subject, body)
    db.session.commit()
    return email.id


def test_a_message_is_delivered_with_its_address_subject_and_body(app, monkeypatch, smtp_server):
    controller, inbox = smtp_server
    use_server(monkeypatch, app, controller.port)
    email_id = queue()
    output = send_mail(app)
    assert "1 email(s) sent, 0 failed; 0 waiting" in output
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["mentor@example.org"]
    assert envelope.mail_from == "school@example.org"
    raw_subject = next(line for line in envelope.content.split(b"\r\n") if line.startswith(b"Subject:"))
    assert raw_subject.isascii()
    assert b"=?utf-8?" in raw_subject.lower()
    message = message_from_bytes(envelope.content, policy=default_policy)
    assert str(make_header(decode_header(message["Subject"]))) == CHINESE_SUBJECT
    assert message["To"] == "mentor@example.org"
    assert message.get_content().replace("\r\n", "\n").strip() == "您好，\n\n反馈在这里：/lessons/5"
    sent = db.session.get(OutboxEmail, email_id)
    assert sent.sent_at is not None
    assert sent.attempts == 0
    assert sent.last_error == ""
    # A second run sends nothing again.
    assert "0 email(s) sent" in send_mail(app)
    assert len(inbox.envelopes) == 1


def test_a_message_survives_the_server_being_down_and_goes_later(app, monkeypatch, smtp_server):
    closed_port = free_port()  # nothing listens here
    use_server(monkeypatch, app, closed_port)
    email_id = queue()
    before = utcnow()
    output = send_mail(app)
    assert "0 email(s) sent, 1 failed; 1 waiting" in output
    assert "error:" in output
    waiting = db.session.get(OutboxEmail, email_id)
    assert waiting.sent_at is None
    assert waiting.attempts == 1
    assert waiting.last_error
    assert waiting.next_attempt_at >= before + timedelta(seconds=59)
    # Not due yet: a run right away leaves it alone.
    assert "0 email(s) sent, 0 failed" in send_mail(app)
    assert db.session.get(OutboxEmail, email_id).attempts == 1

    controller, inbox = smtp_server
    use_server(monkeypatch, app, controller.port)
    report = mail.deliver_due(mail.smtp_settings(app.config), now=utcnow() + timedelta(minutes=2))
    assert (report.sent, report.failed) == (1, 0)
    delivered = db.session.get(OutboxEmail, email_id)
    assert delivered.sent_at is not None
    assert delivered.attempts == 1
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["mentor@example.org"]]


def test_without_settings_nothing_is_sent_and_nothing_lost(app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_SMTP_HOST", "")
    email_id = queue()
    output = send_mail(app)
    assert "No mail server configured" in output
    assert "1 email(s) kept in the outbox" in output
    kept = db.session.get(OutboxEmail, email_id)
    assert (kept.sent_at, kept.attempts) == (None, 0)


def test_a_refused_address_does_not_hold_back_the_others(app, monkeypatch, smtp_server):
    controller, inbox = smtp_server
    use_server(monkeypatch, app, controller.port)
    bad = queue(to="not an address\r\nBcc: victim@example.org")
    good = queue(to="lead@example.org", subject="Weekly report")
    send_mail(app)
    assert db.session.get(OutboxEmail, bad).attempts == 1
    assert db.session.get(OutboxEmail, good).sent_at is not None
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["lead@example.org"]]


def test_retries_wait_twice_as_long_each_time_up_to_six_hours():
    waits = [mail.retry_delay(attempts) for attempts in (1, 2, 3, 4, 9, 10, 50, 10**6)]
    minutes = [int(wait.total_seconds() // 60) for wait in waits]
    assert minutes == [1, 2, 4, 8, 256, 360, 360, 360]


def test_a_subject_cannot_carry_extra_headers():
    email = mail.queue_email("a@example.org", "Hello\r\nBcc: victim@example.org", "body")
    assert email.subject == "Hello Bcc: victim@example.org"


def test_the_loop_runs_again_until_its_runs_are_done(app, monkeypatch, smtp_server):
    controller, _inbox = smtp_server
    use_server(monkeypatch, app, controller.port)
    monkeypatch.setattr("lms.app.commands.mail.time.sleep", lambda seconds: None)
    output = send_mail(app, "--loop", "5", "--runs", "3")
    assert output.count("email(s) sent") == 3


def test_the_loop_stops_cleanly_on_ctrl_c(app, monkeypatch, smtp_server):
    controller, _inbox = smtp_server
    use_server(monkeypatch, app, controller.port)

    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr("lms.app.commands.mail.time.sleep", interrupted)
    assert "Stopped." in send_mail(app, "--loop", "60")


def test_admin_sees_waiting_and_sent_messages_with_attempts_and_errors(client, auth, world, monkeypatch, app):
    monkeypatch.setitem(app.config, "LMS_SMTP_HOST", "")
    waiting = mail.queue_email("mentor@example.org", CHINESE_SUBJECT, "body")
    waiting.attempts, waiting.last_error = 3, "Connection refused"
    sent = mail.queue_email("lead@example.org", "Weekly report", "body")
    sent.sent_at = utcnow()
    db.session.commit()
    auth.login(world.admin)
    page = client.get("/outbox").text
    assert "No mail server is configured" in page
    assert "Waiting (1)" in page
    assert CHINESE_SUBJECT in page
    assert "Connection refused" in page
    assert '<td class="num">3</td>' in page
    assert "Weekly report" in page
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 2
