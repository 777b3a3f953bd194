"""Uploads and media files: files follow their lesson or course; uploading is for the leads of the course's
program and admins (a lead of another program finds neither the files nor the pages)."""

from lms.core.extensions import db
from lms.courses.models import LessonResource
from lms.media import storage
from lms.media.models import MediaKind, VideoStatus
from tests.permission_cases.common import MANAGER_ACTION, MANAGERS, Case, everyone, other_lead

PDF = b"%PDF-1.4 price list"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def stored(data: bytes, kind: str, content_type: str):
    source = storage.new_incoming_path(".sample")
    source.write_bytes(data)
    try:
        return storage.store_local_file(source, kind, f"sample.{kind}", content_type)
    finally:
        source.unlink()


def video_of(lesson) -> int:
    lesson.video = stored(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64, MediaKind.VIDEO, "video/mp4")
    lesson.video_status = VideoStatus.ORIGINAL_ONLY
    db.session.commit()
    return lesson.video_id


def lesson_with_video(lesson) -> int:
    video_of(lesson)
    return lesson.id


def resource_of(lesson) -> int:
    resource = LessonResource(lesson=lesson, media=stored(PDF, MediaKind.RESOURCE, "application/pdf"), title="Sheet")
    db.session.add(resource)
    db.session.commit()
    return resource.id


def resource_file_of(lesson) -> int:
    return db.session.get(LessonResource, resource_of(lesson)).media_id


def captions_of(lesson) -> int:
    lesson.captions = stored(b"WEBVTT\n", MediaKind.CAPTIONS, "text/vtt")
    db.session.commit()
    return lesson.id


def cover_of(course) -> int:
    course.cover = stored(PNG, MediaKind.IMAGE, "image/png")
    db.session.commit()
    return course.cover_id


def loose_file() -> int:
    loose = stored(PNG, MediaKind.IMAGE, "image/png")
    db.session.commit()
    return loose.id


SEEN_BY_COHORT_A = everyone(200, anonymous=302)
MANAGERS_ONLY_OTHERS_HIDDEN = everyone(404, anonymous=302, lead=200, admin=200)
# A form sent without its file: shown again with the error, to those who may upload.
FORM_AGAIN = everyone(200, anonymous=302, learner=403, mentor=403)
MISSING = everyone(404, anonymous=302, learner=403, mentor=403)

CASES: dict[str, list[Case]] = {
    "courses.media_file": [
        Case(lambda w: f"/media/{video_of(w.courses_a.video)}", other_lead(SEEN_BY_COHORT_A)),
        # Cohort B's lesson: hidden from cohort A's learner and mentor.
        Case(lambda w: f"/media/{video_of(w.courses_b.video)}", other_lead(MANAGERS_ONLY_OTHERS_HIDDEN)),
        # A draft lesson's file: hidden from learners and mentors alike.
        Case(lambda w: f"/media/{resource_file_of(w.courses_a.draft)}", other_lead(MANAGERS_ONLY_OTHERS_HIDDEN)),
        Case(lambda w: f"/media/{resource_file_of(w.courses_a.reading)}", other_lead(SEEN_BY_COHORT_A)),
        Case(lambda w: f"/media/{cover_of(w.courses_a.course)}", other_lead(SEEN_BY_COHORT_A)),
        Case(lambda w: f"/media/{cover_of(w.courses_b.course)}", other_lead(MANAGERS_ONLY_OTHERS_HIDDEN)),
        # A file no owner claims and nobody uploaded: admins only.
        Case(lambda w: f"/media/{loose_file()}", everyone(404, anonymous=302, admin=200)),
        Case(lambda w: "/media/999999", everyone(404, anonymous=302)),
    ],
    "courses.manage_lesson_files": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.video.id}/files", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/lessons/{w.courses_b.draft.id}/files", other_lead(MANAGERS)),
        Case(lambda w: "/manage/lessons/999999/files", MISSING),
    ],
    "courses.upload_video": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.video.id}/video", other_lead(FORM_AGAIN), method="POST"),
        Case(lambda w: f"/manage/lessons/{w.courses_a.reading.id}/video", MISSING, method="POST"),
    ],
    "courses.convert_video": [
        Case(
            lambda w: f"/manage/lessons/{lesson_with_video(w.courses_a.video)}/video/convert",
            other_lead(MANAGER_ACTION),
            method="POST",
        ),
    ],
    "courses.upload_captions": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.video.id}/captions", other_lead(FORM_AGAIN), method="POST"),
        Case(lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/captions", MISSING, method="POST"),
    ],
    "courses.remove_captions": [
        Case(
            lambda w: f"/manage/lessons/{captions_of(w.courses_a.video)}/captions/remove",
            other_lead(MANAGER_ACTION),
            method="POST",
        ),
    ],
    "courses.add_resource": [
        Case(lambda w: f"/manage/lessons/{w.courses_a.reading.id}/resources", other_lead(FORM_AGAIN), method="POST"),
        Case(lambda w: "/manage/lessons/999999/resources", MISSING, method="POST"),
    ],
    "courses.remove_resource": [
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.reading.id}/resources/{resource_of(w.courses_a.reading)}/remove",
            other_lead(MANAGER_ACTION),
            method="POST",
        ),
        # A resource of another lesson is not found through this one.
        Case(
            lambda w: f"/manage/lessons/{w.courses_a.quiz.id}/resources/{resource_of(w.courses_b.reading)}/remove",
            MISSING,
            method="POST",
        ),
    ],
    "courses.manage_course_cover": [
        Case(lambda w: f"/manage/courses/{w.courses_a.course.id}/cover", other_lead(MANAGERS)),
        Case(lambda w: f"/manage/courses/{w.courses_b.course.id}/cover", other_lead(FORM_AGAIN), method="POST"),
        Case(lambda w: "/manage/courses/999999/cover", MISSING),
    ],
    "courses.remove_course_cover": [
        Case(
            lambda w: f"/manage/courses/{w.courses_a.course.id}/cover/remove",
            other_lead(MANAGER_ACTION),
            method="POST",
        ),
    ],
}
