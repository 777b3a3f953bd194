"""Run the test suite on SQLite and, when one answers, on PostgreSQL: both at once.

``python -m tests.run [pytest arguments]``. Each run writes its output to ``test-artifacts/pytest-<database>.log``,
printed whole when that run ends. The browser journeys are shared out between the two runs, each walked once, and
the tests of what does not depend on the database (``one_database``) run on SQLite only.
Under CI (``CI=true``) PostgreSQL must answer: a missing database is a failure, not a skip.
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOGS = Path(__file__).resolve().parent.parent / "test-artifacts"


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def postgres_url() -> str | None:
    """The PostgreSQL URL to test against, when a server answers there."""
    url = os.environ.get("LMS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3).close()
    except psycopg.OperationalError as error:
        print(f"PostgreSQL does not answer at {url}: {error}".strip(), flush=True)
        return None
    return url


@dataclass
class Run:
    name: str
    process: subprocess.Popen
    log: Path
    started: float


def start(
    name: str,
    database_url: str | None,
    args: list[str],
    journeys: str | None = None,
    second: bool = False,
    together: bool = False,
) -> Run:
    env = dict(os.environ)
    if journeys:
        env["LMS_JOURNEY_SHARE"] = journeys
    if second:
        env["LMS_ONE_DATABASE_ELSEWHERE"] = "1"  # what does not depend on the database runs in the first run only
    if together:
        # Each run is shared out between two processes (a database or schema each), the browser tests all in
        # one of them (one served app), so that neither run is left alone on the machine at the end; the
        # slowest tests are named.
        args = ["-n", "2", "--dist", "loadgroup", "--durations=15", *args]
    env.pop("LMS_TEST_DATABASE_URL", None)
    # Compiled modules (and pytest's rewritten tests) are kept: every served app and probe imports the app again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if database_url:
        env["LMS_TEST_DATABASE_URL"] = database_url
    # Each run its own screenshots, unless asked for elsewhere: two runs would write the same files at once.
    env.setdefault("LMS_SCREENSHOTS", f"test-artifacts/screenshots-{name.lower()}")
    color = ["--color=yes"] if sys.stdout.isatty() else []
    LOGS.mkdir(exist_ok=True)
    log = LOGS / f"pytest-{name.lower()}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", *color, *args], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    return Run(name, process, log, time.monotonic())


def wait_for_all(runs: list[Run]) -> dict[str, int]:
    """Print each run's output as it ends; the runs' exit statuses by name."""
    statuses: dict[str, int] = {}
    try:
        while len(statuses) < len(runs):
            for run in runs:
                if run.name in statuses or run.process.poll() is None:
                    continue
                statuses[run.name] = run.process.returncode
                seconds = time.monotonic() - run.started
                print(f"== Test suite on {run.name} ({seconds:.0f} s, {run.log.relative_to(LOGS.parent)}) ==")
                sys.stdout.flush()
                sys.stdout.buffer.write(run.log.read_bytes())
                sys.stdout.flush()
            time.sleep(0.2)
    finally:
        for run in runs:
            if run.process.poll() is None:
                run.process.terminate()
                run.process.wait()
    return statuses


def main() -> int:
    args = sys.argv[1:]
    url = postgres_url()
    if url is None:
        runs = [start("SQLite", None, args)]
    else:
        # The browser journeys are shared out between the two runs: each is walked once.
        runs = [
            start("SQLite", None, args, journeys="0/2", together=True),
            start("PostgreSQL", url, args, journeys="1/2", second=True, together=True),
        ]
    together = " at the same time" if len(runs) > 1 else ""
    print(f"Running the test suite on {' and '.join(run.name for run in runs)}{together}...", flush=True)
    statuses = wait_for_all(runs)
    for name, status in statuses.items():
        print(f"{name}: {'passed' if status == 0 else f'FAILED (exit status {status})'}")
    if url is None:
        if under_ci():
            print("FAILED: PostgreSQL is required under CI.", flush=True)
            return 1
        print("Skipped the PostgreSQL run: no server answered. Set LMS_TEST_POSTGRES_URL to test it.")
    return 1 if any(statuses.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
