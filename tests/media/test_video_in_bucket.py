"""A video kept in a bucket is converted like one on disk: ffmpeg reads a local copy, the results go to the bucket."""

from pathlib import Path

import pytest

from lms.core.extensions import db
from lms.courses import files, video
from lms.courses.models import Lesson
from lms.media.models import VideoStatus
from lms.media.stores import LocalStore
from tests.courses.test_media_samples import incoming_files, sample_video_files, upload
from tests.factories import LessonFactory


@pytest.mark.parametrize("store", ["s3"], indirect=True)
def test_a_video_in_a_bucket_gets_its_rendition_and_poster_in_the_bucket(app, store, tmp_path_factory):
    sample = sample_video_files(tmp_path_factory)["small"]
    with app.test_request_context():
        lesson = LessonFactory(kind="video")
        files.upload_lesson_video(lesson, upload(sample.read_bytes(), sample.name))
        db.session.commit()
        assert video.process_video(lesson.id) == VideoStatus.READY
        db.session.expire_all()
        lesson = db.session.get(Lesson, lesson.id)
        assert store.read(lesson.poster.path, 0, 3) == b"\xff\xd8\xff"
        assert store.size(lesson.rendition.path) == lesson.rendition.size_bytes
        assert store.read(lesson.video.path) == sample.read_bytes()
        # Neither the downloaded original nor the results stay on this machine.
        assert incoming_files() == []
        on_disk = LocalStore(Path(app.config["LMS_UPLOAD_PATH"]))
        assert not any(on_disk.exists(media.path) for media in (lesson.video, lesson.rendition, lesson.poster))
