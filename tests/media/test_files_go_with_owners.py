"""A stored file goes with the last record that names it: every kind of owner, in every backend.

Deleting an owner (however: a service, an ORM cascade, a replaced file) deletes its files' rows
at once and the stored bytes once the commit holds; nothing is left in the store or the table.
"""

import pytest
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import LessonResource
from lms.learning.models import Submission, SubmissionFile, SubmissionVersion
from lms.media import storage
from lms.media.models import MediaFile, MediaKind
from lms.outcomes.follow_ups import services as follow_up_services
from lms.outcomes.models import FollowUpEvidence
from tests.courses.test_media_samples import png_bytes
from tests.factories import LessonFactory, follow_up

pytestmark = pytest.mark.usefixtures("store")


@pytest.fixture
def keep(tmp_path):
    """``keep(kind)``: a new stored file of that kind, as an upload would leave it."""
    samples = {
        MediaKind.VIDEO: (b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64, "video/mp4"),
        MediaKind.RENDITION: (b"\x00\x00\x00\x18ftypisom" + b"\x01" * 64, "video/mp4"),
        MediaKind.POSTER: (b"\xff\xd8\xff" + b"\x00" * 64, "image/jpeg"),
        MediaKind.CAPTIONS: (b"WEBVTT\n", "text/vtt"),
        MediaKind.IMAGE: (png_bytes(), "image/png"),
        MediaKind.RESOURCE: (b"%PDF-1.4 list", "application/pdf"),
    }

    def make(kind: str) -> MediaFile:
        data, content_type = samples[kind]
        source = tmp_path / f"sample-{len(list(tmp_path.iterdir()))}"
        source.write_bytes(data)
        return storage.store_local_file(source, kind, f"{kind}.bin", content_type)

    return make


def stored_keys(files) -> list[str]:
    return [media_file.path for media_file in files]


def assert_gone(store, keys) -> None:
    assert not [key for key in keys if store.exists(key)]
    assert db.session.scalar(select(func.count(MediaFile.id)).where(MediaFile.path.in_(keys))) == 0


def test_a_deleted_lesson_takes_its_video_rendition_poster_captions_and_resources(store, keep):
    lesson = LessonFactory(kind="video", published=False)
    lesson.video, lesson.rendition = keep(MediaKind.VIDEO), keep(MediaKind.RENDITION)
    lesson.poster, lesson.captions = keep(MediaKind.POSTER), keep(MediaKind.CAPTIONS)
    lesson.resources.append(LessonResource(media=keep(MediaKind.RESOURCE), title="Checklist"))
    db.session.commit()
    keys = stored_keys([lesson.video, lesson.rendition, lesson.poster, lesson.captions, lesson.resources[0].media])
    assert all(store.exists(key) for key in keys)
    db.session.delete(lesson)
    db.session.commit()
    assert_gone(store, keys)


def test_a_new_rendition_and_poster_let_the_old_ones_go(store, keep):
    lesson = LessonFactory(kind="video")
    lesson.video, lesson.rendition, lesson.poster = (
        keep(MediaKind.VIDEO),
        keep(MediaKind.RENDITION),
        keep(MediaKind.POSTER),
    )
    db.session.commit()
    old = stored_keys([lesson.rendition, lesson.poster])
    lesson.rendition, lesson.poster = keep(MediaKind.RENDITION), keep(MediaKind.POSTER)
    db.session.flush()
    assert all(store.exists(key) for key in old)  # a rollback could still need them
    db.session.commit()
    assert_gone(store, old)
    assert store.exists(lesson.rendition.path)
    assert store.exists(lesson.video.path)


def test_a_deleted_course_takes_its_cover(store, keep, world):
    course = world.courses_b.course
    course.cover = keep(MediaKind.IMAGE)
    db.session.commit()
    keys = stored_keys([course.cover])
    db.session.delete(course)
    db.session.commit()
    assert_gone(store, keys)


def test_a_removed_resource_takes_its_file(store, keep):
    lesson = LessonFactory()
    lesson.resources.append(LessonResource(media=keep(MediaKind.RESOURCE), title="Checklist"))
    db.session.commit()
    keys = stored_keys([lesson.resources[0].media])
    lesson.resources.clear()
    db.session.commit()
    assert_gone(store, keys)


def test_deleted_work_takes_its_files_and_a_file_two_versions_share_stays_with_the_other(store, keep, world):
    shared, first_only = keep(MediaKind.IMAGE), keep(MediaKind.RESOURCE)
    submission = Submission(lesson=world.courses_a.assignment, learner=world.learner_a, cohort=world.cohort_a)
    first = SubmissionVersion(submission=submission, number=1)
    first.files += [SubmissionFile(media=shared, kind="photo"), SubmissionFile(media=first_only, kind="file")]
    second = SubmissionVersion(submission=submission, number=2)
    second.files.append(SubmissionFile(media=shared, kind="photo"))  # "keep the files I sent last time"
    db.session.add(submission)
    db.session.commit()
    keys = stored_keys([shared, first_only])
    submission.versions.remove(first)
    db.session.commit()
    assert_gone(store, keys[1:])
    assert store.exists(keys[0])
    db.session.delete(submission)
    db.session.commit()
    assert_gone(store, keys)


def with_evidence(world, keep, photos: int):
    recorded = follow_up(world.graduate())
    recorded.evidence += [FollowUpEvidence(media=keep(MediaKind.IMAGE)) for _ in range(photos)]
    db.session.commit()
    return recorded


def test_a_deleted_follow_up_takes_its_evidence_photos(store, keep, world):
    recorded = with_evidence(world, keep, 2)
    keys = stored_keys([item.media for item in recorded.evidence])
    follow_up_services.delete_follow_up(recorded, world.lead)
    db.session.commit()
    assert_gone(store, keys)


def test_an_evidence_photo_taken_off_a_follow_up_goes(store, keep, world):
    recorded = with_evidence(world, keep, 2)
    kept, removed = stored_keys([item.media for item in recorded.evidence])
    recorded.evidence.pop()
    db.session.commit()
    assert_gone(store, [removed])
    assert store.exists(kept)


def test_a_rolled_back_deletion_keeps_every_file(store, keep, world):
    recorded = with_evidence(world, keep, 1)
    key = recorded.evidence[0].media.path
    db.session.delete(recorded)
    db.session.flush()
    db.session.rollback()
    assert store.exists(key)
    assert db.session.scalar(select(func.count(MediaFile.id))) == 1


def test_a_file_no_owner_ever_named_is_not_touched(store, keep, world):
    loose = keep(MediaKind.IMAGE)
    recorded = with_evidence(world, keep, 1)
    db.session.delete(recorded)
    db.session.commit()
    assert store.exists(loose.path)
    assert db.session.scalars(select(MediaFile.id)).all() == [loose.id]


def test_a_deletion_undone_by_a_savepoint_keeps_the_file(store, keep, world):
    recorded = with_evidence(world, keep, 1)
    key = recorded.evidence[0].media.path
    savepoint = db.session.begin_nested()
    storage.delete_media(recorded.evidence[0].media)
    savepoint.rollback()
    db.session.commit()
    assert store.exists(key)
    assert db.session.scalar(select(func.count(MediaFile.id))) == 1
