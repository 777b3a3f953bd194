"""Sign-in limits hold however the name is typed, across processes, with lockouts that grow, and without a store."""

import json
import random
import runpy
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import limits.storage.memory
import limits.strategies
import pytest
import redis

from tests.conftest import TEST_PASSWORD
from tests.factories import LeadFactory, UserFactory
from tests.served import under_ci

PROJECT = Path(__file__).resolve().parents[2]
INVISIBLE = ["\x00", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\x7f", "\u2028"]


def fail(client, login, address="203.0.113.5"):
    return client.post(
        "/login", data={"login": login, "password": "wrong password"}, environ_base={"REMOTE_ADDR": address}
    )


@pytest.mark.parametrize("invisible", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_characters_neither_escape_the_limit_nor_stop_a_sign_in(client, invisible):
    LeadFactory(email="zhou@example.org")
    variants = [
        f"zhou@example.org{invisible}",
        f"{invisible}ZHOU@example.org",
        f"zhou{invisible}@example.org",
        f"Zhou@Example.org{invisible * 3}",
        f" zhou@example.org{invisible} ",
    ]
    right = client.post("/login", data={"login": variants[0], "password": TEST_PASSWORD})
    assert right.status_code == 302
    client.post("/logout")
    for typed in variants:
        assert fail(client, typed).status_code == 200
    blocked = client.post("/login", data={"login": "zhou@example.org", "password": TEST_PASSWORD})
    assert blocked.status_code == 429


def test_a_phone_number_typed_in_full_width_digits_or_with_separators_is_one_account(client):
    user = UserFactory(phone="+8613912345678")
    for typed in (
        "１３９１２３４５６７８",
        "139\u200b1234\u200b5678",
        "+86 139-1234-5678",
        "(139) 1234 5678",
        "0086 13912345678",
    ):
        assert fail(client, typed).status_code == 200, typed
    assert client.post("/login", data={"login": user.phone, "password": TEST_PASSWORD}).status_code == 429


class Clock:
    """The limiter's clock, moved by hand."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def later(self, minutes: float) -> None:
        self.now += minutes * 60


def test_each_further_run_of_failures_locks_the_account_for_longer(client, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    monkeypatch.setattr(limits.strategies, "time", clock)
    UserFactory(phone="+8613912345678")

    def locked() -> bool:
        return fail(client, "13912345678", address=f"198.51.100.{random.randint(1, 250)}").status_code == 429

    for _ in range(5):
        assert not locked()
    assert locked()
    clock.later(16)  # the first lockout lasts a quarter of an hour
    for _ in range(5):
        assert not locked()
    assert locked()
    clock.later(16)  # the second does not end with the quarter: ten failures in the hour
    assert locked()
    clock.later(30)
    for _ in range(5):
        assert not locked()
    clock.later(16)
    for _ in range(5):
        assert not locked()
    assert locked()
    clock.later(120)  # twenty failures in a day: locked until the day is over
    assert locked()
    clock.later(24 * 60)
    assert not locked()


def start_probe(storage_url: str, prefix: str, tries: int, login: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.auth.limit_probe", storage_url, prefix, str(tries), login],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def probe_result(process: subprocess.Popen) -> tuple[list[int], str]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out), err


def redis_url() -> str | None:
    url = f"redis://127.0.0.1:6379/{random.randint(1, 15)}"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if under_ci():
            raise
        return None
    return url


@pytest.fixture(scope="module")
def probes():
    """Three processes: two sharing a count in Redis, and beside them one whose Redis is down."""
    shared = redis_url()
    prefix, login = f"probe-{uuid.uuid4().hex}", f"{uuid.uuid4().hex[:12]}@example.org"
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    down = start_probe(f"redis://127.0.0.1:{closed_port}/1", "down", 7, "someone@example.org")
    results = {}
    if shared:
        # One after the other: a failure is counted once its answer is known, so tries in flight
        # at the same moment in two processes could both pass.
        results["first"] = probe_result(start_probe(shared, prefix, 3, login))
        results["second"] = probe_result(start_probe(shared, prefix, 3, login))
    results["down"] = probe_result(down)
    if shared:
        client = redis.Redis.from_url(shared)
        keys = client.keys(f"*{prefix}*")
        if keys:
            client.delete(*keys)
    return results


@pytest.mark.one_database  # the probes run databases of their own
def test_two_processes_share_one_count_in_redis(probes):
    if "first" not in probes:
        pytest.skip("no Redis on 127.0.0.1:6379")
    # Five failures allowed between them: not five each.
    assert probes["first"][0] == [200, 200, 200]
    assert probes["second"][0] == [200, 200, 429]


@pytest.mark.one_database  # the probes run databases of their own
def test_with_redis_down_each_process_counts_on_its_own_and_warns_never_a_500(probes):
    statuses, log = probes["down"]
    assert statuses == [200, 200, 200, 200, 200, 429, 429]
    assert "falling back to in-memory storage" in log


def test_several_workers_without_a_shared_store_are_refused(monkeypatch):
    def workers() -> int:
        settings = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))
        shutil.rmtree(settings["metrics_folder"], ignore_errors=True)
        return settings["workers"]

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")  # the settings set it; put back afterwards
    monkeypatch.delenv("LMS_RATELIMIT_STORAGE_URL", raising=False)
    monkeypatch.delenv("LMS_WORKERS", raising=False)
    assert workers() == 1
    monkeypatch.setenv("LMS_WORKERS", "2")
    with pytest.raises(RuntimeError, match="LMS_RATELIMIT_STORAGE_URL"):
        workers()
    monkeypatch.setenv("LMS_RATELIMIT_STORAGE_URL", "redis://127.0.0.1:6379/1")
    assert workers() == 2
    monkeypatch.delenv("LMS_WORKERS")
    assert workers() >= 2
