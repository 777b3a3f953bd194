"""What learners see: the catalogue of their cohorts' courses, course pages, lessons, quizzes."""

import time

from flask import abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from lms.core.errors import render_error
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.roles import Role
from lms.core.security import is_learner, require, roles_required, signed_in
from lms.courses import bp, policies, video_choice
from lms.courses.models import Course, Lesson, LessonKind
from lms.courses.models.content import lesson_page_options, lesson_with_files, load_video_files
from lms.learning import policies as learning_policies
from lms.learning.forms.quizzes import DoneForm, QuizForm, posted_answers
from lms.learning.services import completions, copies, quizzes, revalidation, saving
from lms.learning.services import lessons as learning
from lms.notifications.header import unread_notifications

SELF_PACED_KINDS = (LessonKind.READING, LessonKind.VIDEO)


def load_lesson(lesson_id: int) -> Lesson:
    """The lesson with its course, media and resources, or 404; hidden lessons are 404 too."""
    lesson = db.get_or_404(Lesson, lesson_id, options=lesson_page_options())
    require(policies.can_view_lesson(current_user, lesson), 404)
    load_video_files(lesson)
    return lesson


def load_lesson_to_act_on(lesson_id: int) -> Lesson:
    """``load_lesson`` for a learner's action; a lesson withdrawn since she saw it is refused with a message."""
    lesson = db.get_or_404(Lesson, lesson_id, options=lesson_with_files())
    if not policies.can_view_lesson(current_user, lesson):
        require(learning_policies.lesson_withdrawn(current_user, lesson), 404)
        abort(make_response(render_error(409, learning_policies.WITHDRAWN_MESSAGE)))
    return lesson


def first_error(form) -> str | None:
    return next((errors[0] for errors in form.errors.values() if errors), None)


def locked_response(lesson: Lesson, page: learning.LessonPage, **extra):
    """403 with a way forward, for a lesson of a module that is not open yet."""
    blocking = page.outline.blocking_module(lesson)
    if blocking is None:
        return None
    return render_template("courses/locked.html", lesson=lesson, blocking=blocking, outline=page.outline, **extra), 403


def render_lesson(lesson: Lesson, page: learning.LessonPage, status: int = 200, **extra):
    form = QuizForm(number=str(len(page.attempts) + 1)) if lesson.kind == LessonKind.QUIZ else None
    offer = None
    if lesson.kind == LessonKind.VIDEO:
        preference = video_choice.viewer_preference(current_user)
        offer = video_choice.lesson_video_offer(lesson, preference, video_choice.saves_data(request))
    return (
        render_template(
            "courses/lesson.html",
            lesson=lesson,
            page=page,
            quiz_form=form,
            action_form=ActionForm(),
            video_offer=offer,
            attempts_left=quizzes.attempts_left(lesson, len(page.attempts)),
            **extra,
        ),
        status,
    )


@bp.route("/courses")
@signed_in
def catalogue():
    entries = learning.catalogue_entries(current_user, str(get_locale()))
    return render_template("courses/catalogue.html", entries=entries)


@bp.route("/courses/<int:course_id>")
@signed_in
def course_page(course_id: int):
    course = db.get_or_404(Course, course_id)
    require(policies.can_view_course(current_user, course), 404)
    outline = learning.course_outline(course, current_user)
    # What saving for offline use costs, shown before anything downloads (a learner's phone only).
    viewer = saving.viewer_of(current_user, video_choice.saves_data(request))
    sizes = saving.package_sizes(outline, viewer) if outline.for_learner else {}
    # A copy in another language links to the others she may open (one or two: a check each).
    others = [other for other in copies.other_copies(course) if policies.can_view_course(current_user, other)]
    response = make_response(
        render_template("courses/course.html", course=course, outline=outline, offline_sizes=sizes, other_copies=others)
    )
    response.vary.add("Save-Data")  # the sizes to save are those of the versions her phone would play
    return response


