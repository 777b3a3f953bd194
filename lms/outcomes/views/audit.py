"""The audit log of outcome records: one learner's, and the whole program's."""

from flask import render_template, request
from sqlalchemy import select

from lms.cohorts.enrolment.current import learner_currency
from lms.cohorts.models import Program
from lms.core.extensions import db
from lms.core.security import MANAGER_ROLES, roles_required
from lms.core.web import MAX_ID, page_arg
from lms.outcomes import bp
from lms.outcomes.audit import learner_audit, program_audit
from lms.outcomes.follow_ups import services
from lms.outcomes.views.follow_up_common import HISTORY_FIELD_LABELS, history_value
from lms.outcomes.views.intake import (
    AUDIT_ACTION_LABELS,
    AUDIT_ENTITY_LABELS,
    AUDIT_FIELD_LABELS,
    AUDIT_PER_PAGE,
    load_learner,
)


def field_label(entity: str, field: str) -> str:
    """A field's name as the page shows it: a follow-up's income is not the household's income at intake."""
    labels = HISTORY_FIELD_LABELS if entity == "follow-up" else AUDIT_FIELD_LABELS
    return str(labels.get(field, field))


def audit_page(template: str, page, currency: str, **context):
    """Render a page of audit entries; the people named by id in them are looked up in one query."""
    mentioned = {
        value
        for entry in page.items
        for value in (entry.changes or {}).get("verified_by_id", ())
        if isinstance(value, int) and 0 < value <= MAX_ID
    }
    names = services.user_names(mentioned)
    return render_template(
        template,
        page=page,
        audit_value=lambda field, value: history_value(field, value, currency, names),
        field_label=field_label,
        entity_labels=AUDIT_ENTITY_LABELS,
        action_labels=AUDIT_ACTION_LABELS,
        **context,
    )


@bp.route("/audit")
@roles_required(*MANAGER_ROLES)
def program_audit_log():
    """Every outcome change across the program, newest first, optionally one kind of record only."""
    entity = request.args.get("entity", "")
    if entity not in AUDIT_ENTITY_LABELS:
        entity = ""  # an unknown filter shows everything
    page = db.paginate(program_audit(entity or None), page=page_arg(), per_page=AUDIT_PER_PAGE, error_out=False)
    currency = db.session.scalar(select(Program.currency).order_by(Program.id).limit(1)) or "CNY"
    return audit_page("outcomes/intake/program_audit_log.html", page, currency, entity=entity)


@bp.route("/learners/<int:learner_id>/audit")
@roles_required(*MANAGER_ROLES)
def audit_log(learner_id: int):
    learner = load_learner(learner_id)
    page = db.paginate(learner_audit(learner), page=page_arg(), per_page=AUDIT_PER_PAGE, error_out=False)
    return audit_page("outcomes/intake/audit_log.html", page, learner_currency(learner), learner=learner)
