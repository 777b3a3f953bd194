"""Short demo clips for the starter course's video lessons, made locally with ffmpeg test patterns."""

import subprocess
import tempfile
from pathlib import Path

from flask import current_app

from lms.courses import files
from lms.courses.models import Course, Lesson, LessonKind
from lms.courses.starter import video_captions, webvtt
from lms.media import storage
from lms.media.models import MediaKind

CLIP_SIZE = "640x360"
CLIP_RATE = 10


def make_demo_clip(ffmpeg: str, seconds: int, target: Path) -> None:
    """Write an MP4 of a moving test pattern with a soft tone, ``seconds`` long."""
    subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size={CLIP_SIZE}:rate={CLIP_RATE}",
            "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=22050",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "48k", "-shortest", str(target),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip


def add_demo_videos(course: Course, course_file: Path) -> list[Lesson]:
    """Give each video lesson without a video a demo clip and its captions; returns the lessons changed."""
    ffmpeg = current_app.config.get("LMS_FFMPEG")
    if not ffmpeg:
        return []
    captions = video_captions(course_file)
    changed = []
    with tempfile.TemporaryDirectory() as folder:
        for module in course.modules:
            for lesson in module.lessons:
                if lesson.kind != LessonKind.VIDEO or lesson.video_id is not None:
                    continue
                clip = Path(folder) / f"lesson-{lesson.id}.mp4"
                make_demo_clip(ffmpeg, lesson.duration_seconds or 30, clip)
                stored = storage.store_local_file(clip, MediaKind.VIDEO, f"{lesson.title}.mp4", "video/mp4")
                files.attach_video(lesson, stored)
                cues = captions.get(lesson.title)
                if cues:
                    vtt = Path(folder) / f"lesson-{lesson.id}.vtt"
                    vtt.write_text(webvtt(cues), encoding="utf-8")
                    lesson.captions = storage.store_local_file(vtt, MediaKind.CAPTIONS, vtt.name, "text/vtt")
                changed.append(lesson)
    return changed
