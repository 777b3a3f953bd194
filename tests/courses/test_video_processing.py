"""The 360p and 240p renditions, the sound alone and the poster: made when ffmpeg is here, never half-made, and the
app runs without it."""

import json
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses import files, video
from lms.courses.models import Lesson
from lms.media import storage
from lms.media.models import MediaFile, MediaKind, VideoStatus
from lms.media.stores import current_store
from tests.courses.test_media_samples import ffmpeg_or_skip, incoming_files, sample_video_files, upload
from tests.factories import LessonFactory


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.fixture
def sample_videos(tmp_path_factory):
    return sample_video_files(tmp_path_factory)


@pytest.fixture
def video_lesson():
    return LessonFactory(kind="video", title="Film your tea garden")


def uploaded(lesson, path) -> Lesson:
    """The lesson with ``path`` uploaded as its video, committed, as the upload page leaves it."""
    files.upload_lesson_video(lesson, upload(path.read_bytes(), path.name))
    db.session.commit()
    return lesson


def reloaded(lesson_id: int) -> Lesson:
    db.session.expire_all()
    return db.session.get(Lesson, lesson_id)


def stream_kinds(path) -> list[str]:
    ffprobe = shutil.which("ffprobe")
    output = subprocess.run(
        [ffprobe, "-v", "error", "-show_entries", "stream=codec_type", "-of", "json", path],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return [stream["codec_type"] for stream in json.loads(output)["streams"]]


def stream_sizes(path) -> tuple[int, int]:
    ffprobe = shutil.which("ffprobe")
    output = subprocess.run(
        [ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "json", path],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    stream = json.loads(output)["streams"][0]
    return stream["width"], stream["height"]


def all_stored_files() -> set:
    return {path for path in storage.upload_root().rglob("*") if path.is_file()}


def stored_path(media_file):
    return current_store().path(media_file.path)


def kinds_stored() -> list[str]:
    return sorted(db.session.scalars(select(MediaFile.kind)))


def test_a_large_video_gets_smaller_360p_and_240p_renditions_its_sound_alone_and_a_poster(sample_videos, video_lesson):
    lesson = uploaded(video_lesson, sample_videos["large"])
    assert lesson.video_status == VideoStatus.PROCESSING
    assert video.process_video(lesson.id) == VideoStatus.READY
    lesson = reloaded(lesson.id)
    assert lesson.video_status == VideoStatus.READY
    assert lesson.duration_seconds == 2
    assert lesson.rendition.content_type == "video/mp4"
    assert lesson.rendition.size_bytes < lesson.video.size_bytes / 4
    assert stored_path(lesson.rendition).stat().st_size == lesson.rendition.size_bytes
    assert stream_sizes(stored_path(lesson.rendition)) == (640, 360)
    assert lesson.poster.content_type == "image/jpeg"
    assert stored_path(lesson.poster).read_bytes().startswith(b"\xff\xd8\xff")
    assert lesson.rendition.original_name == "large-360p.mp4"
    small = lesson.rendition_small
    assert (small.kind, small.content_type, small.original_name) == (MediaKind.RENDITION, "video/mp4", "large-240p.mp4")
    assert small.size_bytes < lesson.rendition.size_bytes
    assert stream_sizes(stored_path(small)) == (426, 240)
    assert stream_kinds(stored_path(small)) == ["video", "audio"]
    audio = lesson.audio
    assert (audio.kind, audio.content_type, audio.original_name) == (MediaKind.AUDIO, "audio/mp4", "large-audio.m4a")
    assert audio.size_bytes < small.size_bytes
    assert stored_path(audio).suffix == ".m4a"
    assert stream_kinds(stored_path(audio)) == ["audio"]
    assert incoming_files() == []


def test_an_upright_phone_video_keeps_its_short_side_at_360(sample_videos, video_lesson):
    lesson = uploaded(video_lesson, sample_videos["portrait"])
    assert video.process_video(lesson.id) == VideoStatus.READY
    lesson = reloaded(lesson.id)
    assert stream_sizes(stored_path(lesson.rendition)) == (360, 640)
    assert stream_sizes(stored_path(lesson.rendition_small)) == (240, 426)


def test_a_corrupt_video_fails_and_leaves_nothing_half_made(video_lesson):
    ffmpeg_or_skip()
    garbage = b"\x00\x00\x00\x18ftypisom" + b"\x13\x37 this is not a movie " * 500
    files.upload_lesson_video(video_lesson, upload(garbage, "broken.mp4"))
    db.session.commit()
    files_before = all_stored_files()
    assert video.process_video(video_lesson.id) == VideoStatus.FAILED
    assert all_stored_files() == files_before
    lesson = reloaded(video_lesson.id)
    assert lesson.video_status == VideoStatus.FAILED
    assert (lesson.rendition, lesson.rendition_small, lesson.audio, lesson.poster) == (None, None, None, None)
    assert kinds_stored() == [MediaKind.VIDEO]
    assert incoming_files() == []


def test_without_ffmpeg_the_original_is_served(app, monkeypatch, sample_videos, video_lesson):
    monkeypatch.setitem(app.config, "LMS_FFMPEG", None)
    lesson = uploaded(video_lesson, sample_videos["small"])
    assert lesson.video_status == VideoStatus.ORIGINAL_ONLY
    # A lesson left waiting when ffmpeg went away is not stuck either.
    lesson.video_status = VideoStatus.PROCESSING
    db.session.commit()
    assert video.process_video(lesson.id) == VideoStatus.ORIGINAL_ONLY
    assert kinds_stored() == [MediaKind.VIDEO]


def test_replacing_a_video_deletes_the_old_files_once_committed(sample_videos, video_lesson):
    lesson = uploaded(video_lesson, sample_videos["small"])
    video.process_video(lesson.id)
    lesson = reloaded(lesson.id)
    old_files = (lesson.video, lesson.rendition, lesson.rendition_small, lesson.audio, lesson.poster)
    old_paths = [stored_path(file) for file in old_files]
    assert all(path.exists() for path in old_paths)
    files.upload_lesson_video(lesson, upload(sample_videos["large"].read_bytes(), "again.mp4"))
    assert all(path.exists() for path in old_paths)  # until the commit, a rollback could still need them
    db.session.commit()
    assert not any(path.exists() for path in old_paths)
    lesson = reloaded(lesson.id)
    assert lesson.video.original_name == "again.mp4"
    assert (lesson.rendition, lesson.rendition_small, lesson.audio, lesson.poster) == (None, None, None, None)
    assert lesson.video_status == VideoStatus.PROCESSING
    assert kinds_stored() == [MediaKind.VIDEO]


def test_a_video_replaced_during_conversion_keeps_only_the_new_one(app, monkeypatch, sample_videos, video_lesson):
    lesson = uploaded(video_lesson, sample_videos["small"])
    make_renditions = video.make_renditions

    def replaced_meanwhile(*args):
        make_renditions(*args)
        with app.app_context():  # the lead uploads another video while ffmpeg works
            busy = db.session.get(Lesson, lesson.id)
            files.upload_lesson_video(busy, upload(sample_videos["small"].read_bytes(), "newer.mp4"))
            db.session.commit()

    monkeypatch.setattr(video, "make_renditions", replaced_meanwhile)
    assert video.process_video(lesson.id) is None
    lesson = reloaded(lesson.id)
    assert lesson.video.original_name == "newer.mp4"
    assert lesson.video_status == VideoStatus.PROCESSING
    assert kinds_stored() == [MediaKind.VIDEO]
    assert incoming_files() == []


def test_process_videos_command_converts_the_lessons_left_waiting(app, sample_videos):
    waiting = [uploaded(LessonFactory(kind="video"), sample_videos["small"]) for _ in range(2)]
    broken = LessonFactory(kind="video")
    files.upload_lesson_video(broken, upload(b"\x00\x00\x00\x18ftypisom" + b"junk" * 300, "broken.mp4"))
    broken.video_status = VideoStatus.FAILED
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["lms", "process-videos"])
    assert result.exit_code == 0, result.output
    assert "2 video(s) processed" in result.output
    assert all(reloaded(lesson.id).video_status == VideoStatus.READY for lesson in waiting)
    assert reloaded(broken.id).video_status == VideoStatus.FAILED
    again = app.test_cli_runner().invoke(args=["lms", "process-videos", "--retry"])
    assert again.exit_code == 0, again.output
    assert f"lesson {broken.id}: failed" in again.output
    renditions = select(func.count()).select_from(MediaFile).where(MediaFile.kind == MediaKind.RENDITION)
    assert db.session.scalar(renditions) == 4  # 360p and 240p of each
    sounds = select(func.count()).select_from(MediaFile).where(MediaFile.kind == MediaKind.AUDIO)
    assert db.session.scalar(sounds) == 2


def test_deleting_a_lesson_can_take_all_its_files_along(sample_videos, video_lesson):
    lesson = uploaded(video_lesson, sample_videos["small"])
    video.process_video(lesson.id)
    lesson = reloaded(lesson.id)
    files.upload_captions(lesson, upload(b"WEBVTT\n", "zh.vtt"))
    files.add_resource(lesson, "Checklist", upload(b"%PDF-1.4 list", "list.pdf"))
    db.session.commit()
    paths = [stored_path(file) for file in db.session.scalars(select(MediaFile))]
    assert len(paths) == 7  # the video, 360p, 240p, sound, poster, captions, download
    files.delete_lesson_files(lesson)
    db.session.delete(lesson)
    db.session.commit()
    assert kinds_stored() == []
    assert not any(path.exists() for path in paths)
