"""A course's files: lesson videos, captions and downloads, course covers; and who may see them.

A file released here (replaced, removed, its lesson deleted) is not deleted by name: the media layer deletes it at
the commit once no row names it, so a duplicated course keeps the files it shares with its original.
"""

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage

from lms.accounts.models import User
from lms.core.extensions import db
from lms.courses import policies
from lms.courses.models import Course, Lesson, LessonResource, Module
from lms.media.access import register_access_rule
from lms.media.models import MediaFile, MediaKind, VideoStatus
from lms.media.storage import ffmpeg_available, store_upload


def attach_video(lesson: Lesson, media_file: MediaFile) -> Lesson:
    """Make ``media_file`` the lesson's video; the old video, its versions and poster go unless another names them."""
    lesson.video = media_file
    lesson.rendition = lesson.rendition_small = lesson.audio = None
    lesson.poster = None
    lesson.duration_seconds = None
    lesson.video_status = VideoStatus.PROCESSING if ffmpeg_available() else VideoStatus.ORIGINAL_ONLY
    # A conversion of the old video loses its claim (and stops at its next renewal); the new one may start now.
    lesson.video_claim = lesson.video_claimed_until = None
    db.session.flush()
    return lesson


def upload_lesson_video(lesson: Lesson, upload: FileStorage, uploaded_by=None) -> Lesson:
    """Check and keep an uploaded video and make it the lesson's video."""
    return attach_video(lesson, store_upload(upload, MediaKind.VIDEO, uploaded_by))


def replace_media(owner: Lesson | Course, attribute: str, media_file: MediaFile | None):
    """Put ``media_file`` (or nothing) in one of a lesson's or course's file slots; the old file goes unless another
    lesson or course names it."""
    setattr(owner, attribute, media_file)
    db.session.flush()
    return owner


def upload_captions(lesson: Lesson, upload: FileStorage, uploaded_by=None) -> Lesson:
    """Check and keep a WebVTT file as the lesson's captions, replacing any earlier one."""
    return replace_media(lesson, "captions", store_upload(upload, MediaKind.CAPTIONS, uploaded_by))


def remove_captions(lesson: Lesson) -> Lesson:
    """Take the captions off a lesson and delete their file."""
    return replace_media(lesson, "captions", None)


def upload_course_cover(course: Course, upload: FileStorage, uploaded_by=None) -> Course:
    """Check and keep a picture as the course cover, replacing any earlier one."""
    return replace_media(course, "cover", store_upload(upload, MediaKind.IMAGE, uploaded_by))


def remove_course_cover(course: Course) -> Course:
    """Take the cover picture off a course and delete its file."""
    return replace_media(course, "cover", None)


def add_resource(lesson: Lesson, title: str, upload: FileStorage, uploaded_by=None) -> LessonResource:
    """Check and keep a downloadable file for a lesson."""
    resource = LessonResource(media=store_upload(upload, MediaKind.RESOURCE, uploaded_by), title=title.strip()[:200])
    lesson.resources.append(resource)
    db.session.flush()
    return resource


def remove_resource(resource: LessonResource) -> None:
    """Take a downloadable file off a lesson (the file goes unless another lesson offers it too)."""
    resource.lesson.resources.remove(resource)  # delete-orphan: the row goes with the flush
    db.session.flush()


def delete_lesson_files(lesson: Lesson) -> None:
    """Release every file of a lesson (call before deleting the lesson itself); shared ones stay."""
    lesson.resources.clear()
    lesson.video = lesson.rendition = lesson.rendition_small = lesson.audio = None
    lesson.poster = lesson.captions = None
    lesson.video_status = VideoStatus.NONE
    db.session.flush()


def can_view_course_file(user: User, media_file: MediaFile) -> bool | None:
    """A lesson's or course's file is seen by whoever may see its lesson or course; None when it is not one."""
    lesson = db.session.scalar(
        select(Lesson)
        .options(joinedload(Lesson.module).joinedload(Module.course))
        .where(
            or_(
                Lesson.video_id == media_file.id,
                Lesson.rendition_id == media_file.id,
                Lesson.rendition_small_id == media_file.id,
                Lesson.audio_id == media_file.id,
                Lesson.poster_id == media_file.id,
                Lesson.captions_id == media_file.id,
                Lesson.id.in_(select(LessonResource.lesson_id).where(LessonResource.media_id == media_file.id)),
            )
        )
        .limit(1)
    )
    if lesson is not None:
        return policies.can_view_lesson(user, lesson)
    course = db.session.scalar(select(Course).where(Course.cover_id == media_file.id).limit(1))
    if course is not None:
        return policies.can_view_course(user, course)
    return None


register_access_rule(can_view_course_file)
