"""Her settings: which version of lesson videos plays first (learners); how each kind of message reaches her,
and text messages on or off (everyone). They live here because the channels are this area's rule."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import bp
from lms.accounts import services as accounts
from lms.accounts.forms import VideoChoiceForm
from lms.core.extensions import db
from lms.core.roles import Role
from lms.core.security import require, signed_in
from lms.notifications import channels
from lms.notifications.forms import MessageChannelsForm, TextMessagesForm, message_channels_form
from lms.notifications.models import SmsStopSource


@bp.route("/account/settings", methods=["GET", "POST"])
@signed_in
def settings():
    user = current_user._get_current_object()
    form = VideoChoiceForm(obj=user)
    if form.is_submitted():
        require(user.role == Role.LEARNER)  # staff have no lesson videos to choose for
    if form.validate_on_submit():
        accounts.set_video_choice(user, form.video_choice.data)
        db.session.commit()
        flash(_("Saved. Lesson videos play your choice first."))
        return redirect(url_for(".settings"))
    return settings_page(video_form=form), 400 if form.errors else 200


def settings_page(video_form: VideoChoiceForm | None = None, channels_form: MessageChannelsForm | None = None):
    user = current_user._get_current_object()
    stop = channels.sms_stop(user.phone)
    return render_template(
        "auth/settings.html",
        form=video_form or VideoChoiceForm(obj=user),
        channels_form=channels_form or message_channels_form(user, data=channels.chosen_channels(user)),
        texts_form=TextMessagesForm(data={"text_messages": stop is None}),
        sms_stop=stop,
        reply_source=SmsStopSource.REPLY,
    )


@bp.route("/account/messages", methods=["POST"])
@signed_in
def message_channels():
    user = current_user._get_current_object()
    form = message_channels_form(user)
    if not form.validate_on_submit():
        return settings_page(channels_form=form), 400
    channels.set_channels(user, form.data)
    db.session.commit()
    flash(_("Saved. Each kind of message now reaches you the way you chose."))
    return redirect(url_for(".settings"))


@bp.route("/account/text-messages", methods=["POST"])
@signed_in
def text_messages():
    user = current_user._get_current_object()
    form = TextMessagesForm()
    if not user.phone:
        flash(_("Your account has no mobile number to send text messages to."), "error")
    elif form.validate_on_submit():
        if form.text_messages.data:
            channels.resume_sms(user.phone)
            flash(_("Saved. Text messages come to your phone again, by the kinds you chose."))
        else:
            channels.stop_sms(user.phone, SmsStopSource.SETTINGS)
            flash(_("Saved. No more text messages; you still see your notifications here."))
        db.session.commit()
    return redirect(url_for(".settings"))
