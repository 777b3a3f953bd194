"""The small 360p rendition and poster of lesson videos, made with ffmpeg outside the request.

An upload commits with the lesson PROCESSING; a background thread (or ``lms process-videos``
after a restart) then makes the rendition and poster and sets READY, or FAILED leaving no
half-written file or row behind.
"""

import shutil
import subprocess
import threading
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from lms.core.extensions import db
from lms.courses.models import Lesson
from lms.media import storage
from lms.media.models import MediaKind, VideoStatus

# Short side 360 px, whether the phone filmed upright or sideways; never enlarged; even sizes for H.264.
SCALE_360P = "scale=w='if(gt(iw,ih),-2,2*trunc(min(360,iw)/2))':h='if(gt(iw,ih),2*trunc(min(360,ih)/2),-2)',setsar=1"
# About 350 kbit/s in all: a minute costs a learner some 2.5 MB of data.
RENDITION_OPTIONS = [
    *("-map", "0:v:0", "-map", "0:a:0?", "-vf", SCALE_360P),
    *("-c:v", "libx264", "-preset", "veryfast", "-b:v", "300k", "-maxrate", "350k", "-bufsize", "700k"),
    *("-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-movflags", "+faststart"),
]
FFMPEG_TIMEOUT_SECONDS = 30 * 60
# One conversion at a time per process: the server has few cores and requests still need them.
one_conversion_at_a_time = threading.Lock()


class ConversionFailed(Exception):  # noqa: N818 - it names what happened, not a programming error
    """ffmpeg could not read the video or write its rendition."""


def ffprobe_command(ffmpeg: str) -> str | None:
    beside = Path(ffmpeg).with_name("ffprobe")
    return str(beside) if beside.is_file() else shutil.which("ffprobe")


def run(command: list[str]) -> str:
    """Run one ffmpeg tool; its output, or ConversionFailed with the end of what it said."""
    try:
        result = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            command, capture_output=True, text=True, errors="replace", timeout=FFMPEG_TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ConversionFailed(str(error)) from error
    if result.returncode != 0:
        raise ConversionFailed(result.stderr.strip()[-500:])
    return result.stdout


def probe_duration(ffmpeg: str, source: Path) -> float | None:
    """The video's length in seconds (None when ffprobe is missing); a file it cannot read fails."""
    ffprobe = ffprobe_command(ffmpeg)
    if ffprobe is None:
        return None
    output = run([ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(source)])
    try:
        return float(output.strip())
    except ValueError as error:
        raise ConversionFailed(f"no duration in {output!r}") from error


def make_poster(ffmpeg: str, source: Path, target: Path, duration: float | None) -> None:
    # A frame at one second shows the product better than the often black first frame.
    at = min(1.0, duration / 2) if duration else 0.0
    seek = ["-ss", f"{at:.2f}", "-i", str(source), "-frames:v", "1"]
    run([ffmpeg, "-nostdin", "-v", "error", "-y", *seek, "-vf", SCALE_360P, "-q:v", "5", "-f", "image2", str(target)])
    if not target.is_file() or target.stat().st_size == 0:
        raise ConversionFailed("no poster frame")


def make_rendition(ffmpeg: str, source: Path, target: Path) -> None:
    run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(source), *RENDITION_OPTIONS, "-f", "mp4", str(target)])
    if not target.is_file() or target.stat().st_size == 0:
        raise ConversionFailed("empty rendition")


def waiting_lesson(lesson_id: int, video_id: int | None = None) -> Lesson | None:
    """The lesson, if it still waits for this video's rendition (a lead may have replaced it meanwhile)."""
    lesson = db.session.get(Lesson, lesson_id, populate_existing=True)
    if lesson is None or lesson.video_id is None or lesson.video_status != VideoStatus.PROCESSING:
        return None
    if video_id is not None and lesson.video_id != video_id:
        return None
    return lesson


