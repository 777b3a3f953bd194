"""A video lesson's minutes come from its video's length, and the lead may still change them."""

import pytest

from lms.core.extensions import db
from lms.courses import files, video
from lms.courses.models import Lesson
from lms.media.models import VideoStatus
from tests.courses.test_media_samples import sample_video_files, upload
from tests.factories import LessonFactory


@pytest.mark.parametrize(("seconds", "minutes"), [(45, 1), (60, 1), (61, 2), (179.6, 3), (0.4, 1)])
def test_minutes_are_the_video_length_rounded_up(seconds, minutes):
    lesson = Lesson(kind="video", minutes=5)
    lesson.take_video_duration(seconds)
    assert lesson.minutes == minutes


def test_an_unknown_length_leaves_the_minutes_alone():
    lesson = Lesson(kind="video", minutes=5)
    lesson.take_video_duration(None)
    assert (lesson.minutes, lesson.duration_seconds) == (5, None)


def test_a_converted_video_fills_the_minutes_and_the_editor_says_so(app, client, auth, world, tmp_path_factory):
    sample = sample_video_files(tmp_path_factory)["small"]
    lesson = LessonFactory(kind="video", title="Film your tea garden", minutes=3, module__course__program=world.program)
    with app.test_request_context():
        files.upload_lesson_video(lesson, upload(sample.read_bytes(), sample.name))
    db.session.commit()
    with app.test_request_context():
        assert video.process_video(lesson.id) == VideoStatus.READY
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson.id)
    assert (lesson.duration_seconds, lesson.minutes) == (2, 1)
    auth.login(world.lead)
    html = client.get(f"/manage/lessons/{lesson.id}/edit").text
    assert "Filled in from the video, which lasts 0:02." in html
    client.post(f"/manage/lessons/{lesson.id}/edit", data={"title": lesson.title, "minutes": "4", "transcript": ""})
    assert db.session.get(Lesson, lesson.id).minutes == 4
