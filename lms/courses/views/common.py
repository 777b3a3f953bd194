"""Shared steps of the authoring views: redirects, confirmation pages, loading a lesson of a kind."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.security import require
from lms.courses.forms import LESSON_KIND_LABELS, QUESTION_KIND_LABELS, SUBMISSION_KIND_LABELS, ConfirmDeleteForm
from lms.courses.models import Course, Lesson, Module
from lms.courses.policies import can_manage_course
from lms.courses.services.authoring import AuthoringError

DIRECTIONS = {"up": -1, "down": 1}
LABELS = {
    "lesson_kinds": LESSON_KIND_LABELS,
    "question_kinds": QUESTION_KIND_LABELS,
    "submission_kinds": SUBMISSION_KIND_LABELS,
}


def to_outline(course_id: int, anchor: str | None = None):
    return redirect(url_for(".manage_course", course_id=course_id, _anchor=anchor))


def to_lesson(lesson_id: int, anchor: str | None = None):
    return redirect(url_for(".manage_edit_lesson", lesson_id=lesson_id, _anchor=anchor))


def refused(form, error: AuthoringError) -> None:
    """Show why the rules refused a change; nothing of it is kept."""
    db.session.rollback()
    form.form_errors.extend(getattr(error, "problems", None) or [error.message])


def perform(change, back, done_message: str | None = None, form=None):
    """A button's POST: make the change and commit, or say why the rules refused it."""
    if (form or ActionForm()).validate_on_submit():
        try:
            change()
        except AuthoringError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return back
        db.session.commit()
        if done_message:
            flash(done_message)
    return back


def confirm_delete(title: str, back_url: str, blocked: str | None = None, detail: str | None = None):
    return render_template(
        "courses/manage/confirm_delete.html",
        title=title,
        detail=detail,
        blocked=blocked,
        back_url=back_url,
    )


def deleted(change, back, done_message: str):
    """The POST of a confirmation page; without its confirm field nothing is deleted."""
    return perform(change, back, done_message, ConfirmDeleteForm())


# Every authoring route loads its course, module or lesson through one of these: another program's is not found.


def managed_course(course_id: int, options=()) -> Course:
    course = db.get_or_404(Course, course_id, options=list(options))
    require(can_manage_course(current_user, course), 404)
    return course


def managed_module(module_id: int, options=()) -> Module:
    module = db.get_or_404(Module, module_id, options=list(options))
    require(can_manage_course(current_user, module.course), 404)
    return module


def managed_lesson(lesson_id: int, options=()) -> Lesson:
    lesson = db.get_or_404(Lesson, lesson_id, options=list(options))
    require(can_manage_course(current_user, lesson.module.course), 404)
    return lesson


def quiz_lesson(lesson_id: int) -> Lesson:
    lesson = managed_lesson(lesson_id)
    require(lesson.kind == "quiz", 404)
    return lesson


def assignment_lesson(lesson_id: int) -> Lesson:
    lesson = managed_lesson(lesson_id)
    require(lesson.kind == "assignment", 404)
    return lesson


def child_of(model, child_id: int, lesson: Lesson):
    """A question or criterion of this very lesson; another lesson's answers 404."""
    child = db.get_or_404(model, child_id)
    require(child.lesson_id == lesson.id, 404)
    return child


# Courses
