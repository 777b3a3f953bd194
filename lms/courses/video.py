"""The 360p and 240p renditions, the sound alone and the poster of lesson videos, made with ffmpeg by a queue worker.

An upload commits with the lesson PROCESSING and enqueues a conversion (``courses/tasks.py``).
A conversion first claims the lesson in the database (one at a time per lesson, on any
machine) and renews the claim while ffmpeg works; a worker that stops loses its claim after
``LMS_VIDEO_CLAIM_SECONDS`` and the lesson is taken up again. ffmpeg runs in a process group
of its own and dies with its worker. Its output goes to the lesson's work folder, which is
emptied before and after; the old versions and poster are deleted only in the commit that
puts the new ones in place. One ffmpeg run reads the video once and writes every version.
"""

import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.courses.models import Lesson
from lms.media import storage, workspace
from lms.media.models import MediaKind, VideoStatus


def scale_to_short_side(pixels: int) -> str:
    """Short side ``pixels``, whether the phone filmed upright or sideways; never enlarged; even sizes for H.264."""
    width, height = (f"2*trunc(min({pixels},{side})/2)" for side in ("iw", "ih"))
    return f"scale=w='if(gt(iw,ih),-2,{width})':h='if(gt(iw,ih),{height},-2)',setsar=1"


SCALE_360P = scale_to_short_side(360)
SCALE_240P = scale_to_short_side(240)
H264 = ("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p")
MP4 = ("-movflags", "+faststart", "-f", "mp4")
# About 350 kbit/s in all: a minute costs a learner some 2.5 MB of data.
RENDITION_OPTIONS = [
    *("-map", "0:v:0", "-map", "0:a:0?", "-vf", SCALE_360P),
    *H264,
    *("-b:v", "300k", "-maxrate", "350k", "-bufsize", "700k", "-c:a", "aac", "-b:a", "48k", "-ac", "1", *MP4),
]
# About 200 kbit/s: some 1.5 MB a minute.
SMALL_RENDITION_OPTIONS = [
    *("-map", "0:v:0", "-map", "0:a:0?", "-vf", SCALE_240P),
    *H264,
    *("-b:v", "160k", "-maxrate", "180k", "-bufsize", "360k", "-c:a", "aac", "-b:a", "40k", "-ac", "1", *MP4),
]
# The sound alone, about 40 kbit/s: some 0.3 MB a minute, for a lesson that is mostly talk.
AUDIO_OPTIONS = ["-map", "0:a:0", "-vn", "-c:a", "aac", "-b:a", "40k", "-ac", "1", *MP4]
FFMPEG_TIMEOUT_SECONDS = 30 * 60
PR_SET_PDEATHSIG = 1


class ConversionFailed(Exception):  # noqa: N818 - it names what happened, not a programming error
    """ffmpeg could not read the video or write its rendition."""


class ConversionCancelled(Exception):  # noqa: N818
    """The lesson no longer waits for this conversion: its video was replaced or removed."""


@dataclass
class Claim:
    """This conversion's hold on one lesson's video."""

    lesson_id: int
    video_id: int
    token: str

    @property
    def work_name(self) -> str:
        return f"lesson-{self.lesson_id}"


def claim_seconds() -> int:
    return current_app.config["LMS_VIDEO_CLAIM_SECONDS"]


