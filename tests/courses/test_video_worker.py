"""A real queue worker converting a video is stopped halfway (SIGTERM, then SIGKILL): ffmpeg dies with it,
no file is left behind, and the next worker converts the video once, however often it was asked for."""

import os
import signal
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from lms.core.extensions import db
from lms.core.queue import huey, queue_storage
from lms.courses import files, tasks
from lms.courses.models import Lesson
from lms.media import storage, workspace
from lms.media.models import MediaFile, MediaKind, VideoStatus
from tests import served
from tests.courses.test_media_samples import ffmpeg_or_skip, make_video, upload
from tests.courses.test_video_processing import stored_path
from tests.factories import LessonFactory

WAIT_SECONDS = 60


def slow_ffmpeg(folder: Path) -> Path:
    """ffmpeg reading its input at the video's own pace, so a conversion lasts as long as the clip."""
    wrapper = folder / "ffmpeg"
    wrapper.write_text(f'#!/bin/sh\nexec {ffmpeg_or_skip()} -re "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture
def queue_url(app, tmp_path):
    """The test database itself on PostgreSQL (Huey's PostgreSQL storage, its tables dropped after), else SQLite."""
    database = app.config["LMS_TEST_DATABASE_URL"]
    if not database.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'queue.sqlite3'}"
        return
    yield database
    with db.engine.begin() as connection:
        for table in ("huey_kv", "huey_schedule", "huey_task", "huey_counter"):
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))


@contextmanager
def real_queue(url: str, instance_path: str):
    """Enqueue into the worker's storage instead of running jobs in line."""
    storage_class, arguments = queue_storage(url, instance_path)
    saved = huey.storage, huey.immediate
    huey.storage, huey._immediate = storage_class(huey.name, **arguments), False
    try:
        yield
    finally:
        huey.storage.close()
        huey.storage, huey._immediate = saved


def encoding_pids(target: Path) -> list[int]:
    """The processes (ffmpeg) writing this file."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(target).encode() in cmdline.read_bytes():
                pids.append(int(cmdline.parent.name))
        except OSError:
            continue
    return pids


def wait_for(condition, what: str, log: Path):
    deadline = time.monotonic() + WAIT_SECONDS
    while not (result := condition()):
        if time.monotonic() > deadline:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            pytest.fail(f"waited {WAIT_SECONDS} s for {what}; the worker's log ends:\n{tail}", pytrace=False)
        time.sleep(0.05)
    return result


def lesson_now(lesson_id: int) -> Lesson:
    db.session.remove()
    return db.session.get(Lesson, lesson_id)


def files_on_disk() -> set[Path]:
    return {path for path in storage.upload_root().rglob("*") if path.is_file()}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.commits
def test_a_worker_stopped_mid_conversion_leaves_nothing_and_the_video_is_converted_once(app, tmp_path, queue_url):
    clip = make_video(tmp_path / "clip.mp4", "640x360", 10, seconds=3)
    before = files_on_disk()
    with app.test_request_context():
        lesson = LessonFactory(kind="video")
        files.upload_lesson_video(lesson, upload(clip.read_bytes(), "clip.mp4"))
        db.session.commit()
    lesson_id, video_path = lesson.id, stored_path(lesson.video)
    url = queue_url
    env = {
        "LMS_DATABASE_URL": app.config["LMS_TEST_DATABASE_URL"],
        "LMS_QUEUE_URL": url,
        "LMS_FFMPEG": str(slow_ffmpeg(tmp_path)),
        "LMS_VIDEO_CLAIM_SECONDS": "2",
    }
    log = tmp_path / "worker.log"
    work = workspace.incoming_root() / f"lesson-{lesson_id}"
    rendition_part = work / "rendition.mp4"

    # SIGTERM (a deploy, Ctrl+C under honcho): ffmpeg is stopped, the work folder emptied, the claim given back.
    worker = served.start_worker(env, log)
    ffmpeg = wait_for(lambda: encoding_pids(rendition_part), "ffmpeg to start encoding", log)
    os.killpg(worker.pid, signal.SIGTERM)
    assert worker.wait(timeout=20) == 0
    assert not any(alive(pid) for pid in ffmpeg)
    assert not work.exists()
    stopped = lesson_now(lesson_id)
    assert (stopped.video_status, stopped.video_claim) == (VideoStatus.PROCESSING, None)

    # SIGKILL (the machine or the service's cgroup killed): ffmpeg dies with its worker; files stay behind for now.
    worker = served.start_worker(env, log, workers=2)
    ffmpeg = wait_for(lambda: encoding_pids(rendition_part), "ffmpeg to start encoding again", log)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    wait_for(lambda: not any(alive(pid) for pid in ffmpeg), "ffmpeg to die with its worker", log)
    killed = lesson_now(lesson_id)
    assert killed.video_status == VideoStatus.PROCESSING
    assert killed.video_claim is not None  # the dead worker's claim, which runs out by itself
    wait_for(lambda: lesson_now(lesson_id).video_claimed_until < datetime.now(UTC), "the claim to run out", log)

    # Asked for twice more on top of what the next worker takes up by itself: converted once.
    with real_queue(url, app.instance_path):
        tasks.convert_lesson_video(lesson_id)
        tasks.convert_lesson_video(lesson_id)
    worker = served.start_worker(env, log, workers=2)
    try:
        wait_for(lambda: lesson_now(lesson_id).video_status == VideoStatus.READY, "the conversion to finish", log)
        time.sleep(0.5)  # the other jobs asked for run too, and find nothing to do
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=20)
    done = lesson_now(lesson_id)
    assert done.rendition is not None
    assert done.poster is not None
    kinds = dict(db.session.execute(select(MediaFile.kind, func.count()).group_by(MediaFile.kind)).all())
    assert kinds == {MediaKind.VIDEO: 1, MediaKind.RENDITION: 2, MediaKind.AUDIO: 1, MediaKind.POSTER: 1}
    kept = {
        video_path,
        *(stored_path(file) for file in (done.rendition, done.rendition_small, done.audio, done.poster)),
    }
    assert files_on_disk() - before == kept
    assert not work.exists()
    assert encoding_pids(work) == []
