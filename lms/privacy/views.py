"""A learner's own data page, her download and deletion request; leads decide requests and set retention."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.models import User
from lms.cohorts.models import Program
from lms.cohorts.policies import can_manage_program
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.roles import Role
from lms.core.security import MANAGER_ROLES, require, roles_required
from lms.media import exports
from lms.media.models import ExportJob, ExportStatus
from lms.media.serving import send_media
from lms.privacy import bp, policies, services
from lms.privacy.forms import RefuseDeletionForm, RetentionForm
from lms.privacy.models import DeletionRequest


@bp.route("/my-data")
@roles_required(Role.LEARNER)
def my_data():
    return render_template(
        "privacy/my_data.html",
        export=services.latest_export(current_user),
        deletion=services.latest_request(current_user),
        expires_at=exports.expires_at,
    )


@bp.route("/my-data/export", methods=["POST"])
@roles_required(Role.LEARNER)
def request_export():
    if ActionForm().validate_on_submit():
        services.request_export(current_user._get_current_object(), str(get_locale()))
        db.session.commit()  # the page says it is being prepared: no message to repeat it
    return redirect(url_for(".my_data"))


@bp.route("/my-data/export/<int:export_id>/download")
@roles_required(Role.LEARNER)
def download_export(export_id: int):
    export = db.get_or_404(ExportJob, export_id)
    mine = export.requested_by_id == current_user.id and export.kind == services.PERSONAL_DATA
    require(mine and export.status == ExportStatus.READY and export.file, 404)
    services.record_export_downloaded(export)
    db.session.commit()
    return send_media(export.file, personal=True)


@bp.route("/my-data/deletion", methods=["POST"])
@roles_required(Role.LEARNER)
def request_deletion():
    if ActionForm().validate_on_submit() and request.form.get("confirm") == "yes":
        services.request_deletion(current_user)
        db.session.commit()
        flash(_("Your request is sent. A program lead will decide on it; this page shows where it is."))
    return redirect(url_for(".my_data"))


@bp.route("/my-data/deletion/withdraw", methods=["POST"])
@roles_required(Role.LEARNER)
def withdraw_deletion():
    waiting = services.open_request(current_user)
    if ActionForm().validate_on_submit() and waiting is not None:
        services.withdraw_request(waiting)
        db.session.commit()
        flash(_("Your request is withdrawn: we keep your records."))
    return redirect(url_for(".my_data"))


# ---- Leads and admins ----


@bp.route("/data-requests")
@roles_required(*MANAGER_ROLES)
def data_requests():
    waiting = db.session.scalars(services.waiting_requests(current_user)).all()
    return render_template("privacy/requests.html", requests=waiting)


def load_request(request_id: int) -> DeletionRequest:
    found = db.get_or_404(DeletionRequest, request_id)
    require(policies.can_decide_deletion(current_user, found.learner), 404)
    return found


@bp.route("/data-requests/<int:request_id>", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def decide_request(request_id: int):
    found = load_request(request_id)
    refuse_form = RefuseDeletionForm()
    if request.method == "POST":
        actor: User = current_user._get_current_object()
        try:
            if request.form.get("decision") == "anonymise" and ActionForm().validate_on_submit():
                services.anonymise_learner(found.learner, actor, found)
                done = _("Her records are anonymised: her name, phone, texts and files are gone, the figures stay.")
            elif request.form.get("decision") == "refuse" and refuse_form.validate_on_submit():
                services.refuse_request(found, actor, refuse_form.note.data)
                done = _("The request is refused; she reads your note on her page.")
            else:
                return render_template("privacy/decide.html", found=found, refuse_form=refuse_form), 400
        except services.DataRequestRefused as refused:
            db.session.rollback()
            flash(refused.message, "error")
            return redirect(url_for(".data_requests"))
        db.session.commit()
        flash(done)
        return redirect(url_for(".data_requests"))
    return render_template("privacy/decide.html", found=found, refuse_form=refuse_form)


@bp.route("/programs/<int:program_id>/retention", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def retention(program_id: int):
    program = db.get_or_404(Program, program_id)
    require(can_manage_program(current_user, program), 404)
    form = RetentionForm(obj=program)
    if form.validate_on_submit():
        services.set_retention(program, form.evidence_retention_months.data)
        db.session.commit()
        flash(_("Retention of %(program)s saved.", program=program.name))
        return redirect(url_for(".retention", program_id=program.id))
    return render_template("privacy/retention.html", program=program, form=form), 400 if form.errors else 200
