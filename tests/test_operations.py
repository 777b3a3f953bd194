"""What an operator's tools read: liveness, readiness, request ids and JSON log lines, and metrics."""

import io
import ipaddress
import json
import logging
import random
import socket
import time

import pytest
from sqlalchemy import event

from lms.app import create_app
from lms.core import logs
from lms.core.extensions import db
from lms.core.queue import QUEUE_NAME, huey, queue_storage
from lms.media.models import VideoStatus
from lms.notifications.mail import queue_email
from lms.outcomes.follow_ups.tasks import send_follow_up_reminders

DATABASE_DOWN = "postgresql+psycopg://lms:secret-password@127.0.0.1:1/lms"


def other_app(app, **config):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            # The queue is one for the process: another app must not give it storage of its own.
            "LMS_QUEUE_URL": app.config["LMS_QUEUE_URL"],
            "LMS_QUEUE_IMMEDIATE": True,
            **config,
        }
    )


def test_healthz_answers_while_the_process_lives_even_without_a_database(app):
    response = other_app(app, SQLALCHEMY_DATABASE_URI=DATABASE_DOWN).test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ready_when_every_service_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert response.json["checks"]["database"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_answers_503_naming_the_database_and_no_secret_when_the_database_is_down(app):
    response = other_app(app, SQLALCHEMY_DATABASE_URI=DATABASE_DOWN).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["checks"]["database"] == "failed: OperationalError"
    assert "secret-password" not in response.text
    assert "127.0.0.1" not in response.text


def test_readyz_asks_redis_when_the_rate_limits_are_kept_there(app, client, monkeypatch):
    """The check reads the setting when asked; the limiter itself keeps its test store."""
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", f"redis://127.0.0.1:6379/{random.randint(1, 15)}")
    assert client.get("/readyz").json["checks"]["redis"] == "ok"
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://:secret-password@127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["redis"] == "failed: ConnectionError"
    assert "secret-password" not in response.text


def test_every_response_carries_a_request_id_made_here_unless_a_trusted_proxy_gave_one(app, client, monkeypatch):
    made = client.get("/login").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/login").headers["X-Request-ID"] != made
    offered = {"X-Request-ID": "0123456789abcdef0123456789abcdef"}
    assert client.get("/login", headers=offered).headers["X-Request-ID"] != offered["X-Request-ID"]
    monkeypatch.setitem(app.config, "LMS_TRUSTED_PROXIES", 1)
    assert client.get("/login", headers=offered).headers["X-Request-ID"] == offered["X-Request-ID"]
    forged = {"X-Request-ID": 'x" level="ERROR'}
    assert client.get("/login", headers=forged).headers["X-Request-ID"] != forged["X-Request-ID"]


def test_json_log_lines_each_carry_the_request_id(app, world):
    json_app = other_app(app, LMS_LOG_FORMAT="json")
    [handler] = [handler for handler in logging.getLogger("lms").handlers if getattr(handler, "lms_handler", False)]
    handler.setStream(io.StringIO())
    try:
        client = json_app.test_client()
        response = client.post("/login", data={"login": world.learner_a.login_name, "password": "wrong password"})
        json_app.logger.info("outside any request")
        lines = [json.loads(line) for line in handler.stream.getvalue().splitlines()]
    finally:
        logs.configure_logging(app)
    request_id = response.headers["X-Request-ID"]
    [answered] = [line for line in lines if line["logger"] == "lms.requests"]
    assert answered["request_id"] == request_id
    assert answered["message"] == "POST /login 200"
    assert answered["status"] == 200
    assert {"time", "level", "duration_ms"} <= answered.keys()
    assert lines[-1]["request_id"] == "-"
    assert all("request_id" in line for line in lines)
    assert "wrong password" not in handler.stream.getvalue()


def test_metrics_count_requests_and_read_the_outbox_and_failed_conversions(client, world):
    client.get("/login")
    queue_email("someone@example.org", "Subject", "Body")
    world.courses_a.video.video_status = VideoStatus.FAILED
    db.session.commit()
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = response.text
    assert 'lms_http_requests_total{endpoint="auth.login",method="GET",status="200"}' in text
    assert 'lms_http_request_duration_seconds_bucket{endpoint="auth.login",le="0.5"}' in text
    assert "lms_outbox_waiting 1.0" in text
    assert "lms_video_conversions_failed 1.0" in text


@pytest.mark.parametrize(
    ("environ", "headers", "status"),
    [
        ({"REMOTE_ADDR": "203.0.113.5"}, {}, 404),
        ({"REMOTE_ADDR": "203.0.113.5"}, {"Authorization": "Bearer wrong-token"}, 404),
        ({"REMOTE_ADDR": "203.0.113.5"}, {"Authorization": "Bearer scrape-token-1"}, 200),
        # Through a proxy the app was not told to trust: every visitor would look local.
        ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "203.0.113.5"}, 404),
        ({"REMOTE_ADDR": "10.1.2.3"}, {}, 200),
    ],
)
def test_metrics_are_read_only_with_the_token_or_from_an_allowed_address(app, environ, headers, status):
    guarded = other_app(app, LMS_METRICS_TOKEN="scrape-token-1")
    guarded.config["LMS_METRICS_ALLOW"] = [*guarded.config["LMS_METRICS_ALLOW"], ipaddress.ip_network("10.0.0.0/8")]
    response = guarded.test_client().get("/metrics", headers=headers, environ_base=environ)
    assert response.status_code == status


