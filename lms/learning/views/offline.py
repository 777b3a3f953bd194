"""Saving lessons on the phone: the service worker, what a course or module saves, the "Saved on this phone" page."""

from pathlib import Path

from flask import current_app, jsonify, render_template, request, url_for
from flask_login import current_user

from lms.core.extensions import db
from lms.core.security import public, require, signed_in
from lms.core.web import id_arg
from lms.courses import bp, policies, video_choice
from lms.courses.models import Course
from lms.learning.services import lessons as learning
from lms.learning.services import saving


@bp.route("/sw.js")
@public
def service_worker():
    # Served from the root, so that its scope is the whole site; the shell it keeps is named with versions.
    shell = [
        url_for("courses.saved_page"),
        url_for("static", filename="style.css"),
        url_for("static", filename="offline.js"),
        url_for("static", filename="lesson.js"),
        url_for("static", filename="favicon.svg"),
    ]
    script = Path(current_app.static_folder, "sw.js").read_text(encoding="utf-8")
    response = current_app.response_class(
        render_template("courses/sw_shell.js", shell=shell) + "\n" + script, mimetype="text/javascript"
    )
    response.headers["Cache-Control"] = "no-cache"  # a browser checks it at each visit, as it would anyway
    return response


@bp.route("/offline")
@signed_in
def saved_page():
    return render_template("courses/saved.html")


@bp.route("/courses/<int:course_id>/offline")
@signed_in
def offline_package(course_id: int):
    course = db.get_or_404(Course, course_id)
    require(policies.can_view_course(current_user, course), 404)
    outline = learning.course_outline(course, current_user)
    module_id = id_arg("module")
    require(module_id is None or any(item.module.id == module_id for item in outline.modules), 404)
    viewer = saving.viewer_of(current_user, video_choice.saves_data(request))
    response = jsonify(saving.package(outline, module_id, viewer).as_json())
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Save-Data")
    return response
