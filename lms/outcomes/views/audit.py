"""The audit log of outcome records: one learner's, and the whole program's."""

from flask import render_template, request
from flask_login import current_user

from lms.cohorts.enrolment.current import learner_currency
from lms.cohorts.models import Program
from lms.cohorts.services import programs_for
from lms.core.extensions import db
from lms.core.security import MANAGER_ROLES, roles_required
from lms.core.web import page_arg
from lms.outcomes import bp
from lms.outcomes.audit import learner_audit, program_audit
from lms.outcomes.views.audit_text import (
    ACTION_LABELS,
    ENTITY_LABELS,
    audit_value,
    field_label,
    in_form_order,
    person_names,
)
from lms.outcomes.views.intake import AUDIT_PER_PAGE, load_learner


def audit_page(template: str, page, currency: str, **context):
    """Render a page of audit entries; the people named by id in them are looked up in one query."""
    names = person_names(page.items)
    return render_template(
        template,
        page=page,
        audit_value=lambda field, value: audit_value(field, value, currency, names),
        field_label=field_label,
        in_form_order=in_form_order,
        entity_labels=ENTITY_LABELS,
        action_labels=ACTION_LABELS,
        **context,
    )


@bp.route("/audit")
@roles_required(*MANAGER_ROLES)
def program_audit_log():
    """Every outcome change across her programs (an admin's: all), newest first, optionally one kind of record only."""
    entity = request.args.get("entity", "")
    if entity not in ENTITY_LABELS:
        entity = ""  # an unknown filter shows everything
    entries = program_audit(current_user, entity or None)
    page = db.paginate(entries, page=page_arg(), per_page=AUDIT_PER_PAGE, error_out=False)
    first_program = programs_for(current_user).order_by(None).order_by(Program.id).limit(1)
    currency = db.session.scalar(first_program.with_only_columns(Program.currency)) or "CNY"
    return audit_page("outcomes/intake/program_audit_log.html", page, currency, entity=entity)


@bp.route("/learners/<int:learner_id>/audit")
@roles_required(*MANAGER_ROLES)
def audit_log(learner_id: int):
    learner = load_learner(learner_id)
    page = db.paginate(learner_audit(learner), page=page_arg(), per_page=AUDIT_PER_PAGE, error_out=False)
    return audit_page("outcomes/intake/audit_log.html", page, learner_currency(learner), learner=learner)
