"""Impact benchmark: the dashboard and its exports as the number of graduates grows.

    .venv/bin/python -m benchmarks.impact [--sizes 100 1000 5000] [--requests 10]

For each size, builds a throwaway SQLite database (or fills the empty one LMS_DATABASE_URL names: then give one
size at a time) holding one program with three cohorts and that many graduates, each with a baseline, consent (one
in ten declined), follow-ups in the four waves and two products sold. Signs in as the lead and requests each page
through the Flask test client. Prints median milliseconds and SQL queries per page: the queries stay the same while
the graduates grow, because every figure is aggregated in SQL. The numbers in docs/PERFORMANCE.md come from here.
"""

import argparse
import os
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask_migrate
from sqlalchemy import insert, select, text

from benchmarks.pages import measure
from lms.accounts.models import User
from lms.accounts.services import hash_password
from lms.app import create_app
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, Program
from lms.core.calendar import add_months
from lms.core.extensions import db
from lms.core.roles import Role
from lms.outcomes.models import Baseline, FollowUp, FollowUpQuantity, Graduation, ReportingConsent

PASSWORD = "benchmark-pass"  # noqa: S105 - a throwaway database
PAGES = [
    "/impact",
    "/impact?by=county",
    "/impact?by=channel&poverty=yes",
    "/impact/report.csv",
    "/follow-ups/export.csv",
    "/follow-ups",
]
COUNTIES = [("横峰县", False), ("于都县", True), ("寻乌县", True)]
PRODUCTS = [("赣南脐橙", "box"), ("高山云雾茶", "jin"), ("土蜂蜜", "bottle")]
CHANNELS = ["wechat,offline", "kuaishou,wechat", "pinduoduo,taobao", "kuaishou,youzan"]


def build(folder: Path, graduates: int):
    os.environ["LMS_INSTANCE_PATH"] = str(folder)
    url = os.environ.get("LMS_DATABASE_URL") or f"sqlite:///{folder / 'impact.sqlite3'}"
    # The follow-up export is timed as a download in the request: at these sizes it would otherwise go to the queue.
    settings = {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "LMS_QUEUED_EXPORT_ROWS": 10**9}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **settings})
    with app.app_context():
        flask_migrate.upgrade()
        fill(graduates)
    return app


def fill(graduates: int) -> None:
    """Insert the program in bulk: a handful of statements whatever the size."""
    rng = random.Random(2027)  # noqa: S311 - benchmark data
    today = datetime.now(UTC).date()
    lead = User(name="Lead", email="lead@bench.example.org", role=Role.LEAD, password_hash=hash_password(PASSWORD))
    program = Program(name="Benchmark program", leads=[lead])  # a lead sees only the programs she runs
    db.session.add_all([lead, program])
    db.session.flush()
    cohorts = [
        Cohort(program_id=program.id, name=f"{county} cohort", county=county, poverty_county=poverty)
        for county, poverty in COUNTIES
    ]
    db.session.add_all(cohorts)
    db.session.flush()
    learners = [
        {"name": f"Learner {n}", "phone": f"+86139{n:08d}", "role": Role.LEARNER, "password_hash": ""}
        for n in range(graduates)
    ]
    db.session.execute(insert(User), learners)
    ids = db.session.scalars(select(User.id).where(User.role == Role.LEARNER).order_by(User.id)).all()
    cohort_of = {learner_id: cohorts[n % len(cohorts)].id for n, learner_id in enumerate(ids)}
    db.session.execute(
        insert(Enrollment),
        [{"learner_id": i, "cohort_id": c, "status": EnrollmentStatus.ACTIVE} for i, c in cohort_of.items()],
    )
    graduated_on = add_months(today, -13)
    db.session.execute(
        insert(Graduation),
        [
            {"learner_id": i, "cohort_id": c, "graduated_on": graduated_on, "confirmed_by_id": lead.id}
            for i, c in cohort_of.items()
        ],
    )
    incomes = {i: rng.randint(150_000, 400_000) for i in ids}
    db.session.execute(
        insert(Baseline),
        [
            {
                "learner_id": i,
                "monthly_income_fen": incomes[i],
                "household_size": rng.randint(3, 6),
                "business_status": "offline",
                "gender": rng.choice(["female", "male"]),
            }
            for i in ids
        ],
    )
    db.session.execute(insert(ReportingConsent), [{"learner_id": i, "granted": n % 10 != 0} for n, i in enumerate(ids)])
    graduation_ids = dict(db.session.execute(select(Graduation.learner_id, Graduation.id)).all())
    follow_ups = []
    for wave_index, wave in enumerate((0, 3, 6, 12)):
        start = add_months(graduated_on, wave)
        for i in ids:
            follow_ups.append(
                {
                    "graduation_id": graduation_ids[i],
                    "learner_id": i,
                    "wave_months": wave,
                    "period_start": start - timedelta(days=30),
                    "period_end": start,
                    "monthly_income_fen": incomes[i] + rng.randint(-50_000, 200_000) * wave_index,
                    "revenue_fen": rng.randint(0, 5_000_000),
                    "channels": CHANNELS[wave_index],
                    "households_benefiting": rng.randint(0, 12),
                    "people_employed": rng.randint(0, 3),
                    "livestreams": rng.randint(0, 20),
                    "source": "self",
                }
            )
    db.session.execute(insert(FollowUp), follow_ups)
    follow_up_ids = db.session.scalars(select(FollowUp.id)).all()
    db.session.execute(
        insert(FollowUpQuantity),
        [
            {"follow_up_id": f, "product": product, "quantity": rng.randint(1, 400), "unit": unit}
            for f in follow_up_ids
            for product, unit in rng.sample(PRODUCTS, 2)
        ],
    )
    db.session.commit()
    # Bulk-loaded tables have no planner statistics yet; a running database has them from autovacuum.
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--requests", type=int, default=10)
    arguments = parser.parse_args()
    print("| graduates | page | median ms | p95 ms | CPU ms | queries | gzip bytes |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory() as folder:
            app = build(Path(folder), size)
            rows = measure(app, "lead@bench.example.org", PAGES, arguments.requests, password=PASSWORD)
            for path, median, p95, queries, weight, cpu in rows:
                print(f"| {size:,} | `{path}` | {median:.1f} | {p95:.1f} | {cpu:.1f} | {queries} | {weight:,} |")
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
