"""A learner's settings: which version of lesson videos plays first."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import bp, services
from lms.accounts.forms import VideoChoiceForm
from lms.core.extensions import db
from lms.core.roles import Role
from lms.core.security import roles_required


@bp.route("/account/settings", methods=["GET", "POST"])
@roles_required(Role.LEARNER)
def settings():
    user = current_user._get_current_object()
    form = VideoChoiceForm(obj=user)
    if form.validate_on_submit():
        services.set_video_choice(user, form.video_choice.data)
        db.session.commit()
        flash(_("Saved. Lesson videos play your choice first."))
        return redirect(url_for(".settings"))
    return render_template("auth/settings.html", form=form), 400 if form.errors else 200
