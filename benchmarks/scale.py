"""Scale benchmark: pages of a program seeded at full size, timed in the process, one request at a time.

    .venv/bin/python -m benchmarks.scale --database URL [--requests 7]

URL names a database filled by ``lms seed-scale`` (with the password ``benchmark-pass``). Signs in as the seed's
lead, a mentor of a cohort of 200 and a learner of a cohort under way, requests each page through the Flask test
client and prints median and slowest milliseconds, the median CPU milliseconds of the process (what the page costs
whatever else the shared machine runs) and SQL queries per page. Then writes the one-row-per-follow-up
export (the queue job's writer) to nowhere and reports the peak of Python memory it took, for the whole program
and for one cohort: equal peaks mean the export streams. The numbers in docs/PERFORMANCE.md come from here.
"""

import argparse
import io
import os
import tempfile
import time
import tracemalloc

from sqlalchemy import select

from benchmarks.load import PASSWORD, fixtures
from benchmarks.pages import measure
from lms.accounts.models import User
from lms.app import create_app
from lms.app.demo.scale import LEAD_EMAIL
from lms.cohorts.models import Cohort
from lms.core.extensions import db
from lms.outcomes.exports.services import write_follow_ups
from lms.outcomes.follow_ups.rules import ReportFilters

LEAD_PAGES = [
    "/impact",
    "/impact?by=county",
    "/impact?by=channel&poverty=yes",
    "/impact?by=gender",
    "/impact/report.csv",
]


class Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def export_peak(app, cohort_id: int | None) -> tuple[int, float, float]:
    """Follow-ups written, seconds, and peak MiB of Python memory, for the lead's export (of one cohort if given)."""
    with app.test_request_context():
        lead = db.session.scalar(select(User).where(User.email == LEAD_EMAIL))
        filters = ReportFilters(cohort_id=cohort_id) if cohort_id else ReportFilters()
        tracemalloc.start()
        started = time.perf_counter()
        rows = write_follow_ups(Discard(), filters, lead)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return rows, seconds, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a database seeded with lms seed-scale")
    parser.add_argument("--requests", type=int, default=7)
    parser.add_argument("--only", choices=["lead", "mentor", "learner", "export"], nargs="*")
    arguments = parser.parse_args()
    only = set(arguments.only or ["lead", "mentor", "learner", "export"])
    found = fixtures(arguments.database, 1)
    os.environ["LMS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="lms-scale-")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": arguments.database, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}
    )
    learner = found["learners"][0]
    pages = {
        "lead": (LEAD_EMAIL, LEAD_PAGES),
        "mentor": (found["grid_mentor"], [f"/cohorts/{found['cohort']}/progress", "/reviews"]),
        "learner": (learner["login"], ["/", f"/lessons/{learner['reading']}", f"/lessons/{learner['quiz']}"]),
    }
    print("| role | page | median ms | slowest ms | CPU ms | queries |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for role, (login, paths) in pages.items():
        if role in only:
            rows = measure(app, login, paths, arguments.requests, PASSWORD)
            for path, median, slowest, queries, _weight, cpu in rows:
                print(f"| {role} | `{path}` | {median:.1f} | {slowest:.1f} | {cpu:.1f} | {queries} |", flush=True)
    if "export" in only:
        with app.app_context():
            cohort_id = db.session.scalar(select(Cohort.id).join(Cohort.program).order_by(Cohort.id))
        for label, cohort in (("one cohort", cohort_id), ("whole program", None)):
            rows, seconds, peak = export_peak(app, cohort)
            print(f"follow-up export, {label}: {rows:,} follow-ups in {seconds:.1f} s, peak {peak:.1f} MiB")


if __name__ == "__main__":
    main()