def process_video(lesson_id: int) -> str | None:
    """Make one lesson's rendition and poster in an app context of its own, and commit; returns the status."""
    with current_app._get_current_object().app_context():
        lesson = waiting_lesson(lesson_id)
        if lesson is None:
            return None
        ffmpeg = current_app.config.get("LMS_FFMPEG")
        if not ffmpeg:
            lesson.video_status = VideoStatus.ORIGINAL_ONLY
            db.session.commit()
            return lesson.video_status
        video_id, video_key = lesson.video_id, lesson.video.path
        stem = Path(lesson.video.original_name).stem or "video"
        db.session.commit()  # hold no transaction open while ffmpeg works, which may take minutes
        rendition_file, poster_file = storage.new_incoming_path(".mp4"), storage.new_incoming_path(".jpg")
        try:
            # ffmpeg reads a file on this disk: from a bucket, the original is fetched for the conversion.
            with storage.local_copy(video_key) as source:
                duration = probe_duration(ffmpeg, source)
                make_poster(ffmpeg, source, poster_file, duration)
                make_rendition(ffmpeg, source, rendition_file)
        except (ConversionFailed, storage.StoredFileMissing) as error:
            current_app.logger.warning("video of lesson %s could not be converted: %s", lesson_id, error)
            storage.discard_file(rendition_file)
            storage.discard_file(poster_file)
            return mark_failed(lesson_id, video_id)
        try:
            lesson = waiting_lesson(lesson_id, video_id)
            if lesson is None:
                return None
            lesson.rendition = storage.keep_file(rendition_file, MediaKind.RENDITION, "video/mp4", f"{stem}-360p.mp4")
            lesson.poster = storage.keep_file(poster_file, MediaKind.POSTER, "image/jpeg", f"{stem}.jpg")
            lesson.duration_seconds = round(duration) if duration is not None else None
            lesson.video_status = VideoStatus.READY
            db.session.commit()
            return lesson.video_status
        finally:
            storage.discard_file(rendition_file)
            storage.discard_file(poster_file)


def mark_failed(lesson_id: int, video_id: int) -> str | None:
    lesson = waiting_lesson(lesson_id, video_id)
    if lesson is None:
        return None
    lesson.video_status = VideoStatus.FAILED
    db.session.commit()
    return lesson.video_status


def run_video_job(app: Flask, lesson_id: int) -> None:
    """The background thread's work: one lesson, errors logged rather than lost."""
    with one_conversion_at_a_time, app.app_context():
        try:
            process_video(lesson_id)
        except Exception:
            app.logger.exception("processing the video of lesson %s stopped", lesson_id)


def start_video_processing(lesson_id: int) -> threading.Thread:
    """Convert a lesson's video in a background thread; call after the request has committed."""
    thread = threading.Thread(
        target=run_video_job, args=(current_app._get_current_object(), lesson_id), name=f"video-{lesson_id}"
    )
    thread.daemon = True  # a stopping server does not wait; `lms process-videos` picks the lesson up again
    thread.start()
    return thread


def request_video_processing(lesson: Lesson) -> bool:
    """Mark a lesson's video to be converted (again); False when there is no video or no ffmpeg."""
    if lesson.video is None or not storage.ffmpeg_available():
        return False
    lesson.video_status = VideoStatus.PROCESSING
    db.session.flush()
    return True


def lessons_waiting_for_video():
    """A select of the ids of lessons whose video waits for its rendition."""
    return select(Lesson.id).where(Lesson.video_status == VideoStatus.PROCESSING).order_by(Lesson.id)


def requeue_videos() -> int:
    """Mark every failed or as-uploaded video to be converted again (after installing ffmpeg, say)."""
    lessons = db.session.scalars(
        select(Lesson).where(
            Lesson.video_id.is_not(None),
            Lesson.video_status.in_([VideoStatus.FAILED, VideoStatus.ORIGINAL_ONLY]),
        )
    ).all()
    for lesson in lessons:
        lesson.video_status = VideoStatus.PROCESSING
    db.session.flush()
    return len(lessons)
