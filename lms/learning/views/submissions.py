"""Submitting assignments, the review queue, reviews, revisions, extensions."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from lms.accounts.models import User
from lms.cohorts import bp
from lms.core.errors import render_error
from lms.core.extensions import db
from lms.core.paging import CountedPage
from lms.core.roles import Role
from lms.core.security import MANAGER_ROLES, STAFF_ROLES, require, roles_required
from lms.core.web import MAX_ID, id_arg, page_arg
from lms.courses.models import Lesson, LessonKind, Module
from lms.learning import policies
from lms.learning.forms.submissions import ExtensionForm, review_form, submission_form
from lms.learning.models.submission import ReviewDecision, Submission
from lms.learning.services import due_dates
from lms.learning.services import extensions as extension_services
from lms.learning.services import review_queue as queue
from lms.learning.services import reviews as review_services
from lms.learning.services import submissions as services
from lms.learning.services.lessons import course_outline

QUEUE_PAGE_SIZE = 50


def load_assignment(lesson_id: int, *, to_hand_in: bool = False) -> Lesson:
    """The assignment, or 404; one withdrawn since the learner saw it is refused with a message when she hands in."""
    lesson = db.get_or_404(Lesson, lesson_id, options=[joinedload(Lesson.module).joinedload(Module.course)])
    if to_hand_in and lesson.kind == LessonKind.ASSIGNMENT and policies.lesson_withdrawn(current_user, lesson):
        abort(make_response(render_error(409, policies.WITHDRAWN_MESSAGE)))
    require(policies.is_open_assignment(lesson), 404)
    return lesson


def locked_page(lesson: Lesson):
    """403 with a way forward when the assignment's module is not open to the learner yet (as on the lesson page)."""
    if not lesson.module.course.sequential:
        return None
    outline = course_outline(lesson.module.course, current_user)
    blocking = outline.blocking_module(lesson)
    if blocking is None:
        return None
    return render_template("courses/locked.html", lesson=lesson, blocking=blocking, outline=outline), 403


def render_thread(lesson: Lesson, cohort, form=None, status: int = 200, refusal: str | None = None, held=()):
    submission = services.find_submission(lesson, current_user)
    latest = submission.versions[-1] if submission and submission.versions else None
    can_change = cohort is not None and services.can_change(submission)
    if can_change and form is None:
        form = submission_form(lesson, has_files=bool(latest and latest.files), formdata=None)
        if latest is not None and "text" in form:
            form.text.data = latest.text
        if latest is not None and "link" in form:
            form.link.data = latest.link
    page = render_template(
        "cohorts/submissions/thread.html",
        lesson=lesson,
        submission=submission,
        latest=latest,
        thread=services.submission_thread(submission) if submission else [],
        due_on=due_dates.learner_due_on(lesson, current_user, cohort) if cohort else None,
        form=form if can_change else None,
        refusal=refusal,
        held=held,
        rubric_by_id={criterion.id: criterion for criterion in lesson.rubric},
    )
    return page, status


@bp.route("/lessons/<int:lesson_id>/submission")
@roles_required(Role.LEARNER)
def my_submission(lesson_id: int):
    lesson = load_assignment(lesson_id)
    cohort = policies.submitting_cohort(current_user, lesson)
    submission = services.find_submission(lesson, current_user)
    require(cohort is not None or submission is not None, 404)
    locked = locked_page(lesson)
    if locked:
        return locked
    if submission is not None and services.mark_reviews_read(submission):
        db.session.commit()
    return render_thread(lesson, cohort)


@bp.route("/lessons/<int:lesson_id>/submission", methods=["POST"])
@roles_required(Role.LEARNER)
def submit_work(lesson_id: int):
    lesson = load_assignment(lesson_id, to_hand_in=True)
    cohort = policies.submitting_cohort(current_user, lesson)
    require(cohort is not None, 404)
    locked = locked_page(lesson)
    if locked:
        return locked
    submission = services.find_submission(lesson, current_user)
    latest = submission.versions[-1] if submission and submission.versions else None
    form = submission_form(lesson, has_files=bool(latest and latest.files))
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        return render_thread(lesson, cohort, form, 400)
    if form.offline is not None and not form.client_id.errors:
        try:
            replayed = services.offline_version(current_user, form.offline.client_id)
        except services.SubmissionRefused as refused:
            return render_thread(lesson, cohort, form, 409, refusal=refused.message)
        if replayed is not None:  # sent again by the phone: its files are kept already, none is stored twice
            return redirect(url_for(".my_submission", lesson_id=lesson.id))
    kinds = [kind for kind in services.UPLOAD_KINDS if kind in form]
    held = services.held_uploads(current_user, {kind: request.form.getlist(f"held_{kind}") for kind in kinds})
    # Good files are kept for the form and committed before anything else is checked, so that whatever is
    # refused next (a link, another file, the state), she never has to choose them again.
    new, refusals = services.hold_uploads(
        {kind: as_list(form[kind].data) for kind in kinds if not form[kind].errors}, current_user
    )
    if new:
        db.session.commit()
    held += new
    for refused in refusals:
        form[refused.field].errors.append(refused.message)
    if not valid or refusals:
        return render_thread(lesson, cohort, form, 400, held=held)
    handed = services.Handed(
        text=form.text.data or "" if "text" in form else "",
        link=form.link.data or "" if "link" in form else "",
        keep_files="keep_files" in form and form.keep_files.data,
        held=held,
    )
    try:
        services.submit_work(lesson, current_user, cohort, handed, form.offline)
    except services.SubmissionRefused as refused:
        db.session.rollback()
        return render_thread(lesson, cohort, form, 409, refusal=refused.message, held=held)
    db.session.commit()
    flash(_("Your work is handed in. Your mentor will review it."))
    return redirect(url_for(".my_submission", lesson_id=lesson.id))


