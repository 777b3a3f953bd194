"""Course authoring for leads: courses, modules, lessons, and offering courses to cohorts."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from lms.cohorts.models import Program
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.security import MANAGER_ROLES, roles_required, safe_next_url
from lms.core.web import id_arg
from lms.courses import bp
from lms.courses.forms import (
    LESSON_FORMS,
    ConfirmDeleteForm,
    CourseForm,
    CriterionForm,
    ModuleForm,
    NewLessonForm,
    OfferForm,
)
from lms.courses.models import QUESTION_KINDS, Course, Lesson, Module, Question
from lms.courses.records import record_queries
from lms.courses.services import authoring as services
from lms.courses.services import duplicate
from lms.courses.services import offers as offer_services
from lms.courses.services.authoring import AuthoringError
from lms.courses.services.editor import EditorAction, editor_action, save_lesson
from lms.courses.views.common import (
    DIRECTIONS,
    LABELS,
    confirm_delete,
    deleted,
    managed_course,
    managed_lesson,
    managed_module,
    perform,
    refused,
    to_lesson,
    to_outline,
)


@bp.route("/manage/courses")
@roles_required(*MANAGER_ROLES)
def manage_courses():
    rows = db.session.execute(services.course_list(current_user)).all()
    return render_template("courses/manage/courses.html", rows=rows)


@bp.route("/manage/courses/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_new_course():
    form = CourseForm(program_id=id_arg("program_id"), language=str(get_locale()), user=current_user)
    if not form.program_id.choices:
        flash(_("Create a program first."))
        return redirect(url_for("cohorts.new_program"))
    if form.validate_on_submit():
        try:
            course = services.create_course(db.get_or_404(Program, form.program_id.data), form.data)
        except AuthoringError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("Course “%(title)s” created. Add its first module.", title=course.title))
            return to_outline(course.id)
    return render_template("courses/manage/course_form.html", form=form, course=None)


@bp.route("/manage/courses/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_edit_course(course_id: int):
    course = managed_course(course_id)
    form = CourseForm(obj=course, user=current_user)
    if form.validate_on_submit():
        try:
            services.update_course(course, form.data)
        except AuthoringError as error:
            refused(form, error)
        else:
            db.session.commit()
            flash(_("Course saved."))
            return to_outline(course.id)
    return render_template("courses/manage/course_form.html", form=form, course=course)


@bp.route("/manage/courses/<int:course_id>/publish", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def manage_publish_course(course_id: int):
    course = managed_course(course_id)
    back = redirect(safe_next_url(request.form.get("next"), url_for(".manage_course", course_id=course.id)))
    return perform(lambda: services.set_course_published(course, True), back, _("Course published."))


@bp.route("/manage/courses/<int:course_id>/unpublish", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_unpublish_course(course_id: int):
    """Back to draft only after a confirmation naming the cohorts that take the course and their learners."""
    course = managed_course(course_id)
    back_url = safe_next_url(request.values.get("next"), url_for(".manage_course", course_id=course.id))
    form = ConfirmDeleteForm()
    if request.method == "POST" and form.validate_on_submit():
        return perform(
            lambda: services.set_course_published(course, False),
            redirect(back_url),
            _("Course back to draft: learners no longer see it."),
            form,
        )
    page = render_template(
        "courses/manage/confirm_unpublish.html",
        course=course,
        takers=offer_services.cohorts_taking(course),
        back_url=back_url,
    )
    return page, 400 if request.method == "POST" else 200


@bp.route("/manage/courses/<int:course_id>/duplicate", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def manage_duplicate_course(course_id: int):
    course = managed_course(course_id)
    if not ActionForm().validate_on_submit():
        return to_outline(course.id)
    copy = duplicate.duplicate_course(course)
    db.session.commit()
    flash(_("Copied as a draft, offered to no cohort yet: %(title)s", title=copy.title))
    return to_outline(copy.id)


@bp.route("/manage/courses/<int:course_id>")
@roles_required(*MANAGER_ROLES)
def manage_course(course_id: int):
    lesson_columns = (Lesson.module_id, Lesson.position, Lesson.kind, Lesson.title, Lesson.minutes, Lesson.published)
    course = managed_course(
        course_id,
        options=[
            joinedload(Course.program),
            selectinload(Course.modules).selectinload(Module.lessons).load_only(*lesson_columns),
        ],
    )
    cohorts = offer_services.program_cohorts(course)
    offers = offer_services.course_offers(course)
    offer_form = OfferForm(cohorts, offered=list(offers), required=[key for key, value in offers.items() if value])
    return render_template(
        "courses/manage/outline.html",
        course=course,
        completions=record_queries().completion_counts(course),
        cohorts=cohorts,
        offer_form=offer_form,
        labels=LABELS,
    )


@bp.route("/manage/courses/<int:course_id>/cohorts", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def manage_offer_course(course_id: int):
    course = managed_course(course_id)
    form = OfferForm(offer_services.program_cohorts(course))
    if not form.validate_on_submit():
        flash(_("Choose cohorts from the list."), "error")
        return to_outline(course.id, "cohorts")
    offers = form.offers()
    message = ngettext(
        "Saved: the course is offered to %(num)d cohort.",
        "Saved: the course is offered to %(num)d cohorts.",
        len(offers),
    )
    return perform(lambda: offer_services.offer_course(course, offers), to_outline(course.id, "cohorts"), message)


# Modules


@bp.route("/manage/courses/<int:course_id>/modules/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_new_module(course_id: int):
    course = managed_course(course_id)
    form = ModuleForm()
    if form.validate_on_submit():
        module = services.create_module(course, form.data)
        db.session.commit()
        flash(_("Module added. Now add its lessons."))
        return to_outline(course.id, f"module-{module.id}")
    return render_template("courses/manage/module_form.html", form=form, course=course, module=None)


@bp.route("/manage/modules/<int:module_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_edit_module(module_id: int):
    module = managed_module(module_id)
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        services.update_module(module, form.data)
        db.session.commit()
        flash(_("Module saved."))
        return to_outline(module.course_id, f"module-{module.id}")
    return render_template("courses/manage/module_form.html", form=form, course=module.course, module=module)


@bp.route("/manage/modules/<int:module_id>/move/<any(up, down):direction>", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def manage_move_module(module_id: int, direction: str):
    module = managed_module(module_id)
    back = to_outline(module.course_id, f"module-{module.id}")
    return perform(lambda: services.move_module(module, DIRECTIONS[direction]), back)


@bp.route("/manage/modules/<int:module_id>/delete", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_delete_module(module_id: int):
    module = managed_module(module_id, options=[selectinload(Module.lessons)])
    if request.method == "POST":
        done = _("Module “%(title)s” deleted.", title=module.title)
        return deleted(lambda: services.delete_module(module), to_outline(module.course_id), done)
    lesson_count = len(module.lessons)
    blocked = detail = None
    if record_queries().lessons_with_progress([lesson.id for lesson in module.lessons]):
        blocked = _("Learners have progress in this module's lessons. Unpublish those lessons instead.")
    if lesson_count:
        detail = ngettext(
            "Its %(num)d lesson is deleted with it.", "Its %(num)d lessons are deleted with it.", lesson_count
        )
    back_url = url_for(".manage_course", course_id=module.course_id, _anchor=f"module-{module.id}")
    title = _("Delete the module “%(title)s”?", title=module.title)
    return confirm_delete(title, back_url, blocked=blocked, detail=detail)


# Lessons


@bp.route("/manage/modules/<int:module_id>/lessons/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_new_lesson(module_id: int):
    module = managed_module(module_id)
    form = NewLessonForm(kind=request.args.get("kind"))
    if form.validate_on_submit():
        lesson = services.create_lesson(module, form.data)
        db.session.commit()
        flash(_("Lesson created as a draft. Add its content, then publish it."))
        return to_lesson(lesson.id)
    return render_template("courses/manage/lesson_new.html", form=form, module=module, labels=LABELS)


EDITOR_DONE = {
    EditorAction.SAVE: _l("Lesson saved."),
    EditorAction.PUBLISH: _l("Lesson saved and published."),
    EditorAction.UNPUBLISH: _l("Lesson saved and back to draft. Learners keep their progress on it."),
    EditorAction.ADD_CRITERION: _l("Lesson saved and the criterion added to the rubric."),
    EditorAction.ADD_QUESTION: _l("Lesson saved. Now write the question."),
}


@bp.route("/manage/lessons/<int:lesson_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_edit_lesson(lesson_id: int):
    lesson = managed_lesson(
        lesson_id,
        options=[
            joinedload(Lesson.module).joinedload(Module.course),
            selectinload(Lesson.questions).selectinload(Question.options),
            selectinload(Lesson.rubric),
        ],
    )
    form = LESSON_FORMS[lesson.kind](obj=lesson)
    action = editor_action(request.form.get("action"))
    adding_criterion = action == EditorAction.ADD_CRITERION and lesson.kind == "assignment"
    # Every button of the page submits this one form, so what was typed is saved before anything else.
    criterion_form = CriterionForm() if adding_criterion else CriterionForm(formdata=None)
    question_kind = request.form.get("question_kind")
    if form.is_submitted():
        lesson_valid = form.validate()
        criterion_valid = criterion_form.validate() if adding_criterion else True
        if not criterion_valid:
            form.form_errors.append(_("The criterion was not added: see the rubric below. Nothing was saved yet."))
        if lesson_valid and criterion_valid:
            try:
                criterion = save_lesson(lesson, form.data, action, criterion_form.data if adding_criterion else None)
            except AuthoringError as error:
                refused(form, error)
            else:
                db.session.commit()
                flash(EDITOR_DONE[action])
                if action == EditorAction.ADD_QUESTION and question_kind in QUESTION_KINDS:
                    return redirect(url_for(".manage_new_question", lesson_id=lesson.id, kind=question_kind))
                return to_lesson(lesson.id, f"criterion-{criterion.id}" if criterion else None)
    return render_template(
        "courses/manage/lesson_edit.html",
        lesson=lesson,
        form=form,
        criterion_form=criterion_form,
        labels=LABELS,
    )


@bp.route("/manage/lessons/<int:lesson_id>/move/<any(up, down):direction>", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def manage_move_lesson(lesson_id: int, direction: str):
    lesson = managed_lesson(lesson_id)
    back = to_outline(lesson.module.course_id, f"lesson-{lesson.id}")
    return perform(lambda: services.move_lesson(lesson, DIRECTIONS[direction]), back)


@bp.route("/manage/lessons/<int:lesson_id>/<any(publish, unpublish):action>", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def manage_publish_lesson(lesson_id: int, action: str):
    lesson = managed_lesson(lesson_id)
    publish = action == "publish"
    fallback = url_for(".manage_course", course_id=lesson.module.course_id, _anchor=f"lesson-{lesson.id}")
    back = redirect(safe_next_url(request.form.get("next"), fallback))
    message = _("Lesson published.") if publish else _("Lesson back to draft. Learners keep their progress on it.")
    return perform(lambda: services.set_lesson_published(lesson, publish), back, message)


@bp.route("/manage/lessons/<int:lesson_id>/delete", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def manage_delete_lesson(lesson_id: int):
    lesson = managed_lesson(lesson_id)
    back = to_outline(lesson.module.course_id, f"module-{lesson.module_id}")
    if request.method == "POST":
        return deleted(lambda: services.delete_lesson(lesson), back, _("Lesson deleted."))
    completions, attempts, submissions = record_queries().lesson_progress(lesson)
    reasons = []
    if completions:
        reasons.append(
            ngettext("%(num)d learner finished this lesson.", "%(num)d learners finished this lesson.", completions)
        )
    if attempts:
        reasons.append(
            ngettext("%(num)d quiz attempt was made on it.", "%(num)d quiz attempts were made on it.", attempts)
        )
    if submissions:
        reasons.append(
            ngettext("%(num)d learner handed in work for it.", "%(num)d learners handed in work for it.", submissions)
        )
    if reasons:
        reasons.append(
            _("So it cannot be deleted. Unpublish it instead: learners no longer see it and keep their progress.")
        )
    blocked = " ".join(reasons) or None
    return confirm_delete(
        _("Delete the lesson “%(title)s”?", title=lesson.title),
        back.location,
        blocked=blocked,
        detail=_("Its content, questions and rubric are deleted with it."),
    )


# Quiz questions
