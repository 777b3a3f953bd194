"""Text messages for leads: a program's monthly cap, and per kind of message what went, arrived and failed."""

import re
from datetime import date
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.cohorts import bp, policies, sign_in_texts, sms_budget
from lms.cohorts.forms import SignInTextsForm, SmsCapForm
from lms.cohorts.models import Program
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.money import DEFAULT_CURRENCY, FEN_PER_YUAN, format_fen, yuan_to_fen
from lms.core.security import MANAGER_ROLES, is_admin, require, roles_required
from lms.notifications import budget
from lms.notifications.models import NotificationKind, SmsKind


def cap_form(program: Program, **kwargs) -> SmsCapForm:
    cap = None if program.sms_cap_fen is None else Decimal(program.sms_cap_fen) / FEN_PER_YUAN
    return SmsCapForm(data={"cap_yuan": cap}, **kwargs)


def program_texts_page(program: Program, form: SmsCapForm, required_form: SignInTextsForm | None = None):
    spent = budget.month_spent(program.id, budget.month_of(utcnow()))
    return render_template(
        "cohorts/text_messages.html",
        program=program,
        form=form,
        required_form=required_form or SignInTextsForm(data={"required": program.sign_in_texts_required}),
        spent=format_fen(spent, program.currency),
        cap=None if program.sms_cap_fen is None else format_fen(program.sms_cap_fen, program.currency),
    )


@bp.route("/programs/<int:program_id>/text-messages", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def text_messages(program_id: int):
    program = db.get_or_404(Program, program_id)
    require(policies.leads_program(current_user, program.id), 404)
    form = cap_form(program)
    if form.validate_on_submit():
        cap = form.cap_yuan.data
        sms_budget.set_sms_cap(program, None if cap is None else yuan_to_fen(cap))
        db.session.commit()
        flash(_("Text message cap of %(program)s saved.", program=program.name))
        return redirect(url_for(".text_messages", program_id=program.id))
    return program_texts_page(program, form), 400 if form.errors else 200


@bp.route("/programs/<int:program_id>/sign-in-texts", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def sign_in_texts_rule(program_id: int):
    program = db.get_or_404(Program, program_id)
    require(policies.leads_program(current_user, program.id), 404)
    form = SignInTextsForm()
    if not form.validate_on_submit():
        return program_texts_page(program, cap_form(program, formdata=None), form), 400
    sign_in_texts.set_sign_in_texts_required(program, form.required.data, current_user._get_current_object())
    db.session.commit()
    if form.required.data:
        flash(_("Learners of %(program)s now type a texted code at each sign-in.", program=program.name))
    else:
        flash(_("Learners of %(program)s no longer need a texted code to sign in.", program=program.name))
    return redirect(url_for(".text_messages", program_id=program.id))


MONTH = re.compile(r"(\d{4})-(\d{2})")
KIND_LABELS = {
    SmsKind.SIGN_IN_CODE: _l("Codes to sign in or to choose a new password"),
    NotificationKind.FOLLOW_UP_DUE: _l("Follow-up reminders"),
    NotificationKind.FOLLOW_UP_OVERDUE: _l("Second follow-up reminders"),
    NotificationKind.FEEDBACK_RECEIVED: _l("Feedback"),
    NotificationKind.REVISION_REQUESTED: _l("Revision requests"),
    NotificationKind.ANNOUNCEMENT: _l("Announcements"),
    NotificationKind.SUBMISSION_TO_REVIEW: _l("Work to review"),
    NotificationKind.INVITE_ACCEPTED: _l("New learners"),
    NotificationKind.SMS_CAP_WARNING: _l("Cap warnings"),
}
OTHER_KIND = _l("Other messages")


def chosen_month(text: str | None) -> date | None:
    """The month asked for (YYYY-MM), this month when none; None when it is not one."""
    if not text:
        return budget.month_of(utcnow())
    found = MONTH.fullmatch(text.strip())
    if found is None or not (2000 <= int(found[1]) <= 2100 and 1 <= int(found[2]) <= 12):
        return None
    return date(int(found[1]), int(found[2]), 1)


@bp.route("/text-messages")
@roles_required(*MANAGER_ROLES)
def text_message_report():
    """Per kind of message, how many went, were delivered, failed or are held in a month, and what they cost:
    a lead sees the programs she leads, an admin every message."""
    month = chosen_month(request.args.get("month"))
    if month is None:
        return render_template(
            "cohorts/text_message_report.html",
            month_error=_("Choose a month as year and month, for example 2026-12."),
            month_text=request.args.get("month", "")[:20],
            rows=[],
        ), 400
    program_ids = None if is_admin(current_user) else list(db.session.scalars(policies.led_program_ids(current_user)))
    report = budget.month_report(program_ids, month)
    return render_template(
        "cohorts/text_message_report.html",
        month_text=f"{month:%Y-%m}",
        month=month,
        rows=[(KIND_LABELS.get(kind, OTHER_KIND), counts) for kind, counts in report.kinds.items()],
        cost=format_fen(report.cost_fen, DEFAULT_CURRENCY),
        # Only an admin's page holds them; shown even when nothing, so she knows where they would be.
        no_program_cost=format_fen(report.no_program_fen, DEFAULT_CURRENCY) if program_ids is None else None,
        month_error=None,
    )
