"""Two app nodes and two queue workers as docs/DEPLOY.md runs them: one PostgreSQL (the queue's storage too), one
Redis, one S3 bucket, nothing else shared.

Each process has its own instance folder (as separate machines would) and the same LMS_SECRET_KEY. Whatever
a person starts on one node must carry on on the other: her session, a file she uploaded, an import she
previewed, the limit on her sign-in attempts, an export a worker builds; two workers' schedulers tell each
graduate once.
"""

import re
import secrets
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, text

from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.media.models import ExportJob, ExportStatus, MediaFile, MediaKind
from lms.notifications.models import Notification, NotificationKind
from lms.outcomes.follow_ups import waves
from lms.outcomes.follow_ups.tasks import send_follow_up_reminders
from lms.outcomes.models import FollowUpReminder
from tests import factories, served
from tests.cohorts.test_import import GOOD_ROWS, csv_bytes
from tests.courses.test_video_worker import real_queue

pytestmark = pytest.mark.commits


@pytest.fixture(scope="module")
def nodes(app, s3_server, tmp_path_factory):
    """The base URLs of nodes A and B."""
    if not app.config["LMS_TEST_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("several app nodes share a database server: this runs on PostgreSQL")
    redis_url = f"redis://127.0.0.1:6379/{secrets.randbelow(14) + 1}"
    shared = {
        "LMS_ENV": "production",
        "LMS_BASE_URL": "http://127.0.0.1",
        "LMS_SECRET_KEY": secrets.token_urlsafe(32),
        "LMS_DATABASE_URL": app.config["LMS_TEST_DATABASE_URL"],
        "LMS_RATELIMIT_STORAGE_URL": redis_url,
        # Redis outlives the run, and the factories' numbers repeat from run to run.
        "LMS_RATELIMIT_KEY_PREFIX": f"multi-node-{secrets.token_hex(8)}",
        "LMS_PASSWORD_TIME_COST": "1",
        "LMS_PASSWORD_MEMORY_KIB": "64",
        **s3_server.settings(s3_server.new_bucket()),
        # Huey's PostgreSQL storage, in the run's own schema (a shared Redis would hand jobs to other runs).
        "LMS_QUEUE_URL": app.config["LMS_TEST_DATABASE_URL"],
        # Any follow-up export is built by the worker.
        "LMS_QUEUED_EXPORT_ROWS": "0",
    }
    urls = []
    with (
        served.gunicorn(
            {**shared, "LMS_INSTANCE_PATH": str(tmp_path_factory.mktemp("node-a"))},
            tmp_path_factory.mktemp("node-a-log"),
            ["--workers", "1", "--threads", "2"],
        ) as port_a,
        served.gunicorn(
            {**shared, "LMS_INSTANCE_PATH": str(tmp_path_factory.mktemp("node-b"))},
            tmp_path_factory.mktemp("node-b-log"),
            ["--workers", "1", "--threads", "2"],
        ) as port_b,
        served.worker(
            {**shared, "LMS_INSTANCE_PATH": str(tmp_path_factory.mktemp("worker"))},
            tmp_path_factory.mktemp("worker-log"),
        ),
    ):
        urls = [f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"]
        yield urls
    with app.app_context(), db.engine.begin() as connection:
        for table in ("huey_kv", "huey_schedule", "huey_task", "huey_counter"):
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))


def browser() -> requests.Session:
    """A visitor reading English, as the rest of the tests do."""
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    return session


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(browser: requests.Session, node: str, person, password: str = factories.TEST_PASSWORD):
    token = csrf_token(browser.get(f"{node}/login").text)
    return browser.post(
        f"{node}/login",
        data={"csrf_token": token, "login": person.login_name, "password": password},
        allow_redirects=False,
    )


def test_a_session_opened_on_one_node_works_on_the_other(nodes):
    node_a, node_b = nodes
    world = factories.make_world()
    visitor = browser()
    assert sign_in(visitor, node_a, world.lead).status_code == 302
    page = visitor.get(f"{node_b}/cohorts/{world.cohort_a.id}", allow_redirects=False)
    assert page.status_code == 200
    assert world.cohort_a.name in page.text


