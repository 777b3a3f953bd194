"""The lead's pages for a lesson's files and a course's cover, through the browser's eyes."""

import io

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import Lesson, LessonResource
from lms.media.models import MediaFile, VideoStatus
from lms.media.stores import current_store
from tests.courses.test_media_samples import WEBVTT, ffmpeg_or_skip, png_bytes, sample_video_files
from tests.factories import LessonFactory


@pytest.fixture
def sample_videos(tmp_path_factory):
    return sample_video_files(tmp_path_factory)


@pytest.fixture
def lead(client, auth, world):
    auth.login(world.lead)
    return world.lead


def post_file(client, url, field, data: bytes, filename: str, **fields):
    return client.post(url, data={field: (io.BytesIO(data), filename), **fields}, content_type="multipart/form-data")


def reloaded(lesson_id: int) -> Lesson:
    db.session.expire_all()
    return db.session.get(Lesson, lesson_id)


def media_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MediaFile))


def test_a_text_file_named_mp4_is_refused_on_the_page(client, lead, world):
    lesson = world.courses_a.video
    response = post_file(client, f"/manage/lessons/{lesson.id}/video", "video", b"not a film\n", "tea.mp4")
    assert response.status_code == 200
    assert "This file is not an MP4 or WebM video. Please choose a video file." in response.text
    assert media_count() == 0
    assert reloaded(lesson.id).video_status == VideoStatus.NONE


def test_an_upload_without_a_file_asks_for_one(client, lead, world):
    response = client.post(f"/manage/lessons/{world.courses_a.video.id}/video", data={})
    assert response.status_code == 200
    assert "Choose a video file." in response.text


def test_an_oversize_upload_gets_the_friendly_413_page(app, client, lead, world):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    try:
        response = post_file(
            client, f"/manage/lessons/{world.courses_a.video.id}/video", "video", b"\x00" * 200_000, "big.mp4"
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 200 * 1024 * 1024
    assert response.status_code == 413
    assert "File too large" in response.text
    assert media_count() == 0


def test_an_uploaded_video_is_converted_by_the_queue(client, lead, world, sample_videos, job_queue):
    lesson = world.courses_a.video
    data = sample_videos["small"].read_bytes()
    response = post_file(client, f"/manage/lessons/{lesson.id}/video", "video", data, "茶园.mp4")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/lessons/{lesson.id}/files")
    assert job_queue.names() == ["convert_lesson_video"]
    assert reloaded(lesson.id).video_status == VideoStatus.PROCESSING
    assert job_queue.run() == 1
    lesson = reloaded(lesson.id)
    assert lesson.video_status == VideoStatus.READY
    page = client.get(f"/manage/lessons/{lesson.id}/files").text
    assert "Ready." in page
    assert "茶园.mp4" in page
    assert "Small version for phones (360p)" in page
    assert f'poster="/media/{lesson.poster_id}"' in page
    assert "0:02" in page
    assert client.get(f"/media/{lesson.rendition_id}").status_code == 200


def test_without_ffmpeg_the_page_says_the_original_is_served(app, client, lead, world, monkeypatch, job_queue):
    monkeypatch.setitem(app.config, "LMS_FFMPEG", None)
    lesson = world.courses_a.video
    mp4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 2000
    assert post_file(client, f"/manage/lessons/{lesson.id}/video", "video", mp4, "tea.mp4").status_code == 302
    assert job_queue.names() == []
    assert reloaded(lesson.id).video_status == VideoStatus.ORIGINAL_ONLY
    page = client.get(f"/manage/lessons/{lesson.id}/files").text
    assert "Learners get the original file, because ffmpeg is not installed on this server." in page
    assert "ffmpeg is not installed on this server, so learners get each video exactly as it was uploaded" in page
    assert "Convert again" not in page


def test_a_failed_conversion_can_be_tried_again_and_two_presses_ask_once(client, lead, world, job_queue):
    ffmpeg_or_skip()
    lesson = world.courses_a.video
    broken = b"\x00\x00\x00\x18ftypisom" + b"junk" * 500
    post_file(client, f"/manage/lessons/{lesson.id}/video", "video", broken, "broken.mp4")
    assert job_queue.run() == 1
    assert reloaded(lesson.id).video_status == VideoStatus.FAILED
    page = client.get(f"/manage/lessons/{lesson.id}/files").text
    assert "The video could not be converted" in page
    assert "Convert again" in page
    assert client.post(f"/manage/lessons/{lesson.id}/video/convert").status_code == 302
    assert client.post(f"/manage/lessons/{lesson.id}/video/convert").status_code == 302
    assert job_queue.names() == ["convert_lesson_video"]
    assert "Convert again" not in client.get(f"/manage/lessons/{lesson.id}/files").text
    assert job_queue.run() == 1
    assert reloaded(lesson.id).video_status == VideoStatus.FAILED


def test_only_video_lessons_take_a_video_or_captions(client, lead, world):
    reading = world.courses_a.reading
    assert post_file(client, f"/manage/lessons/{reading.id}/video", "video", b"x", "a.mp4").status_code == 404
    assert post_file(client, f"/manage/lessons/{reading.id}/captions", "captions", WEBVTT, "a.vtt").status_code == 404
    page = client.get(f"/manage/lessons/{reading.id}/files").text
    assert "Files to download" in page
    assert "Captions" not in page


def test_captions_are_uploaded_replaced_and_removed(client, lead, world):
    lesson = world.courses_a.video
    url = f"/manage/lessons/{lesson.id}/captions"
    assert post_file(client, url, "captions", WEBVTT, "zh.vtt").status_code == 302
    first = reloaded(lesson.id).captions
    first_key = first.path
    assert first.content_type == "text/vtt"
    assert post_file(client, url, "captions", WEBVTT + b"\n", "zh-2.vtt").status_code == 302
    assert reloaded(lesson.id).captions.original_name == "zh-2.vtt"
    assert not current_store().exists(first_key)
    refused = post_file(client, url, "captions", b"1\n00:00:00,000 --> 00:00:01,000\nhi\n", "zh.srt")
    assert "first line must be WEBVTT" in refused.text
    assert client.post(f"/manage/lessons/{lesson.id}/captions/remove").status_code == 302
    assert reloaded(lesson.id).captions is None
    assert media_count() == 0


def test_resources_are_added_downloaded_and_removed(client, lead, world):
    lesson = world.courses_a.reading
    url = f"/manage/lessons/{lesson.id}/resources"
    pdf = b"%PDF-1.7\nprice list"
    response = post_file(client, url, "file", pdf, "价格表.pdf", title="Price list template")
    assert response.status_code == 302
    resource = db.session.scalar(select(LessonResource))
    assert resource.title == "Price list template"
    page = client.get(f"/manage/lessons/{lesson.id}/files").text
    assert "Price list template" in page
    assert "价格表.pdf" in page
    download = client.get(f"/media/{resource.media_id}")
    assert download.data == pdf
    assert download.headers["Content-Disposition"].startswith("attachment")
    download.close()
    refused = post_file(client, url, "file", b"MZ\x90\x00binary", "setup.pdf", title="Installer")
    assert "cannot be added" in refused.text
    key = resource.media.path
    assert client.post(f"/manage/lessons/{lesson.id}/resources/{resource.id}/remove").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LessonResource)) == 0
    assert media_count() == 0
    assert not current_store().exists(key)


