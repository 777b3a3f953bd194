"""The follow-up waves mentors and leads look after (due, overdue or filled in), and a program's schedule of waves."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.cohorts.models import Program
from lms.cohorts.policies import leads_program
from lms.cohorts.services import programs_for, viewable_cohorts
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.money import format_fen
from lms.core.paging import CountedPage
from lms.core.security import MANAGER_ROLES, STAFF_ROLES, require, roles_required
from lms.core.web import id_arg, page_arg
from lms.notifications.models import NotificationKind
from lms.notifications.sms import unreachable_people
from lms.outcomes import bp
from lms.outcomes.follow_ups import lists
from lms.outcomes.follow_ups import waves as wave_services
from lms.outcomes.follow_ups.forms import ScheduleForm
from lms.outcomes.follow_ups.rules import OVERDUE_AFTER_DAYS
from lms.outcomes.follow_ups.waves import WaveState
from lms.outcomes.policies import can_manage_outcomes
from lms.outcomes.views.follow_up_common import STATE_LABELS

PER_PAGE = 50
LIST_STATE_LABELS = {
    "open": _l("Due or overdue"),
    "overdue": _l("Overdue"),
    "due": _l("Due now"),
    "collected": _l("Filled in"),
    "all": _l("All"),
}


@bp.route("/follow-ups")
@roles_required(*STAFF_ROLES)
def follow_ups():
    cohorts = viewable_cohorts(current_user)
    cohort_id = id_arg("cohort")
    if cohort_id not in {cohort.id for cohort in cohorts}:
        cohort_id = None  # an unknown, foreign or garbled filter shows everything this person may see
    state = request.args.get("state", "open")
    if state not in lists.LIST_STATES:
        state = "open"
    rows = lists.wave_rows(current_user, program_today(), cohort_id)
    counts = lists.state_counts(rows)
    counts["open"] = counts.get(WaveState.DUE, 0) + counts.get(WaveState.OVERDUE, 0)
    counts["all"] = counts["open"] + counts.get(WaveState.COLLECTED, 0)
    paging = CountedPage(page_arg(), counts.get(state, 0), PER_PAGE)
    programs = db.session.scalars(programs_for(current_user)).all() if can_manage_outcomes(current_user) else []
    shown = lists.list_page(rows, state, paging.page, PER_PAGE)
    return render_template(
        "outcomes/follow_ups/list.html",
        cohorts=cohorts,
        cohort_id=cohort_id,
        state=state,
        counts=counts,
        rows=shown,
        # Graduates whose follow-up reminders by text message all failed: someone should check the number.
        unreachable=unreachable_people(
            [row.learner_id for row in shown], (NotificationKind.FOLLOW_UP_DUE, NotificationKind.FOLLOW_UP_OVERDUE)
        ),
        page=paging,
        state_labels=STATE_LABELS,
        list_state_labels=LIST_STATE_LABELS,
        programs=programs,
        money=format_fen,
        overdue_days=OVERDUE_AFTER_DAYS,
    )


# ---- The program's schedule ----


@bp.route("/programs/<int:program_id>/follow-up-schedule", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def follow_up_schedule(program_id: int):
    program = db.get_or_404(Program, program_id)
    require(leads_program(current_user, program.id), 404)
    form = ScheduleForm(months=", ".join(str(months) for months in program.follow_up_waves))
    if form.validate_on_submit():
        wave_services.set_follow_up_schedule(program, form.waves)
        db.session.commit()
        flash(_("Follow-up schedule of %(program)s saved.", program=program.name))
        return redirect(url_for(".follow_ups"))
    return render_template("outcomes/follow_ups/schedule.html", program=program, form=form)
