"""The security event log, for admins."""

from flask import render_template, request
from flask_login import current_user

from lms.accounts import bp
from lms.accounts.forms import ROLE_LABELS
from lms.accounts.models import User
from lms.accounts.security_log.services import (
    KIND_LABELS,
    SecurityEventKind,
    list_security_events,
    record_security_event,
)
from lms.core.extensions import db
from lms.core.roles import Role
from lms.core.security import roles_required
from lms.core.web import id_arg, page_arg

PER_PAGE = 50


@bp.route("/security-events")
@roles_required(Role.ADMIN)
def security_events():
    kind = request.args.get("kind")
    kind = kind if kind in KIND_LABELS else None
    person_id = id_arg("person")
    person = db.session.get(User, person_id) if person_id else None
    query = list_security_events(kind, person.id if person else None)
    page = db.paginate(query, page=page_arg(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "auth/security_events.html",
        page=page,
        kind=kind,
        person=person,
        kind_labels=KIND_LABELS,
        role_labels=ROLE_LABELS,
    )


@bp.after_app_request
def record_refusal(response):
    """A signed-in person refused a page (403) goes into the log, with the page's name."""
    if response.status_code == 403 and current_user.is_authenticated:
        db.session.rollback()  # nothing the refused request started is kept
        record_security_event(SecurityEventKind.ACCESS_REFUSED, user=current_user, detail=request.endpoint or "")
        db.session.commit()
    return response
