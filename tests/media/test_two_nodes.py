"""Two app nodes, each with its own instance folder, one database and one bucket: nothing lives on one machine.

A file uploaded through node A is served through node B; an import previewed on A is confirmed on B.
"""

import re

import pytest
from sqlalchemy import func, select

from lms.app import create_app
from lms.cohorts.models import Enrollment, KeptImport
from lms.core.extensions import db
from lms.courses.models import LessonResource
from lms.media.models import MediaFile
from lms.media.stores.s3 import S3Store
from tests.cohorts.test_import import GOOD_ROWS, csv_bytes
from tests.cohorts.test_import import upload as upload_learners
from tests.conftest import Auth, IsolatedClient, english_client
from tests.courses.test_media_pages import post_file
from tests.media.test_downloads import fetch_url
from tests.outcomes.test_follow_up_import import HEADER, confirm, follow_up_count, graduate, line
from tests.outcomes.test_follow_up_import import upload as upload_follow_ups


@pytest.fixture(scope="session")
def node_b(app, s3_server, s3_bucket, tmp_path_factory):
    """A second app, built from its own settings: another instance folder, the same database, secret and bucket."""
    shared = ("TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "SECRET_KEY", "BABEL_DEFAULT_LOCALE")
    shared += ("LMS_PASSWORD_TIME_COST", "LMS_PASSWORD_MEMORY_KIB")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LMS_INSTANCE_PATH", str(tmp_path_factory.mktemp("node-b") / "instance"))
        other = create_app({**{key: app.config[key] for key in shared}, **s3_server.settings(s3_bucket)})
    other.test_client_class = IsolatedClient
    assert isinstance(other.extensions["lms_store"], S3Store)
    assert other.instance_path != app.instance_path
    return other


@pytest.fixture
def client_b(node_b):
    return english_client(node_b)


@pytest.mark.parametrize("store", ["s3"], indirect=True)
def test_a_file_uploaded_on_one_node_is_served_by_the_other(client, auth, client_b, world, store):
    lesson = world.courses_a.reading
    auth.login(world.lead)
    url = f"/manage/lessons/{lesson.id}/resources"
    assert post_file(client, url, "file", b"%PDF-1.4 prices", "prices.pdf", title="Prices").status_code == 302
    media_id = db.session.scalar(select(LessonResource.media_id).where(LessonResource.lesson_id == lesson.id))
    Auth(client_b).login(world.learner_a)
    response = client_b.get(f"/media/{media_id}")
    assert response.status_code == 302
    assert fetch_url(response.headers["Location"])[2] == b"%PDF-1.4 prices"
    assert store.exists(db.session.get(MediaFile, media_id).path)


def move_session(source, target) -> None:
    """The browser's next request reaches the other node, with the same session cookie."""
    target.set_cookie("session", source.get_cookie("session").value)


def test_a_learner_import_previewed_on_one_node_is_confirmed_on_the_other(client, auth, client_b, world):
    cohort = world.cohort_a
    auth.login(world.lead)
    page = upload_learners(client, cohort, csv_bytes(GOOD_ROWS)).text
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    move_session(client, client_b)
    response = client_b.post(f"/cohorts/{cohort.id}/import/confirm", data={"token": token})
    assert response.headers["Location"] == f"/cohorts/{cohort.id}/import/result"
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.cohort_id == cohort.id)) == 4
    move_session(client_b, client)
    result = client.get(f"/cohorts/{cohort.id}/import/result").text
    assert len(re.findall(r'<td class="code">([A-Z0-9]{4}-[A-Z0-9]{4})</td>', result)) == 3
    assert db.session.scalars(select(KeptImport.kind)).all() == ["done"]


def test_a_follow_up_import_previewed_on_one_node_is_confirmed_on_the_other(client, auth, client_b, world):
    graduate(world.cohort_a, world.learner_a)
    auth.login(world.lead)
    assert "1 follow-up is ready" in upload_follow_ups(client, HEADER + line(world.learner_a)).text
    move_session(client, client_b)
    assert confirm(client_b).status_code == 302
    assert follow_up_count() == 1
    assert db.session.scalars(select(KeptImport.kind)).all() == ["done"]  # what it gave, shown for an hour
