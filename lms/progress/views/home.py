"""The home page: where each person starts."""

from flask import render_template
from flask_login import current_user

from lms.cohorts import services as cohort_services
from lms.extensions import db
from lms.progress import bp
from lms.security import signed_in


@bp.route("/")
@signed_in
def home():
    rows = db.session.execute(cohort_services.cohorts_for(current_user)).all()
    return render_template("progress/home.html", rows=rows)
