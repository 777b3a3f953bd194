"""Downloads: a presigned redirect from a bucket, the proxy's X-Accel-Redirect or the bytes from local disk;
course media cached by the phone, personal files (handed-in work, evidence photos) never."""

import urllib.request

import pytest

from lms.core.extensions import db
from lms.core.web import content_security_policy
from lms.courses.models import LessonResource
from lms.learning.models import Submission, SubmissionFile, SubmissionVersion
from lms.media import storage
from lms.media.models import MediaKind, VideoStatus
from lms.media.stores import EXTENSION_KEY, LocalStore
from lms.outcomes.models import FollowUpEvidence
from tests.courses.test_media_samples import png_bytes
from tests.factories import follow_up

VIDEO = b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 40
NO_STORE = "private, no-store"


def stored(tmp_path, data: bytes, kind: str, content_type: str, name: str):
    source = tmp_path / f"source-{len(list(tmp_path.iterdir()))}"
    source.write_bytes(data)
    return storage.store_local_file(source, kind, name, content_type)


@pytest.fixture
def media(world, tmp_path, store):
    """Cohort A's lesson video and price list, learner A's handed-in photo and her follow-up's evidence photo."""
    lesson = world.courses_a.video
    lesson.video = stored(tmp_path, VIDEO, MediaKind.VIDEO, "video/mp4", "tea.mp4")
    lesson.video_status = VideoStatus.ORIGINAL_ONLY
    price_list = stored(tmp_path, b"%PDF-1.4 prices", MediaKind.RESOURCE, "application/pdf", "价格表.pdf")
    world.courses_a.reading.resources.append(LessonResource(media=price_list, title="Price list"))
    photo = stored(tmp_path, png_bytes(), MediaKind.IMAGE, "image/png", "my-tea.png")
    submission = Submission(lesson=world.courses_a.assignment, learner=world.learner_a, cohort=world.cohort_a)
    version = SubmissionVersion(submission=submission, number=1, text="My tea")
    version.files.append(SubmissionFile(media=photo, kind="photo"))
    evidence = stored(tmp_path, png_bytes(3, 3), MediaKind.IMAGE, "image/png", "orders.png")
    recorded = follow_up(world.graduate())
    recorded.evidence.append(FollowUpEvidence(media=evidence))
    db.session.add_all([submission, recorded])
    db.session.commit()
    return {"video": lesson.video, "price_list": price_list, "photo": photo, "evidence": evidence, "store": store}


def fetch_url(url: str, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - the test S3 server on 127.0.0.1
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.headers, response.read()


def get(client, media_file, **headers):
    response = client.get(f"/media/{media_file.id}", headers=headers)
    body = response.data
    response.close()
    return response, body


@pytest.mark.parametrize("store", ["s3"], indirect=True)
def test_from_a_bucket_a_presigned_address_serves_the_bytes_and_ranges(client, auth, world, media, s3_server):
    auth.login(world.learner_a)
    response, _body = get(client, media["video"])
    assert response.status_code == 302
    address = response.headers["Location"]
    assert address.startswith(s3_server.endpoint_url)
    assert "X-Amz-Expires=" in address
    assert "X-Amz-Signature=" in address
    assert response.headers["Cache-Control"].startswith("private, max-age=")
    status, headers, body = fetch_url(address)
    assert (status, body) == (200, VIDEO)
    assert headers["Content-Type"] == "video/mp4"
    assert headers["Cache-Control"] == "private, max-age=31536000, immutable"
    status, headers, body = fetch_url(address, Range="bytes=100-199")
    assert (status, body) == (206, VIDEO[100:200])
    assert headers["Content-Range"] == f"bytes 100-199/{len(VIDEO)}"


@pytest.mark.parametrize("store", ["s3"], indirect=True)
def test_a_bucket_download_keeps_its_name_and_a_refusal_reveals_no_address(client, auth, world, media):
    auth.login(world.learner_a)
    response, _body = get(client, media["price_list"])
    _status, headers, body = fetch_url(response.headers["Location"])
    assert body == b"%PDF-1.4 prices"
    assert headers["Content-Disposition"].startswith("attachment")
    assert "filename*=UTF-8''%E4%BB%B7%E6%A0%BC%E8%A1%A8.pdf" in headers["Content-Disposition"]
    auth.logout()
    auth.login(world.learner_b)
    refused, _body = get(client, media["video"])
    assert refused.status_code == 404
    assert "Location" not in refused.headers


def test_personal_files_are_never_cached_and_course_files_are(client, auth, world, media):
    auth.login(world.learner_a)
    for name in ("photo", "evidence"):
        response, body = get(client, media[name])
        assert response.headers["Cache-Control"] == NO_STORE, name
        if response.status_code == 302:
            _status, headers, body = fetch_url(response.headers["Location"])
            assert headers["Cache-Control"] == NO_STORE, name
        else:
            assert response.status_code == 200
        assert body == storage.read_media(media[name])
    course_video, _body = get(client, media["video"])
    assert "no-store" not in course_video.headers["Cache-Control"]
    assert course_video.headers["Cache-Control"].startswith("private, max-age=")


def test_the_mentor_and_the_lead_get_personal_files_uncached_too(client, auth, world, media):
    for person in (world.mentor_a, world.lead):
        auth.login(person)
        response, _body = get(client, media["photo"])
        assert response.status_code in (200, 302)
        assert response.headers["Cache-Control"] == NO_STORE
        auth.logout()


@pytest.mark.parametrize("store", ["local"], indirect=True)
def test_behind_a_proxy_local_files_are_sent_by_the_proxy(app, client, auth, world, media, monkeypatch):
    monkeypatch.setitem(app.extensions, EXTENSION_KEY, LocalStore(media["store"].root, "/_protected_media"))
    auth.login(world.learner_a)
    response, body = get(client, media["video"])
    assert response.status_code == 200
    assert body == b""
    assert response.headers["X-Accel-Redirect"] == f"/_protected_media/{media['video'].path}"
    assert response.mimetype == "video/mp4"
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    photo, _body = get(client, media["photo"])
    assert photo.headers["Cache-Control"] == NO_STORE
    price_list, _body = get(client, media["price_list"])
    assert price_list.headers["Content-Disposition"].startswith("attachment")


def test_the_content_security_policy_lets_media_in_from_the_bucket_only(s3_store):
    origin = s3_store.origin()
    policy = dict(part.split(" ", 1) for part in content_security_policy(origin).split("; "))
    assert origin in policy["img-src"]
    assert origin in policy["media-src"]
    assert origin in policy["connect-src"]  # saving a video for offline use fetches it from there
    assert origin not in policy["script-src"]
    assert origin not in policy["default-src"]
    assert origin not in content_security_policy(None)


def test_a_file_no_owner_claims_yet_is_seen_by_its_uploader_and_admins_alone(client, auth, world, tmp_path):
    """A photo held after a refused hand-in: hers until the form is sent again; not every lead's."""
    held = stored(tmp_path, png_bytes(), MediaKind.IMAGE, "image/png", "held.png")
    held.uploaded_by_id = world.learner_a.id
    db.session.commit()
    expected = {world.learner_a: 200, world.learner_b: 404, world.mentor_a: 404, world.lead: 404, world.admin: 200}
    for person, status in expected.items():
        auth.login(person)
        response = client.get(f"/media/{held.id}")
        assert response.status_code == status, person.name
        if status == 200:
            assert NO_STORE in response.headers["Cache-Control"]
        auth.logout()
