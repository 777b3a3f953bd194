"""The 240p version and the sound alone: each kept only when smaller than what it stands in for, none without a
sound track, and served to learners with byte ranges like every lesson file."""

import pytest

from lms.core.extensions import db
from lms.courses import files, tasks, video
from lms.courses.models import Lesson
from lms.media import storage, workspace
from lms.media.models import MediaKind, VideoStatus
from tests.courses.test_media_samples import make_video, sample_video_files, upload
from tests.factories import LessonFactory


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


def reloaded(lesson_id: int) -> Lesson:
    db.session.expire_all()
    return db.session.get(Lesson, lesson_id)


def converted(lesson: Lesson, path) -> Lesson:
    files.upload_lesson_video(lesson, upload(path.read_bytes(), path.name))
    db.session.commit()
    assert tasks.convert_lesson_video.call_local(lesson.id) == VideoStatus.READY
    return reloaded(lesson.id)


def made_files(name: str, sizes: dict[str, int]) -> video.Renditions:
    """A work folder holding versions of the given sizes, as ffmpeg would have left them."""
    made = video.Renditions(workspace.work_folder(name))
    for version, size in sizes.items():
        getattr(made, version).write_bytes(b"\x00" * size)
    return made


@pytest.mark.parametrize(
    ("sizes", "kept"),
    [
        # Each smaller than the one before: all kept.
        ({"normal": 500, "small": 300, "audio": 100}, {"normal": 500, "small": 300, "audio": 100}),
        # A 240p no smaller than the 360p saves nothing; the sound is still smaller than the 360p.
        ({"normal": 500, "small": 500, "audio": 100}, {"normal": 500, "small": None, "audio": 100}),
        # A 360p no smaller than the original: the 240p only has to be smaller than the original.
        ({"normal": 1000, "small": 800, "audio": 900}, {"normal": None, "small": 800, "audio": None}),
        # No sound track: no sound file was made.
        ({"normal": 500, "small": 300}, {"normal": 500, "small": 300, "audio": None}),
    ],
)
def test_each_version_is_kept_only_when_smaller_than_the_one_it_stands_in_for(tmp_path, sizes, kept):
    original = tmp_path / "original.mp4"
    original.write_bytes(b"\x00" * 1000)
    lesson = LessonFactory(kind="video")
    lesson.video = storage.store_local_file(original, MediaKind.VIDEO, "tea.mp4", "video/mp4")
    made = made_files(f"lesson-test-{lesson.id}", sizes)
    video.take_versions(lesson, made, "tea")
    db.session.flush()
    found = {
        "normal": lesson.rendition,
        "small": lesson.rendition_small,
        "audio": lesson.audio,
    }
    assert {version: file.size_bytes if file else None for version, file in found.items()} == kept
    if lesson.audio is not None:
        assert (lesson.audio.kind, lesson.audio.content_type) == (MediaKind.AUDIO, "audio/mp4")
    workspace.clear_work_folder(f"lesson-test-{lesson.id}")


def test_a_video_without_sound_gets_the_240p_version_but_no_sound_alone(tmp_path):
    silent = make_video(tmp_path / "silent.mp4", "1280x720", 25, extra=["-an", "-vf", "noise=alls=30:allf=t"])
    lesson = converted(LessonFactory(kind="video"), silent)
    assert lesson.rendition is not None
    assert lesson.rendition_small is not None
    assert lesson.audio is None


def ranged(client, media_id: int):
    response = client.get(f"/media/{media_id}", headers={"Range": "bytes=10-109"})
    body = response.data
    response.close()
    return response, body


def test_the_240p_version_and_the_sound_are_served_with_ranges(client, auth, world, tmp_path_factory):
    lesson = converted(world.courses_a.video, sample_video_files(tmp_path_factory)["large"])
    auth.login(world.learner_a)
    for file, content_type in ((lesson.rendition_small, "video/mp4"), (lesson.audio, "audio/mp4")):
        response, body = ranged(client, file.id)
        assert response.status_code == 206
        assert response.mimetype == content_type
        assert response.headers["Content-Range"] == f"bytes 10-109/{file.size_bytes}"
        assert body == storage.current_store().path(file.path).read_bytes()[10:110]
    auth.logout()
    auth.login(world.learner_b)  # another cohort's learner sees neither
    assert all(ranged(client, file.id)[0].status_code == 404 for file in (lesson.rendition_small, lesson.audio))
    auth.logout()
    auth.login(world.lead)  # the lesson's files page names each version with its size
    page = client.get(f"/manage/lessons/{lesson.id}/files").text
    assert "Smaller version for saving data (240p)" in page
    assert "large-240p.mp4" in page
    assert "large-audio.m4a" in page