def form_key() -> str:
    """What the page's CSRF tokens are made from: the session's key, and the half of their lifetime we are in, so
    that a page answered with 304 never carries a token older than that half."""
    generate_csrf()  # makes the session's key if there is none yet
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    period = int(time.time() // max(limit // 2, 1)) if limit else 0
    return f"{session.get('csrf_token')}|{period}"


def learner_etag(lesson: Lesson, page: learning.LessonPage) -> str | None:
    """The page's ETag for a learner; None for staff (their header counts other things) and for a page with a
    message waiting to be shown once."""
    if not is_learner(current_user) or session.get("_flashes"):
        return None
    viewer = saving.viewer_of(current_user, video_choice.saves_data(request))
    return revalidation.lesson_page_etag(
        lesson,
        page,
        current_user,
        viewer,
        language=str(get_locale()),
        unread=unread_notifications(),
        form_key=form_key(),
    )


@bp.route("/lessons/<int:lesson_id>")
@signed_in
def lesson_page(lesson_id: int):
    lesson = load_lesson(lesson_id)
    page = learning.lesson_page(lesson, current_user)
    locked = locked_response(lesson, page)
    etag = None if locked else learner_etag(lesson, page)
    if etag is not None and request.if_none_match.contains_weak(etag):
        response = make_response("", 304)  # her copy is the page as it would be drawn now
    else:
        response = make_response(locked or render_lesson(lesson, page))
    if etag is not None:
        # Weak: the same page compressed or not. The browser keeps it, asks before showing it again; no proxy keeps it.
        response.set_etag(etag, weak=True)
        response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Save-Data")  # a browser saving data gets the smallest version and no poster
    return response


@bp.route("/lessons/<int:lesson_id>/done", methods=["POST"])
@roles_required(Role.LEARNER)
def mark_lesson_done(lesson_id: int):
    lesson = load_lesson_to_act_on(lesson_id)
    page = learning.lesson_page(lesson, current_user)
    locked = locked_response(lesson, page)
    if locked:
        return locked
    if lesson.kind not in SELF_PACED_KINDS:
        return render_error(400, _("A quiz is done when you pass it, and an assignment when your mentor accepts it."))
    form = DoneForm()
    if not form.validate_on_submit():
        return render_error(400, first_error(form))
    recorded = completions.record_completion(current_user, lesson, form.offline)
    if recorded:
        db.session.commit()
    if request.headers.get("X-Requested-With") == "fetch":
        return "", 204  # lesson.js after most of a video: no page to load, no message left for later
    if recorded:
        flash(_("“%(title)s” is done.", title=lesson.title))
    if page.next is not None:
        return redirect(url_for(".lesson_page", lesson_id=page.next.id))
    return redirect(url_for(".course_page", course_id=lesson.module.course_id))


@bp.route("/lessons/<int:lesson_id>/quiz", methods=["POST"])
@roles_required(Role.LEARNER)
def submit_quiz(lesson_id: int):
    lesson = load_lesson_to_act_on(lesson_id)
    require(lesson.kind == LessonKind.QUIZ, 404)
    page = learning.lesson_page(lesson, current_user)
    locked = locked_response(lesson, page)
    if locked:
        return locked
    form = QuizForm()
    if not form.validate_on_submit():
        return render_error(400, first_error(form))
    answers = posted_answers(request.form)
    try:
        attempt = quizzes.grade_attempt(lesson, current_user, answers, number=form.attempt_number, offline=form.offline)
    except quizzes.InvalidAnswerError as refusal:
        # Refused before anything was added to the session; the page comes back with the
        # learner's answers kept, and what to fix.
        return render_lesson(lesson, page, 400, refusal=refusal, posted=answers)
    except quizzes.QuizRefusedError as refusal:
        db.session.rollback()
        if form.offline:
            return render_error(409, str(refusal.message))  # the phone shows the learner why
        flash(str(refusal.message), "error")
        return redirect(url_for(".lesson_page", lesson_id=lesson.id))
    db.session.commit()
    return redirect(url_for(".quiz_result", lesson_id=lesson.id, number=attempt.number))


@bp.route("/lessons/<int:lesson_id>/quiz/attempts/<int:number>")
@roles_required(Role.LEARNER)
def quiz_result(lesson_id: int, number: int):
    lesson = load_lesson(lesson_id)
    require(lesson.kind == LessonKind.QUIZ, 404)
    review = quizzes.attempt_review(lesson, current_user, number)
    require(review is not None, 404)
    page = learning.lesson_page(lesson, current_user)
    return render_template("courses/quiz_result.html", lesson=lesson, review=review, page=page)
