"""An export being built by the queue: its page (looked at again until the file is ready) and its download."""

from flask import render_template
from flask_login import current_user

from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.core.extensions import db
from lms.core.security import STAFF_ROLES, require, roles_required
from lms.media import bp
from lms.media.exports import KEEP_DAYS
from lms.media.models import ExportJob, ExportStatus
from lms.media.serving import send_media


def load_export(export_id: int) -> ExportJob:
    """The export, or 404 for a missing one and for anybody's but the asker's (it holds what they may see)."""
    export = db.get_or_404(ExportJob, export_id)
    require(export.requested_by_id == current_user.id, 404)
    return export


@bp.route("/exports/<int:export_id>")
@roles_required(*STAFF_ROLES)
def export_status(export_id: int):
    export = load_export(export_id)
    return render_template("media/export.html", export=export, keep_days=KEEP_DAYS)


@bp.route("/exports/<int:export_id>/download")
@roles_required(*STAFF_ROLES)
def export_download(export_id: int):
    export = load_export(export_id)
    require(export.status == ExportStatus.READY and export.file is not None, 404)
    record_security_event(SecurityEventKind.EXPORT_DOWNLOADED, detail=export.kind)
    db.session.commit()
    return send_media(export.file, personal=True)
