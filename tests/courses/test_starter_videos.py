"""Demo clips for the starter course's video lessons, with captions and small renditions."""

import os
import shutil

import pytest

from lms.core.extensions import db
from lms.courses.starter import import_course, starter_path
from lms.courses.starter.videos import add_demo_videos
from lms.courses.video import process_video
from lms.media.models import VideoStatus
from tests.factories import ProgramFactory

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None and os.environ.get("CI", "").lower() not in {"1", "true", "yes"},
    reason="ffmpeg is not installed (CI installs it)",
)


@needs_ffmpeg
def test_seeded_video_lessons_get_a_clip_captions_and_a_small_version():
    course, _ = import_course(starter_path("en"), ProgramFactory())
    video_lessons = [lesson for module in course.modules for lesson in module.lessons if lesson.kind == "video"]
    for lesson in video_lessons[1:]:
        lesson.kind = "reading"  # one clip is enough to prove the way; each costs seconds of ffmpeg
    video_lessons[0].duration_seconds = 3
    changed = add_demo_videos(course, starter_path("en"))
    db.session.commit()
    assert [lesson.id for lesson in changed] == [video_lessons[0].id]
    assert process_video(changed[0].id) == VideoStatus.READY
    lesson = db.session.get(type(changed[0]), changed[0].id)
    db.session.refresh(lesson)
    assert lesson.video.content_type == "video/mp4"
    assert lesson.rendition is not None
    assert lesson.poster is not None
    assert lesson.captions.content_type.startswith("text/vtt")
    assert lesson.duration_seconds == 3
    assert add_demo_videos(course, starter_path("en")) == []  # a second seed adds nothing
