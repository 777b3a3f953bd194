"""The mentor's home: what waits for the mentor in each of her cohorts."""

from flask import current_app, render_template
from flask_login import current_user

from lms.cohorts import bp
from lms.cohorts.checkins.forms import CHANNEL_LABELS
from lms.core.security import STAFF_ROLES, roles_required
from lms.outcomes.follow_ups.lists import open_counts
from lms.progress.mentor_home import mentor_home


@bp.route("/mentor", endpoint="mentor_home")
@roles_required(*STAFF_ROLES)
def show_mentor_home():
    home = mentor_home(current_user, current_app.config.get("LMS_AT_RISK_DAYS", 7))
    return render_template(
        "cohorts/contact/mentor_home.html",
        home=home,
        follow_ups_waiting=open_counts(current_user),
        channel_labels=CHANNEL_LABELS,
    )
