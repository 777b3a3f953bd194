"""Load benchmark: the app served as in production, driven over loopback, beside a bare Flask page.

    .venv/bin/python -m benchmarks.load [--learners 100000] [--database URL] [--seconds 10] [--mixed-seconds 90]
        [--skip mixed heavy]

Seeds a scale database (``lms seed-scale``) unless --database names one seeded already, serves it with gunicorn
and gunicorn.conf.py (one process with threads, as ``make run``), and beside it, with the same settings, the bare
Flask page of benchmarks/bare.py, which renders one row from the same database. wrk (Debian: ``apt-get install
wrk``) drives both: each page alone with 20 connections, reported as requests per second and as a ratio to the bare
page measured in the same run; then a mixed profile of many connections with 5-15 s of think time between requests,
with p50/p95, errors and "database is locked" lines in the server's log. The impact dashboard and the exports take
seconds, not milliseconds: they are timed one request after another instead. RSS is summed over the server's
process tree after the load. Sign-in hashes with Argon2id (19 MiB), so only a sample of accounts is signed in; the mixed
profile's connections share their sessions.

wrk rather than locust: wrk is a small C program, so on a 2-core machine the load tool takes little of the CPU the
server needs, and its Lua hooks (a request list, think time, status counts) are enough for cookies and CSRF tokens
fetched beforehand.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import bindparam, create_engine, text

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).with_name("load.lua")
PASSWORD = "benchmark-pass"  # noqa: S105 - a throwaway database
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
ANSWER = re.compile(r'<input type="(radio|checkbox|text)"[^>]*?name="(question-\d+)"(?:[^>]*?value="(\d*)")?')
SKIPPABLE = ["mixed", "heavy"]
HEAVY_PAGES = [
    "/impact",
    "/impact?by=county",
    "/impact?by=channel&poverty=yes",
    "/impact/report.csv",
    "/follow-ups/export.csv",
]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """One person's cookies against one server."""

    def __init__(self, base: str):
        self.base, self.jar = base, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def fetch(self, path: str, data: dict | None = None) -> tuple[int, bytes]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=300) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as answered:
            return answered.code, answered.read()

    def etag(self, path: str) -> str:
        """The ETag the page carries for this person now."""
        with self.opener.open(self.base + path, timeout=300) as response:
            response.read()
            return response.headers["ETag"]

    def sign_in(self, login: str, password: str) -> None:
        _status, page = self.fetch("/login")
        token = CSRF.search(page.decode()).group(1)
        status, _body = self.fetch("/login", {"login": login, "password": password, "csrf_token": token})
        assert status == 302, (login, status)

    def cookie(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(app: str, env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn with the production settings, in a process group of its own; waits until it answers."""
    port = free_port()
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", app]
    with log.open("ab") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(base + "/", timeout=5)  # noqa: S310 - loopback
            return server, base
        except urllib.error.HTTPError:
            return server, base
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{app} did not start: see {log}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def tree_memory(pid: int) -> tuple[int, int]:
    """RSS and PSS (shared pages counted once) in KiB, summed over the process and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    rss = pss = 0
    waiting = [pid]
    while waiting:
        current = waiting.pop()
        waiting.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name == "Rss":
                    rss += int(value.split()[0])
                elif name == "Pss":
                    pss += int(value.split()[0])
        except OSError:
            continue
    return rss, pss


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_plan(path: Path, requests: list[dict], *, random: bool = True, think: tuple[int, int] | None = None) -> None:
    lines = ["return {", f"  random = {'true' if random else 'false'},"]
    if think:
        lines.append(f"  think_min = {think[0]}, think_max = {think[1]},")
    lines.append("  requests = {")
    for request in requests:
        headers = ", ".join(f"[{lua_string(key)}] = {lua_string(value)}" for key, value in request["headers"].items())
        body = lua_string(request["body"]) if request.get("body") else "nil"
        lines.append(
            f"    {{method = {lua_string(request['method'])}, path = {lua_string(request['path'])}, "
            f"headers = {{{headers}}}, body = {body}}},"
        )
    lines += ["  },", "}"]
    path.write_text("\n".join(lines) + "\n")


def wrk(base: str, plan: Path, connections: int, seconds: int) -> dict:
    """Run wrk with the plan; its figures, and the status codes it saw."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "-s", str(LUA), base]
    ran = subprocess.run(command, env={**os.environ, "LMS_WRK_PLAN": str(plan)}, capture_output=True, text=True)  # noqa: S603
    if ran.returncode:
        raise RuntimeError(f"wrk failed: {ran.stdout}{ran.stderr}")
    output = ran.stdout
    result = dict(
        pair.split("=") for line in output.splitlines() if line.startswith("RESULT ") for pair in line.split()[1:]
    )
    figures = {key: int(value) for key, value in result.items()}
    figures["statuses"] = {
        int(line.split()[1]): int(line.split()[2]) for line in output.splitlines() if line.startswith("STATUS ")
    }
    figures["rate"] = figures["requests"] / (figures["duration_us"] / 1_000_000)
    figures["errors"] = sum(figures[key] for key in ("connect", "read", "write", "status", "timeout"))
    return figures


def get(path: str, session: Session) -> dict:
    return {"method": "GET", "path": path, "headers": {"Cookie": session.cookie()}}


def revalidate(session: Session, learner: dict) -> dict:
    """Her reading lesson asked for again with the ETag of the copy her browser kept."""
    path = f"/lessons/{learner['reading']}"
    return {"method": "GET", "path": path, "headers": {"Cookie": session.cookie(), "If-None-Match": session.etag(path)}}


def fixtures(url: str, learners: int) -> dict:
    """Who signs in and which pages they open: learners of cohorts under way, with a reading and a quiz they have
    reached, a cohort of 200 and its mentor."""
    engine = create_engine(url)
    today = datetime.now(UTC).date()
    with engine.begin() as connection:
        # The starter quizzes allow three attempts: unlimited here, so that every submission is graded and kept.
        connection.execute(text("UPDATE lessons SET attempts_allowed = 0 WHERE kind = 'quiz'"))
        rows = connection.execute(
            text(
                "SELECT attempt.learner_id, substr(users.phone, 4), MIN(attempt.lesson_id) FROM quiz_attempts attempt"
                " JOIN enrollments ON enrollments.learner_id = attempt.learner_id"
                " JOIN cohorts ON cohorts.id = enrollments.cohort_id AND cohorts.ends_on > :today"
                " JOIN users ON users.id = attempt.learner_id"
                " GROUP BY attempt.learner_id, users.phone ORDER BY attempt.learner_id"
            ),
            {"today": today},
        ).all()
        step = max(len(rows) // learners, 1)
        chosen = rows[::step][:learners]
        readings = dict(
            connection.execute(
                text(
                    "SELECT completions.learner_id, MAX(completions.lesson_id) FROM completions"
                    " JOIN lessons ON lessons.id = completions.lesson_id AND lessons.kind = 'reading'"
                    " WHERE completions.learner_id IN :ids GROUP BY completions.learner_id"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": [row[0] for row in chosen]},
            ).all()
        )
        cohort_id, mentor_email = connection.execute(
            text(
                "SELECT cohorts.id, users.email FROM cohorts"
                " JOIN cohort_mentors ON cohort_mentors.cohort_id = cohorts.id"
                " JOIN users ON users.id = cohort_mentors.mentor_id"
                " WHERE cohorts.ends_on > :today AND"
                " (SELECT COUNT(*) FROM enrollments WHERE enrollments.cohort_id = cohorts.id) >= 200"
                " ORDER BY cohorts.id LIMIT 1"
            ),
            {"today": today},
        ).one()
        mentors = connection.scalars(
            text("SELECT email FROM users WHERE role = 'mentor' AND email LIKE '%@scale.example.org' ORDER BY id")
        ).all()
        counts = dict(
            connection.execute(
                text(
                    "SELECT 'learners', COUNT(*) FROM users WHERE role = 'learner'"
                    " UNION ALL SELECT 'graduates', COUNT(*) FROM graduations"
                    " UNION ALL SELECT 'follow-ups', COUNT(*) FROM follow_ups"
                    " UNION ALL SELECT 'completions', COUNT(*) FROM completions"
                    " UNION ALL SELECT 'submissions', COUNT(*) FROM submissions"
                )
            ).all()
        )
    engine.dispose()
    learners_list = [
        {"login": phone, "quiz": quiz, "reading": readings.get(learner_id)} for learner_id, phone, quiz in chosen
    ]
    return {
        "learners": [learner for learner in learners_list if learner["reading"]],
        "cohort": cohort_id,
        "grid_mentor": mentor_email,
        "mentors": list(mentors),
        "lead": "lead@scale.example.org",
        "counts": counts,
    }


def quiz_request(session: Session, quiz: int) -> dict:
    """The quiz form as the learner's page gives it: the first option of each question, the CSRF token."""
    _status, page = session.fetch(f"/lessons/{quiz}")
    html = page.decode()
    fields: dict[str, str] = {"csrf_token": CSRF.search(html).group(1)}
    for kind, name, value in ANSWER.findall(html):
        fields.setdefault(name, value if kind != "text" else "1")
    return {
        "method": "POST",
        "path": f"/lessons/{quiz}/quiz",
        "headers": {"Cookie": session.cookie(), "Content-Type": "application/x-www-form-urlencoded"},
        "body": urllib.parse.urlencode(fields),
    }


def timed(session: Session, path: str, repeat: int) -> tuple[float, float, int, int]:
    timings, size, status = [], 0, 0
    for _ in range(repeat):
        started = time.perf_counter()
        status, body = session.fetch(path)
        timings.append((time.perf_counter() - started) * 1000)
        size = len(body)
    return statistics.median(timings), max(timings), size, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=100_000, help="size of the program to seed")
    parser.add_argument("--database", help="a database seeded already with lms seed-scale")
    parser.add_argument("--password", default=PASSWORD, help="the password it was seeded with")
    parser.add_argument("--seconds", type=int, default=20, help="how long wrk drives each page")
    parser.add_argument("--mixed-seconds", type=int, default=90, help="how long the mixed profile runs")
    parser.add_argument("--sessions", type=int, default=40, help="learners signed in (each sign-in hashes at 19 MiB)")
    parser.add_argument("--repeat", type=int, default=3, help="requests to each dashboard page and export")
    parser.add_argument(
        "--skip",
        nargs="*",
        choices=SKIPPABLE,
        default=[],
        help="leave out the mixed profile or the dashboard and exports (each page alone always runs)",
    )
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="lms-load-"))
    url = arguments.database or f"sqlite:///{folder / 'scale.sqlite3'}"
    env = {
        **os.environ,
        "LMS_INSTANCE_PATH": str(folder),
        "LMS_DATABASE_URL": url,
        # Every session below signs in from 127.0.0.1: the per-address sign-in limit would stop the sample.
        "LMS_LOGIN_LIMIT_PER_ADDRESS": "100000 per hour",
        "LMS_LOG_LEVEL": "warning",
        "BARE_DATABASE_URL": url,
    }
    started_at = datetime.now(UTC)
    print(f"Load benchmark, {started_at:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    if not arguments.database:
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        seeding = time.perf_counter()
        seeded = subprocess.run(  # noqa: S603
            [*flask, "lms", "seed-scale", "--learners", str(arguments.learners), "--password", PASSWORD],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        print(f"seed-scale --learners {arguments.learners}: {time.perf_counter() - seeding:.0f} s")
        print(seeded.stdout.splitlines()[0])
    found = fixtures(url, arguments.sessions)
    print("Data:", ", ".join(f"{count:,} {name}" for name, count in found["counts"].items()))
    log = folder / "server.log"
    app_server, base = serve("wsgi:app", env, log)
    bare_server, bare_base = serve("benchmarks.bare:app", env, folder / "bare.log")
    try:
        learners = []
        for learner in found["learners"]:
            session = Session(base)
            session.sign_in(learner["login"], arguments.password)
            learners.append((session, learner))
        mentors = []
        for email in found["mentors"][:20]:
            session = Session(base)
            session.sign_in(email, arguments.password)
            mentors.append(session)
        grid_mentor = Session(base)
        grid_mentor.sign_in(found["grid_mentor"], arguments.password)
        leads = []
        for _ in range(5):
            session = Session(base)
            session.sign_in(found["lead"], arguments.password)
            leads.append(session)
        quizzes = [quiz_request(session, learner["quiz"]) for session, learner in learners]
        pages = {
            "bare Flask one-query page": (bare_base, [{"method": "GET", "path": "/", "headers": {}}]),
            "sign-in page (anonymous)": (base, [{"method": "GET", "path": "/login", "headers": {}}]),
            "learner home": (base, [get("/", session) for session, _learner in learners]),
            "reading lesson": (base, [get(f"/lessons/{learner['reading']}", session) for session, learner in learners]),
            "reading lesson opened again, unchanged (304)": (
                base,
                [revalidate(session, learner) for session, learner in learners],
            ),
            "quiz submit (POST, graded)": (base, quizzes),
            "review queue (mentor)": (base, [get("/reviews", session) for session in mentors]),
            "cohort grid, 200 learners (mentor)": (
                base,
                [get(f"/cohorts/{found['cohort']}/progress", grid_mentor)],
            ),
        }
        leads_home = [get("/impact", session) for session in leads]
        results = {}
        for name, (target, requests) in pages.items():
            plan = folder / "plan.lua"
            write_plan(plan, requests)
            results[name] = wrk(target, plan, 20, arguments.seconds)
        bare_rate = results["bare Flask one-query page"]["rate"]
        print()
        print(f"Each page alone: wrk -t2 -c20 -d{arguments.seconds}s over loopback")
        print()
        print("| page | req/s | p50 ms | p95 ms | vs bare Flask | errors | statuses |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for name, figures in results.items():
            statuses = ", ".join(f"{code}: {count:,}" for code, count in sorted(figures["statuses"].items()))
            print(
                f"| {name} | {figures['rate']:,.0f} | {figures['p50'] / 1000:.0f} | {figures['p95'] / 1000:.0f} "
                f"| {figures['rate'] / bare_rate:.2f} | {figures['errors']} | {statuses} |"
            )
        if "mixed" not in arguments.skip:
            mixed_profile(base, folder, log, {**pages, "impact dashboard (lead)": leads_home}, arguments.mixed_seconds)
        rss_after_load, pss_after_load = tree_memory(app_server.pid)
        bare_rss, bare_pss = tree_memory(bare_server.pid)
        if "heavy" not in arguments.skip:
            print()
            print(f"Dashboard and exports as the lead, one request after another ({arguments.repeat} each)")
            print()
            print("| page | median ms | max ms | bytes | status |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for path in HEAVY_PAGES:
                median, slowest, size, status = timed(leads[0], path, arguments.repeat)
                print(f"| `{path}` | {median:,.0f} | {slowest:,.0f} | {size:,} | {status} |")
        rss_after_exports, pss_after_exports = tree_memory(app_server.pid)
        print()
        print("| memory of the server's processes | RSS MiB | PSS MiB |")
        print("| --- | ---: | ---: |")
        print(f"| app, after the pages and mixed profile | {rss_after_load / 1024:.0f} | {pss_after_load / 1024:.0f} |")
        print(f"| app, after the exports too | {rss_after_exports / 1024:.0f} | {pss_after_exports / 1024:.0f} |")
        print(f"| bare Flask page, after its load | {bare_rss / 1024:.0f} | {bare_pss / 1024:.0f} |")
        print()
        print(f"Finished {datetime.now(UTC):%H:%M} UTC, load {os.getloadavg()[0]:.1f}")
    finally:
        stop(app_server)
        stop(bare_server)
        if not arguments.database:
            shutil.rmtree(folder, ignore_errors=True)


def mixed_profile(base: str, folder: Path, log: Path, pages: dict, seconds: int) -> None:
    """Many connections with think time, in the proportions people use the app; "database is locked" counted."""
    mixed = (
        pages["learner home"][1] * 3
        + pages["reading lesson"][1] * 6
        + pages["quiz submit (POST, graded)"][1]
        + pages["review queue (mentor)"][1] * 2
        + pages["cohort grid, 200 learners (mentor)"][1] * 2
        + pages["impact dashboard (lead)"]
    )
    plan = folder / "mixed.lua"
    write_plan(plan, mixed, think=(5000, 15000))
    profile = wrk(base, plan, 325, seconds)
    locked = log.read_text(errors="replace").count("database is locked")
    print()
    print(
        "Mixed profile: 325 connections (learners 300, mentors 20, leads 5 in the request mix; "
        f"{len(pages['learner home'][1])} learner sessions), 5-15 s think time, {seconds} s"
    )
    print()
    statuses = ", ".join(f"{code}: {count:,}" for code, count in sorted(profile["statuses"].items()))
    print('| requests | req/s | p50 ms | p95 ms | p99 ms | errors | "database is locked" | statuses |')
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| {profile['requests']:,} | {profile['rate']:.1f} | {profile['p50'] / 1000:.0f} "
        f"| {profile['p95'] / 1000:.0f} | {profile['p99'] / 1000:.0f} | {profile['errors']} | {locked} "
        f"| {statuses} |"
    )


if __name__ == "__main__":
    main()