def test_readyz_gives_up_on_an_unreachable_postgresql_after_the_connect_timeout(app):
    """Each connection is made with libpq's connect_timeout, so an unreachable host cannot hold readiness."""
    down = other_app(app, SQLALCHEMY_DATABASE_URI=DATABASE_DOWN, LMS_DATABASE_CONNECT_SECONDS=2)
    made = []
    with down.app_context():
        event.listen(db.engine, "do_connect", lambda _dialect, _record, _args, parameters: made.append(parameters))
    assert down.test_client().get("/readyz").status_code == 503
    assert made[0]["connect_timeout"] == 2
    assert made[0]["tcp_user_timeout"] == 2000


def test_readyz_asks_the_queue_storage(client, monkeypatch):
    assert client.get("/readyz").json["checks"]["queue"] == "not configured"  # jobs run where enqueued
    monkeypatch.setattr(huey, "_immediate", False)
    storage_class, arguments = queue_storage(f"redis://127.0.0.1:6379/{random.randint(1, 15)}", "")
    monkeypatch.setattr(huey, "storage", storage_class(QUEUE_NAME, **arguments))
    assert client.get("/readyz").json["checks"]["queue"] == "ok"
    storage_class, arguments = queue_storage("redis://:secret-password@127.0.0.1:1/0", "")
    monkeypatch.setattr(huey, "storage", storage_class(QUEUE_NAME, **arguments))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["queue"] == "failed: ConnectionError"
    assert "secret-password" not in response.text


def test_metrics_give_the_queue_depth_and_how_long_the_next_job_has_waited(client, job_queue, monkeypatch):
    enqueued = time.time() - 90
    monkeypatch.setattr(time, "time_ns", lambda: int(enqueued * 1e9))
    send_follow_up_reminders()  # a periodic job, enqueued as a scheduler does
    monkeypatch.undo()
    text = client.get("/metrics").text
    assert "lms_queue_waiting 1.0" in text
    [age] = [line.split()[1] for line in text.splitlines() if line.startswith("lms_queue_oldest_age_seconds")]
    assert 90 <= float(age) < 3600


def test_log_lines_and_security_events_also_go_to_a_separate_syslog(app, world):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    address = f"127.0.0.1:{receiver.getsockname()[1]}"
    shipping = other_app(app, LMS_LOG_SYSLOG=address, LMS_LOG_FORMAT="json")
    try:
        client = shipping.test_client()
        client.post("/login", data={"login": world.mentor_a.login_name, "password": "not-her-password-at-all"})
        lines = []
        while not any("sign_in_failed" in line for line in lines) or not any("POST /login" in line for line in lines):
            lines.append(receiver.recv(65536).decode())
    finally:
        receiver.close()
        logs.configure_logging(app)  # the test app's own handlers back
    line = next(line for line in lines if "sign_in_failed" in line)
    event = json.loads(line[line.index("{") :].rstrip("\x00"))  # between syslog's priority and its end mark
    assert (event["event"], event["user_id"]) == ("sign_in_failed", world.mentor_a.id)
    assert not any("not-her-password-at-all" in line for line in lines)
