"""Video conversion as a queued job: one at a time per lesson, old files gone only once the new are in place,
a rendition never larger than the original, cancelled when the video changes, taken up after a stopped worker."""

import os
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.courses import files, tasks, video
from lms.courses.models import Lesson
from lms.media import storage, workspace
from lms.media import tasks as media_tasks
from lms.media.models import MediaFile, MediaKind, VideoStatus
from tests.courses.test_media_samples import incoming_files, make_video, sample_video_files, upload
from tests.courses.test_video_processing import stored_path
from tests.factories import LessonFactory

CONVERT = "convert_lesson_video"


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.fixture
def sample_videos(tmp_path_factory):
    return sample_video_files(tmp_path_factory)


def uploaded(path, name=None) -> Lesson:
    lesson = LessonFactory(kind="video", title="Film your tea garden")
    files.upload_lesson_video(lesson, upload(path.read_bytes(), name or path.name))
    db.session.commit()
    return lesson


def reloaded(lesson_id: int) -> Lesson:
    db.session.expire_all()
    return db.session.get(Lesson, lesson_id)


def stored(kind: str) -> list[MediaFile]:
    return list(db.session.scalars(select(MediaFile).where(MediaFile.kind == kind)))


def files_on_disk() -> set:
    return {path for path in storage.upload_root().rglob("*") if path.is_file()}


def test_converting_again_replaces_the_rendition_and_poster_rows_and_files(sample_videos):
    lesson = uploaded(sample_videos["large"])
    assert tasks.convert_lesson_video.call_local(lesson.id) == VideoStatus.READY
    lesson = reloaded(lesson.id)
    first = [
        (file.id, stored_path(file)) for file in (lesson.rendition, lesson.rendition_small, lesson.audio, lesson.poster)
    ]
    assert len({file_id for file_id, _ in first}) == 4
    assert video.request_video_processing(lesson) is True
    assert video.request_video_processing(lesson) is False  # a second press asks for nothing more
    db.session.commit()
    assert tasks.convert_lesson_video.call_local(lesson.id) == VideoStatus.READY
    lesson = reloaded(lesson.id)
    assert sorted(file.id for file in stored(MediaKind.RENDITION)) == [lesson.rendition_id, lesson.rendition_small_id]
    assert [file.id for file in stored(MediaKind.AUDIO)] == [lesson.audio_id]
    assert [file.id for file in stored(MediaKind.POSTER)] == [lesson.poster_id]
    assert not any(path.exists() for _, path in first)
    now = (lesson.video, lesson.rendition, lesson.rendition_small, lesson.audio, lesson.poster)
    assert all(stored_path(file).exists() for file in now)
    assert (lesson.video_claim, lesson.video_claimed_until) == (None, None)
    assert incoming_files() == []


def test_a_rendition_larger_than_the_original_is_not_kept_and_the_original_is_served(app, client, auth, tmp_path):
    """A tiny, well-compressed upload would grow at 300 kbit/s, and even at 160: learners get the original, and the
    poster; it has no sound, so no sound-only version either."""
    tiny = make_video(tmp_path / "tiny.mp4", extra=["-an", "-crf", "45"])
    lesson = uploaded(tiny, "tiny.mp4")
    before = files_on_disk()
    assert tasks.convert_lesson_video.call_local(lesson.id) == VideoStatus.READY
    lesson = reloaded(lesson.id)
    assert lesson.video_status == VideoStatus.READY
    assert lesson.rendition is None
    assert lesson.small_rendition is None
    assert lesson.rendition_small is None
    assert lesson.audio is None
    assert lesson.poster is not None
    assert stored(MediaKind.RENDITION) == stored(MediaKind.AUDIO) == []
    assert files_on_disk() - before == {stored_path(lesson.poster)}
    assert incoming_files() == []


def test_a_rendition_no_smaller_is_never_offered_even_when_kept_before(app, client, auth, world, sample_videos):
    """Renditions made before this rule: the page offers the smaller file only."""
    lesson = world.courses_a.video
    files.upload_lesson_video(lesson, upload(sample_videos["small"].read_bytes(), "small.mp4"))
    db.session.commit()
    tasks.convert_lesson_video.call_local(lesson.id)
    lesson = reloaded(lesson.id)
    lesson.rendition.size_bytes = lesson.video.size_bytes + 1  # as if ffmpeg had made it larger
    db.session.commit()
    auth.login(world.lead)
    page = client.get(f"/manage/lessons/{lesson.id}/files").text
    assert "Small version for phones (360p)" not in page
    assert "the original is already smaller than a 360p version would be" in page.lower()
    assert f'src="/media/{lesson.video_id}"' in page
    assert f'src="/media/{lesson.rendition_id}"' not in page


