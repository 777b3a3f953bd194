"""Bulk enrolment: upload a CSV file, see every row's problems, confirm, and hand out the setup codes."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.cohorts import bp, policies, tasks
from lms.cohorts.enrolment.forms import ImportConfirmForm, ImportUploadForm
from lms.cohorts.imports import kept, services
from lms.cohorts.imports.parsing import COLUMNS, MAX_BYTES
from lms.cohorts.models import Cohort
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.security import MANAGER_ROLES, require, roles_required
from lms.core.spreadsheets import csv_text, send_csv, spreadsheet_safe, template_header

# Session keys: the preview waiting for confirmation, and the import whose codes are shown.
PENDING = "cohort_import"
RESULT = "cohort_import_result"


def session_token(key: str, cohort: Cohort) -> str | None:
    kept = session.get(key)
    if isinstance(kept, dict) and kept.get("cohort") == cohort.id:
        return kept.get("token")
    return None


def render_preview(cohort: Cohort, preview, token: str | None):
    return render_template(
        "cohorts/import_preview.html",
        cohort=cohort,
        preview=preview,
        confirm_form=ImportConfirmForm(token=token),
    )


@bp.route("/cohorts/import/template.csv")
@roles_required(*MANAGER_ROLES)
def import_template():
    """An empty learner file to fill in: headers in English, or in Chinese with ``?headers=zh``."""
    chinese = request.args.get("headers") == "zh"
    return send_csv(csv_text([template_header(COLUMNS, chinese)]), f"learners-template-{'zh' if chinese else 'en'}.csv")


@bp.route("/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def import_learners(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    form = ImportUploadForm()
    if form.validate_on_submit():
        data = form.file.data.stream.read(MAX_BYTES + 1)
        try:
            preview = services.preview_import(cohort, data)
        except services.FileRefusedError as refused:
            form.file.errors.append(refused.message)
        else:
            previous, token = session_token(PENDING, cohort), None
            if preview.ok:
                # The file stays on the server; the session only knows its random name.
                token = kept.keep_upload(data, replacing=previous)
                session[PENDING] = {"cohort": cohort.id, "token": token}
            else:
                kept.discard(previous)
            page = render_preview(cohort, preview, token)
            db.session.commit()  # after rendering: the preview's rows are not loaded again one by one
            return page
    return render_template("cohorts/import.html", cohort=cohort, form=form)


@bp.route("/cohorts/<int:cohort_id>/import/confirm", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def confirm_import(cohort_id: int):
    """The confirmed file goes to the queue, which enrols everyone or no one; the result page follows it."""
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    form = ImportConfirmForm()
    token = session_token(PENDING, cohort)
    lead = current_user._get_current_object()
    valid = form.validate_on_submit() and form.token.data == token
    if not valid or not tasks.queue_import(token, services.LEARNERS, lead, {"cohort": cohort.id}):
        flash(_("This preview is no longer waiting to be confirmed. Please upload the file again."), "error")
        return redirect(url_for(".import_learners", cohort_id=cohort.id))
    kept.discard(session_token(RESULT, cohort))  # the codes of the import before
    db.session.commit()
    session.pop(PENDING, None)
    session[RESULT] = {"cohort": cohort.id, "token": token}
    return redirect(url_for(".import_result", cohort_id=cohort.id))


def import_codes(cohort: Cohort) -> list[dict] | None:
    """The codes the session's finished import issued, or None (not finished, refused, forgotten, too old)."""
    state = kept.import_state(session_token(RESULT, cohort))
    return state.result["codes"] if state is not None and state.state == kept.DONE else None


@bp.route("/cohorts/<int:cohort_id>/import/result")
@roles_required(*MANAGER_ROLES)
def import_result(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    state = kept.import_state(session_token(RESULT, cohort))
    return render_template("cohorts/import_result.html", cohort=cohort, state=state)


@bp.route("/cohorts/<int:cohort_id>/import/result.csv")
@roles_required(*MANAGER_ROLES)
def import_result_csv(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    codes = import_codes(cohort)
    if codes is None:
        flash(_("The setup codes are no longer shown. Give a learner a new code from the cohort page."), "error")
        return redirect(url_for(".import_result", cohort_id=cohort.id))
    header = [_("Name"), _("Mobile number"), _("Setup code")]
    rows = [[spreadsheet_safe(row["name"]), row["phone"], row["code"]] for row in codes]
    record_security_event(SecurityEventKind.EXPORT_DOWNLOADED, detail="setup-codes")
    db.session.commit()
    return send_csv(csv_text([header, *rows]), f"cohort-{cohort.id}-setup-codes.csv")


@bp.route("/cohorts/<int:cohort_id>/import/result/forget", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def forget_import_codes(cohort_id: int):
    cohort = db.get_or_404(Cohort, cohort_id)
    require(policies.can_manage_cohort(current_user, cohort), 404)
    if ActionForm().validate_on_submit():
        kept.discard(session_token(RESULT, cohort))
        db.session.commit()
        session.pop(RESULT, None)
        flash(_("The setup codes are no longer shown."))
    return redirect(url_for(".detail", cohort_id=cohort.id))
