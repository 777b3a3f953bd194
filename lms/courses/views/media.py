"""Uploading and serving files: videos and renditions, captions, covers, resources."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.security import MANAGER_ROLES, require, roles_required, signed_in
from lms.courses import bp, files, tasks, video
from lms.courses.media_forms import CaptionsForm, CoverForm, ResourceForm, VideoUploadForm
from lms.courses.models import Course, Lesson, LessonKind
from lms.courses.models.content import lesson_with_files
from lms.courses.views.common import managed_course, managed_lesson
from lms.media import storage
from lms.media.access import file_access
from lms.media.models import MediaFile, MediaKind, VideoStatus
from lms.media.serving import send_media


@bp.route("/media/<int:media_id>")
@signed_in
def media_file(media_id: int):
    stored = db.get_or_404(MediaFile, media_id)
    access = file_access(current_user, stored)
    require(access.allowed, 404)
    return send_media(stored, personal=access.personal)


def load_lesson(lesson_id: int) -> Lesson:
    return managed_lesson(lesson_id, options=lesson_with_files())


def files_page(lesson: Lesson, video_form=None, captions_form=None, resource_form=None):
    limits = storage.size_limits_mb()
    video_form = video_form or VideoUploadForm(formdata=None)
    captions_form = captions_form or CaptionsForm(formdata=None)
    resource_form = resource_form or ResourceForm(formdata=None)
    video_form.video.description = _("MP4 or WebM, up to %(limit)d MB.", limit=limits[MediaKind.VIDEO])
    captions_form.captions.description = _("Up to %(limit)d MB.", limit=limits[MediaKind.CAPTIONS])
    resource_form.file.description = _(
        "A PDF, picture, text, Word (.docx) or Excel (.xlsx) file, up to %(limit)d MB.",
        limit=limits[MediaKind.RESOURCE],
    )
    return render_template(
        "courses/manage/files.html",
        lesson=lesson,
        course=lesson.module.course,
        video_form=video_form,
        captions_form=captions_form,
        resource_form=resource_form,
        ffmpeg_installed=storage.ffmpeg_available(),
    )


def back_to_files(lesson_id: int):
    return redirect(url_for(".manage_lesson_files", lesson_id=lesson_id))


@bp.route("/manage/lessons/<int:lesson_id>/files")
@roles_required(*MANAGER_ROLES)
def manage_lesson_files(lesson_id: int):
    return files_page(load_lesson(lesson_id))


@bp.route("/manage/lessons/<int:lesson_id>/video", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def upload_video(lesson_id: int):
    lesson = load_lesson(lesson_id)
    require(lesson.kind == LessonKind.VIDEO, 404)
    form = VideoUploadForm()
    if form.validate_on_submit():
        try:
            files.upload_lesson_video(lesson, form.video.data, current_user)
        except storage.UploadRefused as refused:
            form.video.errors.append(refused.message)
        else:
            converting = lesson.video_status == VideoStatus.PROCESSING
            if converting:
                tasks.convert_after_commit(lesson_id)
            db.session.commit()
            if converting:
                flash(_("Video uploaded. A small version for phones is being made; reload this page to see it."))
            else:
                flash(_("Video uploaded."))
            return back_to_files(lesson_id)
    return files_page(lesson, video_form=form)


@bp.route("/manage/lessons/<int:lesson_id>/video/convert", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def convert_video(lesson_id: int):
    lesson = load_lesson(lesson_id)
    if ActionForm().validate_on_submit() and video.request_video_processing(lesson):
        tasks.convert_after_commit(lesson_id)
        db.session.commit()
        flash(_("Converting the video again; reload this page in a minute or two."))
    return back_to_files(lesson_id)


@bp.route("/manage/lessons/<int:lesson_id>/captions", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def upload_captions(lesson_id: int):
    lesson = load_lesson(lesson_id)
    require(lesson.kind == LessonKind.VIDEO, 404)
    form = CaptionsForm()
    if form.validate_on_submit():
        try:
            files.upload_captions(lesson, form.captions.data, current_user)
        except storage.UploadRefused as refused:
            form.captions.errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("Captions saved."))
            return back_to_files(lesson_id)
    return files_page(lesson, captions_form=form)


@bp.route("/manage/lessons/<int:lesson_id>/captions/remove", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def remove_captions(lesson_id: int):
    lesson = load_lesson(lesson_id)
    if ActionForm().validate_on_submit() and lesson.captions is not None:
        files.remove_captions(lesson)
        db.session.commit()
        flash(_("Captions removed."))
    return back_to_files(lesson_id)


@bp.route("/manage/lessons/<int:lesson_id>/resources", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def add_resource(lesson_id: int):
    lesson = load_lesson(lesson_id)
    form = ResourceForm()
    if form.validate_on_submit():
        try:
            title = files.add_resource(lesson, form.title.data, form.file.data, current_user).title
        except storage.UploadRefused as refused:
            form.file.errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("“%(title)s” added: learners can download it with the lesson.", title=title))
            return back_to_files(lesson_id)
    return files_page(lesson, resource_form=form)


@bp.route("/manage/lessons/<int:lesson_id>/resources/<int:resource_id>/remove", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def remove_resource(lesson_id: int, resource_id: int):
    lesson = load_lesson(lesson_id)
    resource = next((resource for resource in lesson.resources if resource.id == resource_id), None)
    require(resource is not None, 404)
    if ActionForm().validate_on_submit():
        title = resource.title
        files.remove_resource(resource)
        db.session.commit()
        flash(_("“%(title)s” removed.", title=title))
    return back_to_files(lesson_id)


def load_course(course_id: int) -> Course:
    return managed_course(course_id, options=[joinedload(Course.cover)])


@bp.route("/manage/courses/<int:course_id>/cover", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_course_cover(course_id: int):
    course = load_course(course_id)
    form = CoverForm()
    if form.validate_on_submit():
        try:
            files.upload_course_cover(course, form.cover.data, current_user)
        except storage.UploadRefused as refused:
            form.cover.errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("Cover picture saved."))
            return redirect(url_for(".manage_course_cover", course_id=course_id))
    form.cover.description = _(
        "A JPEG, PNG, WebP or HEIC picture, up to %(limit)d MB. A small picture loads faster on phones.",
        limit=storage.size_limits_mb()[MediaKind.IMAGE],
    )
    return render_template("courses/manage/cover.html", course=course, form=form)


@bp.route("/manage/courses/<int:course_id>/cover/remove", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def remove_course_cover(course_id: int):
    course = load_course(course_id)
    if ActionForm().validate_on_submit() and course.cover is not None:
        files.remove_course_cover(course)
        db.session.commit()
        flash(_("Cover picture removed."))
    return redirect(url_for(".manage_course_cover", course_id=course_id))
