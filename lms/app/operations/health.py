"""``/healthz``: the process answers. ``/readyz``: so do the services it needs (503 naming the one that failed)."""

from flask import jsonify

from lms.app.operations import bp
from lms.core import health
from lms.core.security import public


@bp.route("/healthz")
@public
def healthz():
    return jsonify(status="ok")


@bp.route("/readyz")
@public
def readyz():
    answers = health.readiness()
    ready = health.is_ready(answers)
    response = jsonify(status="ready" if ready else "unavailable", checks=answers)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
