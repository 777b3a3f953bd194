"""The home page: where each person starts."""

from flask import current_app, render_template
from flask_login import current_user

from lms.core.roles import Role
from lms.core.security import signed_in
from lms.progress import bp, home_services


@bp.route("/")
@signed_in
def home():
    if current_user.role == Role.LEARNER:
        return render_template("progress/home.html", learner_page=home_services.learner_home(current_user))
    staff_page = home_services.staff_home(current_user, current_app.config["LMS_AT_RISK_DAYS"])
    return render_template("progress/home.html", staff_page=staff_page)