def test_a_picture_file_can_be_shown_in_the_lesson_text(client, lead, world):
    lesson = world.courses_a.reading
    post_file(client, f"/manage/lessons/{lesson.id}/resources", "file", png_bytes(), "box.png", title="Packed box")
    resource = db.session.scalar(select(LessonResource))
    page = client.get(f"/manage/lessons/{lesson.id}/files").text
    assert f"![Packed box](/media/{resource.media_id})" in page


def test_a_resource_is_removed_only_through_its_own_lesson(client, lead, world):
    lesson = world.courses_a.reading
    post_file(client, f"/manage/lessons/{lesson.id}/resources", "file", b"%PDF-1.4", "a.pdf", title="Sheet")
    resource = db.session.scalar(select(LessonResource))
    other = world.courses_a.quiz.id
    assert client.post(f"/manage/lessons/{other}/resources/{resource.id}/remove").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LessonResource)) == 1


def test_the_files_page_loads_in_the_same_queries_with_more_resources(client, lead, world, count_queries):
    lesson = world.courses_a.video
    url, files = f"/manage/lessons/{lesson.id}/resources", f"/manage/lessons/{lesson.id}/files"
    post_file(client, url, "file", b"%PDF-1.4 one", "one.pdf", title="One")
    with count_queries() as few:
        assert client.get(files).status_code == 200
    for number in range(6):
        post_file(client, url, "file", b"%PDF-1.4 more", f"{number}.pdf", title=f"More {number}")
    with count_queries() as many:
        assert client.get(files).status_code == 200
    assert len(few) == len(many)


def test_a_course_cover_is_uploaded_and_replaced(client, lead, world):
    course = world.courses_a.course
    url = f"/manage/courses/{course.id}/cover"
    assert "No cover picture yet." in client.get(url).text
    assert post_file(client, url, "cover", png_bytes(), "封面.png").status_code == 302
    db.session.expire_all()
    first_key = course.cover.path
    assert course.cover.content_type == "image/jpeg"
    refused = post_file(client, url, "cover", b"<svg onload=alert(1)/>", "cover.png")
    assert "not a JPEG, PNG, WebP or HEIC picture" in refused.text
    assert post_file(client, url, "cover", png_bytes(4, 4), "new.png").status_code == 302
    db.session.expire_all()
    assert course.cover.original_name == "new.jpg"
    assert not current_store().exists(first_key)
    assert f'src="/media/{course.cover_id}"' in client.get(url).text
    assert client.post(f"/manage/courses/{course.id}/cover/remove").status_code == 302
    db.session.expire_all()
    assert course.cover is None
    assert media_count() == 0


def test_learners_and_mentors_cannot_upload(client, auth, world):
    for person in (world.learner_a, world.mentor_a):
        auth.login(person)
        lesson = world.courses_a.video
        response = post_file(client, f"/manage/lessons/{lesson.id}/video", "video", b"x", "a.mp4")
        assert response.status_code == 403
        auth.logout()
    assert media_count() == 0


def test_pages_carry_no_inline_script_or_style(client, lead, world):
    LessonFactory(module=world.courses_a.module, kind="video")
    for url in (
        f"/manage/lessons/{world.courses_a.video.id}/files",
        f"/manage/courses/{world.courses_a.course.id}/cover",
    ):
        html = client.get(url).text
        assert "<script>" not in html
        assert "style=" not in html
