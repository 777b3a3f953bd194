"""Authoring quiz questions and assignment rubrics."""

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _

from lms.core.extensions import db
from lms.core.security import MANAGER_ROLES, require, roles_required
from lms.courses import bp
from lms.courses.forms import CriterionForm, question_form
from lms.courses.models import QUESTION_KINDS, Question, RubricCriterion
from lms.courses.records import record_queries
from lms.courses.services import quizzes
from lms.courses.services.authoring import AuthoringError
from lms.courses.views.common import (
    DIRECTIONS,
    LABELS,
    assignment_lesson,
    child_of,
    confirm_delete,
    deleted,
    perform,
    quiz_lesson,
    refused,
    to_lesson,
)


@bp.route("/manage/lessons/<int:lesson_id>/questions/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_new_question(lesson_id: int):
    lesson = quiz_lesson(lesson_id)
    kind = request.args.get("kind")
    require(kind in QUESTION_KINDS, 404)
    form = question_form(kind)
    if form.validate_on_submit():
        try:
            question = quizzes.save_question(lesson, {**form.data, "kind": kind})
        except AuthoringError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("Question added."))
            return to_lesson(lesson.id, f"question-{question.id}")
    return render_template("courses/manage/question_form.html", form=form, lesson=lesson, kind=kind, labels=LABELS)


@bp.route("/manage/lessons/<int:lesson_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_edit_question(lesson_id: int, question_id: int):
    lesson = quiz_lesson(lesson_id)
    question = child_of(Question, question_id, lesson)
    form = question_form(question.kind, question)
    if form.validate_on_submit():
        try:
            quizzes.save_question(lesson, form.data, question)
        except AuthoringError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("Question saved."))
            return to_lesson(lesson.id, f"question-{question.id}")
    return render_template(
        "courses/manage/question_form.html", form=form, lesson=lesson, kind=question.kind, labels=LABELS
    )


@bp.route("/manage/lessons/<int:lesson_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_delete_question(lesson_id: int, question_id: int):
    lesson = quiz_lesson(lesson_id)
    question = child_of(Question, question_id, lesson)
    if request.method == "POST":
        back = to_lesson(lesson.id, "questions")
        return deleted(lambda: quizzes.delete_question(question), back, _("Question deleted."))
    blocked = None
    if record_queries().question_answer_count(question):
        blocked = _("Learners have answered this question, so it stays. Edit it, or give it 0 points, instead.")
    return confirm_delete(
        _("Delete this question?"),
        url_for(".manage_edit_lesson", lesson_id=lesson.id, _anchor=f"question-{question.id}"),
        blocked=blocked,
        detail=question.prompt,
    )


@bp.route(
    "/manage/lessons/<int:lesson_id>/questions/<int:question_id>/move/<any(up, down):direction>", methods=["POST"]
)
@roles_required(*MANAGER_ROLES)
def manage_move_question(lesson_id: int, question_id: int, direction: str):
    lesson = quiz_lesson(lesson_id)
    question = child_of(Question, question_id, lesson)
    back = to_lesson(lesson.id, f"question-{question.id}")
    return perform(lambda: quizzes.move_question(question, DIRECTIONS[direction]), back)


# Assignment rubrics


@bp.route("/manage/lessons/<int:lesson_id>/criteria/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_new_criterion(lesson_id: int):
    lesson = assignment_lesson(lesson_id)
    form = CriterionForm()
    if form.validate_on_submit():
        criterion = quizzes.save_criterion(lesson, form.data)
        db.session.commit()
        flash(_("Criterion added to the rubric."))
        return to_lesson(lesson.id, f"criterion-{criterion.id}")
    return render_template("courses/manage/criterion_form.html", form=form, lesson=lesson, criterion=None)


@bp.route("/manage/lessons/<int:lesson_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_edit_criterion(lesson_id: int, criterion_id: int):
    lesson = assignment_lesson(lesson_id)
    criterion = child_of(RubricCriterion, criterion_id, lesson)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        quizzes.save_criterion(lesson, form.data, criterion)
        db.session.commit()
        flash(_("Criterion saved."))
        return to_lesson(lesson.id, f"criterion-{criterion.id}")
    return render_template("courses/manage/criterion_form.html", form=form, lesson=lesson, criterion=criterion)


@bp.route("/manage/lessons/<int:lesson_id>/criteria/<int:criterion_id>/delete", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_delete_criterion(lesson_id: int, criterion_id: int):
    lesson = assignment_lesson(lesson_id)
    criterion = child_of(RubricCriterion, criterion_id, lesson)
    if request.method == "POST":
        back = to_lesson(lesson.id, "rubric")
        return deleted(lambda: quizzes.delete_criterion(criterion), back, _("Criterion deleted."))
    back_url = url_for(".manage_edit_lesson", lesson_id=lesson.id, _anchor=f"criterion-{criterion.id}")
    return confirm_delete(_("Delete this criterion?"), back_url, detail=criterion.criterion)


@bp.route(
    "/manage/lessons/<int:lesson_id>/criteria/<int:criterion_id>/move/<any(up, down):direction>", methods=["POST"]
)
@roles_required(*MANAGER_ROLES)
def manage_move_criterion(lesson_id: int, criterion_id: int, direction: str):
    lesson = assignment_lesson(lesson_id)
    criterion = child_of(RubricCriterion, criterion_id, lesson)
    back = to_lesson(lesson.id, f"criterion-{criterion.id}")
    return perform(lambda: quizzes.move_criterion(criterion, DIRECTIONS[direction]), back)
