"""A learner's settings: which version of lesson videos plays first; notifications by text message."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import bp, services
from lms.accounts.forms import TextMessagesForm, VideoChoiceForm
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
    return settings_page(form), 400 if form.errors else 200


def settings_page(form: VideoChoiceForm):
    user = current_user._get_current_object()
    return render_template("auth/settings.html", form=form, texts_form=TextMessagesForm(obj=user))


@bp.route("/account/text-messages", methods=["POST"])
@roles_required(Role.LEARNER)
def text_messages():
    form = TextMessagesForm()
    if form.validate_on_submit():
        services.set_text_messages(current_user._get_current_object(), form.text_messages.data)
        db.session.commit()
        if form.text_messages.data:
            flash(_("Saved. Notifications come to your phone by text message."))
        else:
            flash(_("Saved. No more notifications by text message; you still see them here."))
    return redirect(url_for(".settings"))
