"""Serving files: only to those who may see their lesson or course, resumable, cached privately."""

import pytest

from lms.core.extensions import db
from lms.courses.models import LessonResource
from lms.media import storage
from lms.media.models import MediaFile, MediaKind, VideoStatus
from lms.media.stores import current_store
from tests.courses.test_media_samples import png_bytes
from tests.factories import CourseFactory, LessonFactory, ModuleFactory

VIDEO_BYTES = b"\x00\x00\x00\x18ftypisom" + bytes(range(256)) * 40


def stored(tmp_path, data: bytes, kind: str, content_type: str, name: str):
    source = tmp_path / f"source-{len(list(tmp_path.iterdir()))}"
    source.write_bytes(data)
    return storage.store_local_file(source, kind, name, content_type)


@pytest.fixture
def files(world, tmp_path):
    """Cohort A's and B's video lesson videos, a resource of A's draft lesson, A's course cover."""
    world.courses_a.video.video = stored(tmp_path, VIDEO_BYTES, MediaKind.VIDEO, "video/mp4", "a.mp4")
    world.courses_a.video.video_status = VideoStatus.ORIGINAL_ONLY
    world.courses_b.video.video = stored(tmp_path, VIDEO_BYTES, MediaKind.VIDEO, "video/mp4", "b.mp4")
    draft_file = stored(tmp_path, b"%PDF-1.4 draft", MediaKind.RESOURCE, "application/pdf", "草稿.pdf")
    db.session.add(LessonResource(lesson=world.courses_a.draft, media=draft_file, title="Draft sheet"))
    price_list = stored(tmp_path, b"%PDF-1.4 prices", MediaKind.RESOURCE, "application/pdf", "价格表 2027.pdf")
    db.session.add(LessonResource(lesson=world.courses_a.reading, media=price_list, title="Price list"))
    world.courses_a.course.cover = stored(tmp_path, png_bytes(), MediaKind.IMAGE, "image/png", "cover.png")
    db.session.commit()
    return {
        "video_a": world.courses_a.video.video_id,
        "video_b": world.courses_b.video.video_id,
        "draft_resource": draft_file.id,
        "price_list": price_list.id,
        "cover_a": world.courses_a.course.cover_id,
    }


def fetch(client, media_id, **headers):
    response = client.get(f"/media/{media_id}", headers=headers)
    body = response.data
    response.close()
    return response, body


def test_a_learner_gets_their_cohorts_lesson_video(client, auth, world, files):
    auth.login(world.learner_a)
    response, body = fetch(client, files["video_a"])
    assert response.status_code == 200
    assert body == VIDEO_BYTES
    assert response.mimetype == "video/mp4"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
    assert response.cache_control.max_age >= 30 * 24 * 3600


def test_range_requests_return_the_asked_bytes(client, auth, world, files):
    auth.login(world.learner_a)
    total = len(VIDEO_BYTES)
    response, body = fetch(client, files["video_a"], Range="bytes=100-199")
    assert response.status_code == 206
    assert body == VIDEO_BYTES[100:200]
    assert response.headers["Content-Range"] == f"bytes 100-199/{total}"
    assert response.headers["Content-Length"] == "100"
    response, body = fetch(client, files["video_a"], Range=f"bytes={total - 10}-")
    assert response.status_code == 206
    assert body == VIDEO_BYTES[-10:]
    assert response.headers["Content-Range"] == f"bytes {total - 10}-{total - 1}/{total}"
    response, _body = fetch(client, files["video_a"], Range=f"bytes={total + 5}-")
    assert response.status_code == 416


def test_a_phone_that_has_the_file_gets_not_modified(client, auth, world, files):
    auth.login(world.learner_a)
    first, _body = fetch(client, files["video_a"])
    again, body = fetch(client, files["video_a"], **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert body == b""


def test_another_cohorts_video_is_hidden(client, auth, world, files):
    auth.login(world.learner_b)
    assert fetch(client, files["video_a"])[0].status_code == 404
    assert fetch(client, files["video_b"])[0].status_code == 200
    assert fetch(client, files["cover_a"])[0].status_code == 404


def test_the_anonymous_are_sent_to_sign_in(client, files):
    response, _body = fetch(client, files["video_a"])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_files_of_a_draft_lesson_are_hidden_from_learners_and_mentors(client, auth, world, files):
    for person in (world.learner_a, world.mentor_a):
        auth.login(person)
        assert fetch(client, files["draft_resource"])[0].status_code == 404
        assert fetch(client, files["price_list"])[0].status_code == 200
        auth.logout()
    auth.login(world.lead)
    assert fetch(client, files["draft_resource"])[0].status_code == 200


def test_files_of_an_unpublished_course_are_hidden(client, auth, world, files):
    world.courses_a.course.published = False
    db.session.commit()
    auth.login(world.learner_a)
    assert fetch(client, files["video_a"])[0].status_code == 404
    assert fetch(client, files["cover_a"])[0].status_code == 404


def test_a_file_of_no_lesson_or_course_is_only_for_managers(client, auth, world, tmp_path):
    loose = stored(tmp_path, png_bytes(), MediaKind.IMAGE, "image/png", "loose.png")
    db.session.commit()
    auth.login(world.learner_a)
    assert fetch(client, loose.id)[0].status_code == 404
    auth.logout()
    auth.login(world.admin)
    assert fetch(client, loose.id)[0].status_code == 200


def test_a_file_missing_on_disk_is_not_found_rather_than_an_error(client, auth, world, files):
    current_store().delete(world.courses_a.video.video.path)
    auth.login(world.lead)
    assert fetch(client, files["video_a"])[0].status_code == 404


def test_resources_download_under_their_name_and_are_never_sniffed(client, auth, world, files):
    auth.login(world.learner_a)
    response, body = fetch(client, files["price_list"])
    assert body == b"%PDF-1.4 prices"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''%E4%BB%B7%E6%A0%BC%E8%A1%A8%202027.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    cover, _body = fetch(client, files["cover_a"])
    assert cover.headers["Content-Disposition"].startswith("inline")
    assert cover.mimetype == "image/png"


def test_serving_a_file_takes_the_same_few_queries_however_big_the_course(
    client, auth, world, files, tmp_path, count_queries
):
    auth.login(world.learner_a)
    with count_queries() as small:
        assert fetch(client, files["video_a"])[0].status_code == 200
    module = ModuleFactory(course=world.courses_a.course)
    lessons = LessonFactory.create_batch(15, module=module, kind="video")
    for lesson in lessons:
        lesson.video = stored(tmp_path, VIDEO_BYTES, MediaKind.VIDEO, "video/mp4", "more.mp4")
    CourseFactory.create_batch(5, program=world.program)
    db.session.commit()
    last_video_id = lessons[-1].video_id
    with count_queries() as larger:
        assert fetch(client, last_video_id)[0].status_code == 200
    assert len(small) == len(larger) <= 4


def test_a_file_kept_under_a_misleading_name_downloads_with_the_extension_of_what_it_is(client, auth, world, files):
    price_list = db.session.get(MediaFile, files["price_list"])
    price_list.original_name = "price-list.exe"  # as files were kept before names followed their content
    db.session.commit()
    auth.login(world.learner_a)
    response, _body = fetch(client, files["price_list"])
    assert "price-list.pdf" in response.headers["Content-Disposition"]
    assert ".exe" not in response.headers["Content-Disposition"]
