"""The follow-up export and its data dictionary, and importing follow-ups collected on paper or in a survey tool."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.cohorts import services as cohort_services
from lms.cohorts import tasks as cohort_tasks
from lms.cohorts.imports import kept as kept_files
from lms.cohorts.models import Cohort
from lms.cohorts.policies import can_view_cohort
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.security import MANAGER_ROLES, STAFF_ROLES, is_mentor, require, roles_required
from lms.core.spreadsheets import csv_text, send_csv, template_header
from lms.media.tasks import request_export
from lms.outcomes import bp
from lms.outcomes.exports import columns as export_columns
from lms.outcomes.exports import services as export_services
from lms.outcomes.follow_ups.rules import ReportFilters
from lms.outcomes.impact.dictionary import MIN_GROUP_SIZE, REPORT_METRICS
from lms.outcomes.imports import parsing as import_parsing
from lms.outcomes.imports import services as import_services
from lms.outcomes.imports.forms import FollowUpImportConfirmForm, FollowUpImportForm
from lms.outcomes.intake.forms import CHANNEL_LABELS, GENDER_LABELS
from lms.outcomes.policies import can_manage_outcomes

# Session keys: the previewed import file waiting for confirmation, and the confirmed import (random names only).
PENDING_IMPORT = "follow_up_import"
CONFIRMED_IMPORT = "follow_up_import_confirmed"


def export_filters() -> ReportFilters:
    """The filters of the query string; a cohort this person does not work with is hidden (404)."""
    filters = ReportFilters.from_request(request)
    if filters.cohort_id is not None and is_mentor(current_user):
        cohort = db.session.get(Cohort, filters.cohort_id)
        require(cohort is not None and can_view_cohort(current_user, cohort), 404)
    return filters


@bp.route("/follow-ups/export")
@roles_required(*STAFF_ROLES)
def follow_up_export_page():
    filters = export_filters()
    cohorts = cohort_services.viewable_cohorts(current_user)
    summary = export_services.export_summary(filters, current_user)
    return render_template(
        "outcomes/exports/export.html",
        filters=filters,
        cohorts=cohorts,
        counties=sorted({cohort.county for cohort in cohorts if cohort.county}),
        summary=summary,
        queued=export_services.is_queued(summary.follow_ups),
        gender_labels=GENDER_LABELS,
        channel_labels=CHANNEL_LABELS,
        can_import=can_manage_outcomes(current_user),
    )


@bp.route("/follow-ups/export.csv")
@roles_required(*STAFF_ROLES)
def follow_up_export():
    filters = export_filters()
    filename = f"follow-ups-{program_today().isoformat()}.csv"
    if export_services.is_queued(export_services.selection_size(filters, current_user)):
        # Too large to write while the request waits: a job writes it; its page says when it is ready.
        export = request_export(
            export_services.EXPORT_KIND,
            filters.query_args(),
            current_user._get_current_object(),
            filename,
            str(get_locale()),
        )
        db.session.commit()
        return redirect(url_for("media.export_status", export_id=export.id), 303)
    file = export_services.follow_ups_csv(filters, current_user)
    record_security_event(SecurityEventKind.EXPORT_DOWNLOADED, detail="follow-ups")
    db.session.commit()
    return send_csv(file, filename)


@bp.route("/outcomes/data-dictionary")
@roles_required(*STAFF_ROLES)
def data_dictionary():
    return render_template(
        "outcomes/exports/dictionary.html",
        columns=export_columns.FOLLOW_UP_COLUMNS,
        metrics=REPORT_METRICS,
        min_group_size=MIN_GROUP_SIZE,
    )


# ---- Import ----


def pending_token(key: str = PENDING_IMPORT) -> str | None:
    token = session.get(key)
    return token if isinstance(token, str) else None


def render_preview(preview, token: str | None, confirm_form: FollowUpImportConfirmForm | None = None):
    return render_template(
        "outcomes/exports/import_preview.html",
        preview=preview,
        confirm_form=confirm_form or FollowUpImportConfirmForm(token=token),
        can_confirm=token is not None,
    )


def render_upload(form: FollowUpImportForm):
    return render_template("outcomes/exports/import.html", form=form, columns=import_parsing.column_guide())


@bp.route("/follow-ups/import", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def follow_up_import():
    form = FollowUpImportForm()
    if not form.validate_on_submit():
        return render_upload(form)
    data = form.file.data.stream.read(import_services.MAX_BYTES + 1)
    try:
        preview = import_services.preview_follow_up_import(data, current_user)
    except import_services.FileRefusedError as refused:
        form.file.errors.append(refused.message)
        return render_upload(form)
    previous, token = pending_token(), None
    session.pop(PENDING_IMPORT, None)
    if preview.ok:
        # The file stays on the server; the session only knows its random name.
        facts = {"unusual": bool(preview.unusual_rows)}  # the confirmation must then say they were checked
        token = kept_files.keep_upload(data, replacing=previous, facts=facts)
        session[PENDING_IMPORT] = token
    else:
        kept_files.discard(previous)
    page = render_preview(preview, token)
    db.session.commit()  # after rendering: the preview's rows are not loaded again one by one
    return page


@bp.route("/follow-ups/import/confirm", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def confirm_follow_up_import():
    """The confirmed file goes to the queue, which records every follow-up or none; the result page follows it."""
    form = FollowUpImportConfirmForm()
    token = pending_token()
    valid = form.validate_on_submit() and form.token.data == token
    data = kept_files.load_upload(token) if valid else None
    if data is None:
        flash(_("This preview is no longer waiting to be confirmed. Please upload the file again."), "error")
        return redirect(url_for(".follow_up_import"))
    if kept_files.upload_facts(token).get("unusual") and not form.unusual_checked.data:
        form.unusual_checked.errors.append(_("Tick that you have checked the unusual figures."))
        return render_preview(import_services.preview_follow_up_import(data, current_user), token, form)
    parameters = {"unusual_checked": bool(form.unusual_checked.data)}
    cohort_tasks.queue_import(token, import_services.FOLLOW_UPS, current_user._get_current_object(), parameters)
    kept_files.discard(pending_token(CONFIRMED_IMPORT))
    db.session.commit()
    session.pop(PENDING_IMPORT, None)
    session[CONFIRMED_IMPORT] = token
    return redirect(url_for(".follow_up_import_result"))


@bp.route("/follow-ups/import/result")
@roles_required(*MANAGER_ROLES)
def follow_up_import_result():
    state = kept_files.import_state(pending_token(CONFIRMED_IMPORT))
    return render_template("outcomes/exports/import_result.html", state=state)


@bp.route("/follow-ups/import/template.csv")
@roles_required(*MANAGER_ROLES)
def follow_up_import_template():
    header = template_header(import_parsing.COLUMNS, str(get_locale()).startswith("zh"))
    return send_csv(csv_text([header]), "follow-ups-template.csv")
