"""The app served by gunicorn, as an operator runs it, for tests that talk to it over a socket.

The test opens the listening socket on a port of the system's choosing and hands it to gunicorn
(``fd://``): the port is known before the server starts, so the app's LMS_BASE_URL can name it,
and runs side by side never collide.
"""

import http.client
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from lms.app import PROJECT_ROOT

START_SECONDS = 60  # a loaded machine starts slowly; a server that fails exits sooner


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unverified_tls() -> ssl.SSLContext:
    """For a certificate made for one test run."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def answers_http(port: int, path: str = "/login", tls: bool = False) -> bool:
    if tls:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=1, context=unverified_tls())
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        connection.request("GET", path)
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_answering(
    process: subprocess.Popen, port: int, log: Path, what: str, path: str = "/login", tls: bool = False
) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not answers_http(port, path, tls=tls):
        if process.poll() is not None or time.monotonic() > deadline:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            pytest.fail(f"{what} did not start; its log ends:\n{tail}", pytrace=False)
        time.sleep(0.1)


def free_listener() -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    return listener


@contextmanager
def gunicorn(environment: dict[str, str], log_dir: Path, arguments: list[str]) -> Iterator[int]:
    """Serve ``wsgi:app`` with ``arguments``; yields the port it answers on."""
    listener = free_listener()
    port = listener.getsockname()[1]
    environment = {**os.environ, "LMS_BASE_URL": f"http://127.0.0.1:{port}", **environment}
    # No control socket: its default path is one per user, shared by every server running at once.
    command = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{listener.fileno()}", "--no-control-socket"]
    command += [*arguments, "wsgi:app"]
    log = log_dir / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=output, pass_fds=[listener.fileno()]
        )
    listener.close()  # gunicorn holds its own copy
    try:
        wait_until_answering(process, port, log, "gunicorn")
        yield port
    finally:
        stop(process)


def start_worker(environment: dict[str, str], log: Path, workers: int = 1) -> subprocess.Popen:
    """The queue worker, ``flask --app wsgi lms worker``, in a session of its own (signal its process group)."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "lms", "worker", "--workers", str(workers)]
    # An idle worker looks less and less often (up to 10 s apart): a test waits for its jobs.
    command += ["--max-delay", "0.5"]
    environment = {**os.environ, **environment}
    environment.pop("LMS_QUEUE_IMMEDIATE", None)
    with log.open("ab") as output:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=output, start_new_session=True
        )


@contextmanager
def worker(environment: dict[str, str], log_dir: Path) -> Iterator[subprocess.Popen]:
    """A queue worker running beside a served app; stopped (SIGTERM, as systemd does) at the end."""
    process = start_worker(environment, log_dir / "worker.log")
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
