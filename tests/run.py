"""Run the test suite on SQLite, then on PostgreSQL when one answers.

``python -m tests.run [pytest arguments]``. Under CI (``CI=true``) PostgreSQL must
answer: a missing database is a failure, not a skip.
"""

import os
import subprocess
import sys

import psycopg

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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


def pytest(database_url: str | None, args: list[str]) -> int:
    env = dict(os.environ)
    env.pop("LMS_TEST_DATABASE_URL", None)
    if database_url:
        env["LMS_TEST_DATABASE_URL"] = database_url
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    args = sys.argv[1:]
    print("== Test suite on SQLite ==", flush=True)
    sqlite_status = pytest(None, args)
    url = postgres_url()
    if url is None:
        if under_ci():
            print("FAILED: PostgreSQL is required under CI.", flush=True)
            return 1
        print("Skipped the PostgreSQL run: no server answered. Set LMS_TEST_POSTGRES_URL to test it.")
        return sqlite_status
    print("== Test suite on PostgreSQL ==", flush=True)
    postgres_status = pytest(url, args)
    return sqlite_status or postgres_status


if __name__ == "__main__":
    sys.exit(main())