def test_a_file_uploaded_on_one_node_is_served_by_the_other(nodes, s3_server):
    node_a, node_b = nodes
    world = factories.make_world()
    lesson = world.courses_a.reading
    lead = browser()
    assert sign_in(lead, node_a, world.lead).status_code == 302
    token = csrf_token(lead.get(f"{node_a}/manage/lessons/{lesson.id}/files").text)
    content = b"Price list\n" + secrets.token_hex(64).encode()
    answer = lead.post(
        f"{node_a}/manage/lessons/{lesson.id}/resources",
        data={"csrf_token": token, "title": "Price list"},
        files={"file": ("prices.txt", content, "text/plain")},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    db.session.expire_all()
    resource = db.session.get(type(lesson), lesson.id).resources[0]

    learner = browser()
    assert sign_in(learner, node_b, world.learner_a).status_code == 302
    download = learner.get(f"{node_b}/media/{resource.media_id}", allow_redirects=False)
    assert download.status_code in (302, 303, 307), download.status_code
    # A presigned address of the bucket: the file comes from the object store, not from either node.
    assert download.headers["Location"].startswith(f"{s3_server.endpoint_url}/")
    assert requests.get(download.headers["Location"], timeout=10).content == content
    ranged = requests.get(download.headers["Location"], headers={"Range": "bytes=0-9"}, timeout=10)
    assert (ranged.status_code, ranged.content) == (206, b"Price list")


def test_an_import_previewed_on_one_node_is_confirmed_on_the_other(nodes):
    node_a, node_b = nodes
    world = factories.make_world()
    cohort = world.cohort_a
    lead = browser()
    assert sign_in(lead, node_a, world.lead).status_code == 302
    token = csrf_token(lead.get(f"{node_a}/cohorts/{cohort.id}/import").text)
    preview = lead.post(
        f"{node_a}/cohorts/{cohort.id}/import",
        data={"csrf_token": token},
        files={"file": ("learners.csv", csv_bytes(GOOD_ROWS), "text/csv")},
    ).text
    assert "3 learners are ready to be added" in preview
    kept = re.search(r'name="token" type="hidden" value="([^"]+)"', preview).group(1)
    confirmed = lead.post(
        f"{node_b}/cohorts/{cohort.id}/import/confirm",
        data={"csrf_token": csrf_token(preview), "token": kept},
        allow_redirects=False,
    )
    assert confirmed.headers["Location"].endswith(f"/cohorts/{cohort.id}/import/result")
    # One of the two workers runs it; either node shows the result.
    deadline = time.monotonic() + 60
    while "3 learners enrolled" not in (answer := lead.get(f"{node_a}/cohorts/{cohort.id}/import/result").text):
        assert time.monotonic() < deadline, answer[:500]
        time.sleep(0.2)


def test_sign_in_attempts_count_across_nodes(nodes):
    node_a, node_b = nodes
    person = factories.UserFactory()
    for attempt in range(5):
        node = (node_a, node_b)[attempt % 2]
        answer = sign_in(browser(), node, person, password="not the password")
        assert answer.status_code == 200, f"attempt {attempt + 1} on {node}"
    # The sixth try is refused on either node, even with the right password.
    for node in nodes:
        assert sign_in(browser(), node, person).status_code == 429


def test_two_schedulers_runs_of_the_daily_reminders_tell_each_graduate_once(app, nodes):
    world = factories.make_world()
    for _ in range(3):
        factories.graduate(world.cohort_a, graduated_on=program_today() - timedelta(days=100))
    db.session.commit()
    due = len(db.session.execute(waves.waves_falling_due(program_today())).all())
    assert due >= 3
    # Each worker's scheduler enqueues the day's run: two runs, taken by the two workers at once.
    with real_queue(app.config["LMS_TEST_DATABASE_URL"], app.instance_path):
        send_follow_up_reminders()
        send_follow_up_reminders()
    deadline = time.monotonic() + 60
    while reminders_told() < due or queue_rows() > 0:
        assert time.monotonic() < deadline, f"{reminders_told()} of {due} reminders"
        time.sleep(0.2)
    time.sleep(0.5)  # the second run, if it is still going, finds nothing left to tell
    assert reminders_told() == due
    assert db.session.scalar(select(func.count()).select_from(FollowUpReminder)) == due


def reminders_told() -> int:
    db.session.rollback()
    kind = NotificationKind.FOLLOW_UP_DUE
    return db.session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == kind))


def queue_rows() -> int:
    return db.session.scalar(text("SELECT count(*) FROM huey_task"))


def test_an_export_asked_for_on_one_node_is_built_once_by_the_worker_and_downloaded_on_the_other(nodes, s3_server):
    node_a, node_b = nodes
    world = factories.make_world()
    graduation = factories.graduate(world.cohort_a, world.learner_a, consent=True)
    factories.follow_up(graduation, 0)
    lead = browser()
    assert sign_in(lead, node_a, world.lead).status_code == 302
    asked = lead.get(f"{node_a}/follow-ups/export.csv", allow_redirects=False)
    assert asked.status_code == 303
    page = asked.headers["Location"]
    assert lead.get(f"{node_b}/follow-ups/export.csv", allow_redirects=False).headers["Location"] == page
    deadline = time.monotonic() + 60
    while "Your file is ready" not in (answer := lead.get(f"{node_b}{page}").text):
        assert time.monotonic() < deadline, answer[:500]
        time.sleep(0.2)
    download = lead.get(f"{node_b}{page}/download", allow_redirects=False)
    assert download.headers["Location"].startswith(f"{s3_server.endpoint_url}/")
    body = requests.get(download.headers["Location"], timeout=10).content.decode("utf-8-sig")
    assert world.learner_a.name in body
    db.session.expire_all()
    assert db.session.scalars(select(ExportJob.status)).all() == [ExportStatus.READY]
    assert db.session.scalar(select(func.count()).where(MediaFile.kind == MediaKind.EXPORT)) == 1
