"""Page benchmark: server time and compressed weight of the pages people open most.

    .venv/bin/python -m benchmarks.pages [--requests 50]

Builds a throwaway SQLite database with the demo program (``seed-demo --no-videos``),
signs in as a learner, a mentor and a lead, and requests each page repeatedly with the
Flask test client (no network). Prints one row per page: median and 95th-percentile
milliseconds, the number of SQL queries, and the gzip-compressed bytes of its HTML.
The numbers in docs/PERFORMANCE.md come from this script.
"""

import argparse
import gzip
import os
import statistics
import tempfile
import time
from pathlib import Path

import flask_migrate
from sqlalchemy import event, select

from lms.accounts.models import User
from lms.app import create_app
from lms.cohorts.models import Cohort
from lms.core.extensions import db
from lms.courses.models import Course, Lesson, Module
from lms.learning.services.completions import record_completion

PAGES = {
    "learner": ["/", "/courses", "{course}", "{reading}", "{video}", "{quiz}"],
    "mentor": ["/", "/cohorts", "{cohort}"],
    "lead": ["/", "/manage/courses", "{outline}", "/accounts"],
}


def build_app(folder: Path):
    os.environ["LMS_INSTANCE_PATH"] = str(folder)
    os.environ.setdefault("LMS_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
    result = app.test_cli_runner().invoke(args=["lms", "seed-demo", "--password", "benchmark-pass", "--no-videos"])
    assert result.exit_code == 0, result.output
    return app


def page_urls(app, learner_login: str) -> dict[str, str]:
    """The pages to measure; the learner has finished every lesson before the first quiz, so it is open."""
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.language == "zh_Hans"))
        lessons = db.session.scalars(
            select(Lesson).join(Module).where(Module.course_id == course.id).order_by(Module.position, Lesson.position)
        ).all()
        first = {
            kind: next(lesson.id for lesson in lessons if lesson.kind == kind) for kind in ("reading", "video", "quiz")
        }
        learner = db.session.scalar(select(User).where(User.phone == f"+86{learner_login}"))
        for lesson in lessons:
            if lesson.id == first["quiz"]:
                break
            record_completion(learner, lesson)
        db.session.commit()
        cohort = db.session.scalar(select(Cohort).order_by(Cohort.id))
        return {
            "course": f"/courses/{course.id}",
            "outline": f"/manage/courses/{course.id}",
            "reading": f"/lessons/{first['reading']}",
            "video": f"/lessons/{first['video']}",
            "quiz": f"/lessons/{first['quiz']}",
            "cohort": f"/cohorts/{cohort.id}",
        }


def measure(
    app,
    login: str,
    paths: list[str],
    requests: int,
    password: str = "benchmark-pass",  # noqa: S107 - a throwaway database
) -> list[tuple[str, float, float, int, int, float]]:
    """Per path: median and 95th-percentile milliseconds, queries, gzip bytes, and median milliseconds of this
    process's CPU (what the page costs whatever else the machine runs)."""
    client = app.test_client()
    response = client.post("/login", data={"login": login, "password": password})
    assert response.status_code == 302, login
    rows = []
    for path in paths:
        timings, queries, cpu = [], [], []
        for _ in range(requests):
            with app.app_context():
                count = [0]

                def tally(*_args, count=count):
                    count[0] += 1

                event.listen(db.engine, "before_cursor_execute", tally)
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                event.remove(db.engine, "before_cursor_execute", tally)
                queries.append(count[0])
            assert response.status_code == 200, (path, response.status_code)
        weight = len(gzip.compress(response.get_data(), compresslevel=6))
        cut = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 20 else max(timings)
        rows.append((path, statistics.median(timings), cut, max(queries), weight, statistics.median(cpu)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        logins = {"learner": "13901000001", "mentor": "mentor1@demo.example.org", "lead": "lead@demo.example.org"}
        urls = page_urls(app, logins["learner"])
        print("| role | page | median ms | p95 ms | queries | HTML gzip bytes |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for role, templates in PAGES.items():
            paths = [template.format(**urls) for template in templates]
            for path, median, p95, queries, weight, _cpu in measure(app, logins[role], paths, arguments.requests):
                print(f"| {role} | `{path}` | {median:.1f} | {p95:.1f} | {queries} | {weight:,} |")


if __name__ == "__main__":
    main()
