"""The home page: where each person starts."""

from flask import current_app, make_response, render_template
from flask_babel import get_locale
from flask_login import current_user

from lms.core.security import is_learner, signed_in
from lms.outcomes.follow_ups import waves
from lms.outcomes.follow_ups.lists import open_counts
from lms.outcomes.intake import services as intake_services
from lms.progress import bp, home_services
from lms.progress.mentor_home import staff_home


@bp.route("/")
@signed_in
def home():
    if is_learner(current_user):
        response = make_response(
            render_template(
                "progress/home.html",
                learner_page=home_services.learner_home(current_user, language=str(get_locale())),
                # The outcomes area's cards on the learner's home: the intake link and the follow-ups due.
                needs_intake=intake_services.needs_baseline(current_user),
                follow_ups=waves.home_follow_ups(current_user),
            )
        )
        # Back from the feedback she just read must show the home as it is now, not the copy the phone kept
        # (a page kept for Back is reused unless it may not be stored).
        response.cache_control.no_store = True
        return response
    return render_template(
        "progress/home.html",
        staff_page=staff_home(current_user, current_app.config["LMS_AT_RISK_DAYS"]),
        follow_ups_waiting=open_counts(current_user),
    )