def test_a_lesson_claimed_by_another_conversion_is_left_to_it(sample_videos, monkeypatch):
    lesson = uploaded(sample_videos["small"])
    claim = video.claim_conversion(lesson.id)
    assert claim is not None
    ran = []
    monkeypatch.setattr(video, "run", lambda *args: ran.append(args))
    assert tasks.convert_lesson_video.call_local(lesson.id) is None
    assert ran == []
    assert reloaded(lesson.id).video_status == VideoStatus.PROCESSING
    # Once its claim has run out (its worker stopped), the lesson is taken up again.
    assert db.session.scalars(video.lessons_left_by_stopped_workers()).all() == []
    db.session.execute(update(Lesson).values(video_claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert db.session.scalars(video.lessons_left_by_stopped_workers()).all() == [lesson.id]


def test_a_stopped_workers_lesson_is_enqueued_again_and_converted(sample_videos, job_queue):
    lesson = uploaded(sample_videos["small"])
    video.claim_conversion(lesson.id)
    db.session.execute(update(Lesson).values(video_claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert tasks.take_up_stopped_conversions.call_local() == 1
    assert job_queue.names() == [CONVERT]
    job_queue.run()
    assert reloaded(lesson.id).video_status == VideoStatus.READY


def test_a_starting_worker_enqueues_the_videos_left_waiting(sample_videos, job_queue):
    waiting = uploaded(sample_videos["small"])
    busy = uploaded(sample_videos["small"])
    video.claim_conversion(busy.id)
    assert tasks.take_up_waiting_conversions() == 1
    job_queue.run()
    assert reloaded(waiting.id).video_status == VideoStatus.READY
    assert reloaded(busy.id).video_status == VideoStatus.PROCESSING


def test_replacing_the_video_cancels_the_running_conversion_and_kills_ffmpeg(app, sample_videos, monkeypatch):
    lesson = uploaded(sample_videos["large"])
    monkeypatch.setitem(app.config, "LMS_VIDEO_CLAIM_SECONDS", 0.3)  # renewed every 0.1 s
    started = []
    popen = video.subprocess.Popen

    def replaced_while_encoding(command, **options):
        process = popen(command, **options)
        if any(str(part).endswith("rendition.mp4") for part in command):
            started.append(process)
            with app.app_context():  # the lead uploads another video while ffmpeg works
                newer = storage.store_local_file(sample_videos["small"], MediaKind.VIDEO, "newer.mp4", "video/mp4")
                files.attach_video(db.session.get(Lesson, lesson.id), newer)
                db.session.commit()
        return process

    monkeypatch.setattr(video.subprocess, "Popen", replaced_while_encoding)
    assert tasks.convert_lesson_video.call_local(lesson.id) is None
    assert started
    assert started[0].poll() is not None  # ffmpeg was stopped, not waited for
    lesson = reloaded(lesson.id)
    assert (lesson.video.original_name, lesson.video_status, lesson.rendition) == (
        "newer.mp4",
        VideoStatus.PROCESSING,
        None,
    )
    assert stored(MediaKind.RENDITION) == stored(MediaKind.AUDIO) == stored(MediaKind.POSTER) == []
    assert not (workspace.incoming_root() / f"lesson-{lesson.id}").exists()


def test_errors_other_than_the_video_are_retried_then_marked_failed(sample_videos, monkeypatch, job_queue):
    lesson = uploaded(sample_videos["small"])

    def disk_full(*args):
        raise OSError("No space left on device")

    monkeypatch.setattr(video, "convert_claimed", disk_full)
    tasks.convert_lesson_video(lesson.id)
    job_queue.run()
    assert reloaded(lesson.id).video_status == VideoStatus.PROCESSING  # its retry waits in the schedule
    assert [task.retries for task in tasks.huey.scheduled()] == [tasks.CONVERSION_RETRIES - 1]
    scheduled = tasks.huey.scheduled()[0]
    scheduled.retries, scheduled.eta = 0, None  # the last try, due now
    tasks.huey.storage.flush_schedule()
    tasks.huey.execute(scheduled)
    lesson = reloaded(lesson.id)
    assert lesson.video_status == VideoStatus.FAILED
    assert lesson.video_claim is None


def test_old_leftovers_in_incoming_are_swept_and_fresh_ones_kept(tmp_path):
    old = workspace.work_folder("lesson-999") / "rendition.mp4"
    old.write_bytes(b"half")
    fresh = storage.new_incoming_path(".part")
    fresh.write_bytes(b"arriving")
    day_ago = utcnow().timestamp() - workspace.LEFT_BEHIND_SECONDS - 60
    os.utime(old, (day_ago, day_ago))
    os.utime(old.parent, (day_ago, day_ago))
    assert media_tasks.sweep_left_files.call_local() == (0, 1, 0)
    assert not old.parent.exists()
    assert fresh.exists()
    storage.discard_file(fresh)