def as_list(data) -> list:
    if not data:
        return []
    return list(data) if isinstance(data, list) else [data]


@bp.route("/reviews")
@roles_required(*STAFF_ROLES)
def review_queue():
    cohort_id = id_arg("cohort")
    counts = queue.pending_counts(current_user)
    total = sum(row.count for row in counts if cohort_id is None or row.cohort_id == cohort_id)
    paging = CountedPage(page=page_arg(), total=total, per_page=QUEUE_PAGE_SIZE)
    rows = db.session.execute(
        queue.pending_submissions(current_user, cohort_id)
        .limit(paging.per_page)
        .offset((paging.page - 1) * paging.per_page)
    ).all()
    return render_template(
        "cohorts/submissions/queue.html",
        items=queue.queue_items(rows),
        counts=counts,
        cohort_id=cohort_id,
        paging=paging,
        wait_days=queue.review_wait_days(),
    )


def render_review(submission: Submission, form, status: int = 200, conflict: str | None = None):
    return (
        render_template(
            "cohorts/submissions/review.html",
            submission=submission,
            latest=submission.versions[-1],
            thread=services.submission_thread(submission),
            reviewable=submission.state in services.REVIEWABLE_STATES,
            due_on=due_dates.learner_due_on(submission.lesson, submission.learner, submission.cohort),
            form=form,
            conflict=conflict,
            rubric_by_id={criterion.id: criterion for criterion in submission.lesson.rubric},
        ),
        status,
    )


def load_reviewable(submission_id: int) -> Submission:
    submission = review_services.load_for_review(submission_id) if submission_id <= MAX_ID else None
    require(submission is not None and policies.can_review_submission(current_user, submission), 404)
    require(bool(submission.versions), 404)
    return submission


@bp.route("/submissions/<int:submission_id>/review", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def review(submission_id: int):
    submission = load_reviewable(submission_id)
    if request.method == "GET":  # reading the work changes nothing: the learner may still improve it
        latest = submission.versions[-1]
        # The scores of the last review are where the review of the new version starts.
        scores = {f"score_{key}": points for key, points in review_services.starting_scores(submission).items()}
        form = review_form(submission.lesson, row_version=submission.row_version, version_id=latest.id, **scores)
        return render_review(submission, form)
    form = review_form(submission.lesson)
    if not form.validate_on_submit():
        return render_review(submission, form, 400)
    data = review_services.ReviewInput(
        row_version=form.row_version.data,
        version_id=form.version_id.data,
        decision=form.decision.data,
        feedback=form.feedback.data or "",
        scores=form.scores(),
    )
    try:
        review_services.record_review(submission, current_user, data)
    except review_services.ReviewConflict as conflict:
        db.session.rollback()
        # The page again as it is now, with what the mentor typed still in the form.
        submission = load_reviewable(submission_id)
        form.row_version.data, form.version_id.data = submission.row_version, submission.versions[-1].id
        return render_review(submission, form, 409, conflict=conflict.message)
    db.session.commit()
    if data.decision == ReviewDecision.ACCEPTED:
        flash(_("Accepted. The learner sees your feedback, and the lesson counts as complete."))
    else:
        flash(_("Revision requested. The learner sees your feedback and can hand in again."))
    return redirect(url_for(".review_queue"))


@bp.route("/reviews/turnaround")
@roles_required(*MANAGER_ROLES)
def turnaround():
    require(policies.can_view_turnaround(current_user))
    return render_template(
        "cohorts/submissions/turnaround.html",
        by_mentor=queue.turnaround_by_mentor(current_user),
        by_cohort=queue.turnaround_by_cohort(current_user),
    )


@bp.route("/submissions/extensions", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def extensions():
    learner_id = id_arg("learner")
    learner = db.session.get(User, learner_id) if learner_id else None
    require(learner is not None and policies.can_grant_extension(current_user, learner), 404)
    assignments = extension_services.learner_assignments(learner, current_user)
    form = ExtensionForm(assignments, lesson_id=id_arg("lesson"))
    if form.validate_on_submit():
        chosen = next(item for item in assignments if item.lesson.id == form.lesson_id.data)
        extension = extension_services.grant_extension(chosen.lesson, learner, form.due_on.data, current_user)
        db.session.commit()
        flash(
            _(
                "%(name)s now has until %(date)s for “%(title)s”.",
                name=learner.name,
                date=format_date(extension.due_on, "long"),
                title=chosen.lesson.title,
            )
        )
        return redirect(url_for(".extensions", learner=learner.id))
    status = 400 if request.method == "POST" else 200
    page = render_template("cohorts/submissions/extensions.html", learner=learner, assignments=assignments, form=form)
    return page, status