def claim_conversion(lesson_id: int) -> Claim | None:
    """Take the lesson's waiting video for this conversion (a conditional UPDATE, committed), or None."""
    lesson = db.session.get(Lesson, lesson_id, populate_existing=True)
    if lesson is None or lesson.video_id is None or lesson.video_status != VideoStatus.PROCESSING:
        return None
    claim, now = Claim(lesson_id, lesson.video_id, secrets.token_hex(16)), utcnow()
    result = db.session.execute(
        update(Lesson)
        .where(
            Lesson.id == lesson_id,
            Lesson.video_id == claim.video_id,
            Lesson.video_status == VideoStatus.PROCESSING,
            or_(Lesson.video_claimed_until.is_(None), Lesson.video_claimed_until < now),
        )
        .values(
            video_claim=claim.token,
            video_claimed_until=now + timedelta(seconds=claim_seconds()),
            updated_at=Lesson.updated_at,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return claim if result.rowcount == 1 else None


def still_claimed(claim: Claim) -> bool:
    """Renew the claim; False once the lesson's video changed or another conversion took it over."""
    result = db.session.execute(
        update(Lesson)
        .where(
            Lesson.id == claim.lesson_id,
            Lesson.video_claim == claim.token,
            Lesson.video_id == claim.video_id,
            Lesson.video_status == VideoStatus.PROCESSING,
        )
        .values(video_claimed_until=utcnow() + timedelta(seconds=claim_seconds()), updated_at=Lesson.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def release_claim(claim: Claim) -> None:
    db.session.rollback()
    db.session.execute(
        update(Lesson)
        .where(Lesson.id == claim.lesson_id, Lesson.video_claim == claim.token)
        .values(video_claim=None, video_claimed_until=None, updated_at=Lesson.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def claimed_lesson(claim: Claim) -> Lesson | None:
    """The lesson, if this conversion still holds it for the same video."""
    lesson = db.session.get(Lesson, claim.lesson_id, populate_existing=True)
    if lesson is None or lesson.video_claim != claim.token or lesson.video_id != claim.video_id:
        return None
    return lesson if lesson.video_status == VideoStatus.PROCESSING else None


def die_with_worker() -> None:
    """In the child before ffmpeg starts: the kernel kills it if its worker dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@contextlib.contextmanager
def signals_held():
    """Hold a stopping worker's signals while it cleans up, so a second one cannot cut the cleanup short."""
    held = {signal.SIGTERM, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stop_process_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()  # reaps it and closes its pipes


def ffprobe_command(ffmpeg: str) -> str | None:
    beside = Path(ffmpeg).with_name("ffprobe")
    return str(beside) if beside.is_file() else shutil.which("ffprobe")


def run(command: list[str], claim: Claim | None = None) -> str:
    """Run one ffmpeg tool; its output, or ConversionFailed with the end of what it said.

    While it runs the claim is renewed; when the claim is lost (ConversionCancelled), the job
    times out, or the worker is told to stop, ffmpeg is killed with its process group.
    """
    try:
        process = subprocess.Popen(  # noqa: S603 - a fixed argument list, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
            preexec_fn=die_with_worker,
        )
    except OSError as error:
        raise ConversionFailed(str(error)) from error
    deadline = time.monotonic() + FFMPEG_TIMEOUT_SECONDS
    try:
        while True:
            try:
                output, errors = process.communicate(timeout=max(claim_seconds() / 3, 0.2))
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    raise ConversionFailed(f"ffmpeg took longer than {FFMPEG_TIMEOUT_SECONDS} s") from None
                if claim is not None and not still_claimed(claim):
                    raise ConversionCancelled from None
    finally:
        with signals_held():
            stop_process_group(process)
    if process.returncode != 0:
        raise ConversionFailed(errors.strip()[-500:])
    return output


@dataclass
class Probe:
    """What ffprobe read of a video: its length in seconds, and whether it has a sound track."""

    duration: float | None
    has_audio: bool


def probe_video(ffmpeg: str, source: Path, claim: Claim | None = None) -> Probe:
    """The video's length and sound (unknown, and no sound version, when ffprobe is missing); a file it cannot read
    fails."""
    ffprobe = ffprobe_command(ffmpeg)
    if ffprobe is None:
        return Probe(None, has_audio=False)
    entries = ["-show_entries", "format=duration:stream=codec_type", "-of", "json"]
    output = run([ffprobe, "-v", "error", *entries, str(source)], claim)
    try:
        found = json.loads(output)
        duration = float(found["format"]["duration"])
    except (ValueError, KeyError, TypeError) as error:
        raise ConversionFailed(f"no duration in {output[:200]!r}") from error
    streams = found.get("streams") or []
    return Probe(duration, any(stream.get("codec_type") == "audio" for stream in streams))


def make_poster(ffmpeg: str, source: Path, target: Path, duration: float | None, claim: Claim | None = None) -> None:
    # A frame at one second shows the product better than the often black first frame.
    at = min(1.0, duration / 2) if duration else 0.0
    seek = ["-ss", f"{at:.2f}", "-i", str(source), "-frames:v", "1"]
    scale = ["-vf", SCALE_360P, "-q:v", "5", "-f", "image2", str(target)]
    run([ffmpeg, "-nostdin", "-v", "error", "-y", *seek, *scale], claim)
    if not target.is_file() or target.stat().st_size == 0:
        raise ConversionFailed("no poster frame")


@dataclass
class Renditions:
    """Where one conversion writes its versions, in the lesson's work folder."""

    folder: Path

    @property
    def normal(self) -> Path:
        return self.folder / "rendition.mp4"

    @property
    def small(self) -> Path:
        return self.folder / "rendition-240p.mp4"

    @property
    def audio(self) -> Path:
        return self.folder / "audio.m4a"

    @property
    def poster(self) -> Path:
        return self.folder / "poster.jpg"


def make_renditions(ffmpeg: str, source: Path, made: Renditions, has_audio: bool, claim: Claim | None = None) -> None:
    """The 360p and 240p versions, and the sound alone when there is sound, in one run that reads the video once."""
    outputs = [*RENDITION_OPTIONS, str(made.normal), *SMALL_RENDITION_OPTIONS, str(made.small)]
    if has_audio:
        outputs += [*AUDIO_OPTIONS, str(made.audio)]
    run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(source), *outputs], claim)
    for target in (made.normal, made.small, *([made.audio] if has_audio else [])):
        if not target.is_file() or target.stat().st_size == 0:
            raise ConversionFailed(f"empty {target.name}")


def process_video(lesson_id: int) -> str | None:
    """Make one lesson's versions and poster, in an app context of its own; the status it left, or None.

    None means there was nothing to do here: the lesson no longer waits, or another conversion holds it.
    """
    with current_app._get_current_object().app_context():
        if not current_app.config.get("LMS_FFMPEG"):
            return keep_original_only(lesson_id)
        claim = claim_conversion(lesson_id)
        if claim is None:
            return None
        try:
            return convert_claimed(claim)
        finally:
            with signals_held():
                workspace.clear_work_folder(claim.work_name)
                release_claim(claim)


def keep_original_only(lesson_id: int) -> str | None:
    lesson = db.session.get(Lesson, lesson_id, populate_existing=True)
    if lesson is None or lesson.video_id is None or lesson.video_status != VideoStatus.PROCESSING:
        return None
    lesson.video_status = VideoStatus.ORIGINAL_ONLY
    db.session.commit()
    return lesson.video_status


def convert_claimed(claim: Claim) -> str | None:
    lesson = claimed_lesson(claim)
    if lesson is None:
        return None
    ffmpeg = current_app.config["LMS_FFMPEG"]
    video_key = lesson.video.path
    stem = Path(lesson.video.original_name).stem or "video"
    db.session.commit()  # hold no transaction open while ffmpeg works, which may take minutes
    # A conversion of this lesson that a stopped worker left half-done wrote here: start clean.
    workspace.clear_work_folder(claim.work_name)
    made = Renditions(workspace.work_folder(claim.work_name))
    try:
        # ffmpeg reads a file on this disk: from a bucket, the original is fetched for the conversion.
        with storage.local_copy(video_key) as source:
            probe = probe_video(ffmpeg, source, claim)
            make_poster(ffmpeg, source, made.poster, probe.duration, claim)
            make_renditions(ffmpeg, source, made, probe.has_audio, claim)
    except ConversionCancelled:
        return None
    except (ConversionFailed, storage.StoredFileMissing) as error:
        current_app.logger.warning("video of lesson %s could not be converted: %s", claim.lesson_id, error)
        return finish(claim, VideoStatus.FAILED)
    return finish(claim, VideoStatus.READY, made, probe.duration, stem)


def kept_if_smaller(path: Path, than: int, kind: str, content_type: str, name: str):
    """The file kept in the store when smaller than ``than`` bytes; else None, for it would save a learner nothing."""
    if not path.is_file() or path.stat().st_size >= than:
        return None
    return storage.keep_file(path, kind, content_type, name)


def take_versions(lesson: Lesson, made: Renditions, stem: str) -> None:
    """Each version is kept only when smaller than the one it stands in for: 360p than the original, 240p than the
    smallest video before it, the sound than the smallest video."""
    smallest = lesson.video.size_bytes
    lesson.rendition = kept_if_smaller(made.normal, smallest, MediaKind.RENDITION, "video/mp4", f"{stem}-360p.mp4")
    smallest = lesson.rendition.size_bytes if lesson.rendition else smallest
    lesson.rendition_small = kept_if_smaller(made.small, smallest, MediaKind.RENDITION, "video/mp4", f"{stem}-240p.mp4")
    smallest = lesson.rendition_small.size_bytes if lesson.rendition_small else smallest
    lesson.audio = kept_if_smaller(made.audio, smallest, MediaKind.AUDIO, "audio/mp4", f"{stem}-audio.m4a")


def finish(claim: Claim, status: str, made: Renditions | None = None, duration=None, stem="") -> str | None:
    """Put the new files in place and delete the old ones in one commit, if the lesson still waits for them."""
    lesson = claimed_lesson(claim)
    if lesson is None:
        return None
    old_files = [lesson.rendition, lesson.rendition_small, lesson.audio, lesson.poster]
    if status == VideoStatus.READY:
        take_versions(lesson, made, stem)
        lesson.poster = storage.keep_file(made.poster, MediaKind.POSTER, "image/jpeg", f"{stem}.jpg")
        lesson.take_video_duration(duration)
    lesson.video_status = status
    lesson.video_claim = lesson.video_claimed_until = None
    db.session.flush()
    for old in old_files:
        if old is not None:
            storage.delete_media(old)
    db.session.commit()
    return status


def mark_failed(lesson_id: int) -> None:
    """Give up on a waiting video that no conversion holds (its tries ran out on errors that were not the video's)."""
    db.session.execute(
        update(Lesson)
        .where(
            Lesson.id == lesson_id,
            Lesson.video_status == VideoStatus.PROCESSING,
            or_(Lesson.video_claimed_until.is_(None), Lesson.video_claimed_until < utcnow()),
        )
        .values(video_status=VideoStatus.FAILED)
        .execution_options(synchronize_session=False)
    )


def request_video_processing(lesson: Lesson) -> bool:
    """Mark a lesson's video to be converted again; False when it already waits, or there is no video or ffmpeg."""
    if lesson.video is None or not storage.ffmpeg_available():
        return False
    # Conditional, so that two presses of "convert again" ask for one conversion.
    result = db.session.execute(
        update(Lesson)
        .where(Lesson.id == lesson.id, Lesson.video_id.is_not(None), Lesson.video_status != VideoStatus.PROCESSING)
        .values(video_status=VideoStatus.PROCESSING)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(lesson, ["video_status", "updated_at"])
    return result.rowcount == 1


def lessons_waiting_for_video(now=None):
    """A select of the ids of lessons whose video waits for a conversion that nobody is working on."""
    now = now or utcnow()
    return (
        select(Lesson.id)
        .where(
            Lesson.video_status == VideoStatus.PROCESSING,
            Lesson.video_id.is_not(None),
            or_(Lesson.video_claimed_until.is_(None), Lesson.video_claimed_until < now),
        )
        .order_by(Lesson.id)
    )


def lessons_left_by_stopped_workers(now=None):
    """A select of the ids of lessons whose conversion stopped without finishing (its claim ran out)."""
    now = now or utcnow()
    return (
        select(Lesson.id)
        .where(Lesson.video_status == VideoStatus.PROCESSING, Lesson.video_claimed_until < now)
        .order_by(Lesson.id)
    )


def requeue_videos() -> list[int]:
    """Mark every failed or as-uploaded video to be converted again (after installing ffmpeg, say); their ids."""
    lessons = db.session.scalars(
        select(Lesson).where(
            Lesson.video_id.is_not(None),
            Lesson.video_status.in_([VideoStatus.FAILED, VideoStatus.ORIGINAL_ONLY]),
        )
    ).all()
    for lesson in lessons:
        lesson.video_status = VideoStatus.PROCESSING
    db.session.flush()
    return [lesson.id for lesson in lessons]
