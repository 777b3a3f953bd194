"""Text-message budget benchmark: the cap's reading of a program's month, as the outbox grows.

    .venv/bin/python -m benchmarks.sms_budget [--sizes 10000 100000] [--runs 20]

For each size, builds a throwaway SQLite database (or fills the empty one LMS_DATABASE_URL names: then give one
size at a time) holding one program whose outbox has that many messages sent over a year, and a second program
with as many. Times ``budget.month_spent`` (what every message sent asks, two or three times, before and after it
goes) and ``budget.month_report`` for one program (a lead's page) and for all (an admin's). Prints median
milliseconds; the numbers in docs/PERFORMANCE.md come from here.
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flask_migrate
from sqlalchemy import insert, text

from lms.app import create_app
from lms.cohorts.models import Program
from lms.core.extensions import db
from lms.notifications import budget
from lms.notifications.models import OutboxSms, SmsState

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
MONTH = date(2026, 6, 1)
BATCH = 10_000


def build(folder: Path, messages: int):
    os.environ["LMS_INSTANCE_PATH"] = str(folder)
    url = os.environ.get("LMS_DATABASE_URL") or f"sqlite:///{folder / 'sms.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        programs = [Program(name="Measured program"), Program(name="Another program")]
        db.session.add_all(programs)
        db.session.flush()
        for program in programs:
            fill(program.id, messages)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        program_id = programs[0].id
    return app, program_id


def fill(program_id: int, messages: int) -> None:
    """Messages spread evenly over the year, one in ten never sent (held, then failed)."""
    step = timedelta(days=365) / messages
    for first in range(0, messages, BATCH):
        rows = []
        for number in range(first, min(first + BATCH, messages)):
            at = YEAR_START + step * number
            went = number % 10 != 0
            rows.append(
                {
                    "program_id": program_id,
                    "to_number": f"+86139{number % 10**8:08d}",
                    "text": "【乡村创业学堂】你的班级有新公告：https://lms.example.org/n/1",
                    "kind": "announcement",
                    "state": SmsState.SENT if went else SmsState.FAILED,
                    "created_at": at,
                    "planned_at": at,
                    "next_attempt_at": at,
                    "sent_at": at if went else None,
                    "cost_fen": 5 if went else 0,
                    "params": {"url": "https://lms.example.org/n/1"},
                    "language": "zh_Hans",
                }
            )
        db.session.execute(insert(OutboxSms), rows)


def median_ms(call, argument, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call(argument, MONTH)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    print("| messages a program | `month_spent` (each send) ms | lead's page query ms | admin's page query ms |")
    print("| ---: | ---: | ---: | ---: |")
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory() as folder:
            app, program_id = build(Path(folder), size)
            with app.app_context():
                spent = median_ms(budget.month_spent, program_id, arguments.runs)
                lead = median_ms(budget.month_report, [program_id], arguments.runs)
                admin = median_ms(budget.month_report, None, arguments.runs)
            print(f"| {size:,} | {spent:.1f} | {lead:.1f} | {admin:.1f} |")


if __name__ == "__main__":
    main()
