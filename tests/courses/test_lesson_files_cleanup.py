"""Deleting a lesson or a module takes its files with it."""

from sqlalchemy import func, select

from lms.core.extensions import db
from lms.courses.models import LessonResource
from lms.courses.services import authoring
from lms.media import storage
from lms.media.models import MediaFile, MediaKind
from tests.factories import LessonFactory


def test_deleting_a_lesson_deletes_its_files(tmp_path, store):
    lesson = LessonFactory(published=False)
    source = tmp_path / "price-list.txt"
    source.write_text("Tea, 1 jin: 160 yuan\n", encoding="utf-8")
    stored = storage.store_local_file(source, MediaKind.RESOURCE, "price-list.txt", "text/plain")
    lesson.resources.append(authoring_resource(lesson, stored))
    db.session.commit()
    assert store.exists(stored.path)
    authoring.delete_lesson(lesson)
    db.session.commit()
    assert not store.exists(stored.path)
    assert db.session.scalar(select(func.count(MediaFile.id))) == 0


def test_deleting_a_module_deletes_the_files_of_its_lessons(tmp_path, store):
    lesson = LessonFactory(published=False)
    source = tmp_path / "captions.vtt"
    source.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n", encoding="utf-8")
    lesson.captions = storage.store_local_file(source, MediaKind.CAPTIONS, "captions.vtt", "text/vtt")
    db.session.commit()
    key = lesson.captions.path
    assert store.exists(key)
    authoring.delete_module(lesson.module)
    db.session.commit()
    assert not store.exists(key)


def authoring_resource(lesson, stored):
    return LessonResource(lesson=lesson, media=stored, title="Price list")
