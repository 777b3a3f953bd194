"""Her choices about messages: a channel per kind of message, and text messages on or off."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice
from wtforms.validators import AnyOf, InputRequired

from lms.accounts.models import User
from lms.core.forms import BaseForm
from lms.notifications.channels import CHANNEL_LABELS, TOPIC_LABELS, channels_open_to, topics_for

CHANNEL_MISSING = _l("Choose how these messages reach you.")


class MessageChannelsForm(BaseForm):
    """One choice per topic she has; its fields are added for her (``message_channels_form``)."""

    def topic_fields(self):
        return [self[name] for name in self.topics]


def message_channels_form(user: User, **kwargs) -> MessageChannelsForm:
    """Her form: a radio group per topic of her role, offering only the channels she can be reached by."""
    open_to = channels_open_to(user)
    topics = topics_for(user)
    fields = {
        str(topic): RadioField(
            TOPIC_LABELS[topic],
            choices=[SelectChoice(str(channel), CHANNEL_LABELS[channel]) for channel in open_to],
            validate_choice=False,
            validators=[
                InputRequired(message=CHANNEL_MISSING),
                AnyOf([str(c) for c in open_to], message=CHANNEL_MISSING),
            ],
        )
        for topic in topics
    }
    form_class = type("MessageChannelsForm", (MessageChannelsForm,), {**fields, "topics": [str(t) for t in topics]})
    return form_class(**kwargs)


class TextMessagesForm(BaseForm):
    """Text messages on or off for her number (a reply word turns them off too)."""

    text_messages = BooleanField(
        _l("Send me text messages"),
        description=_l("At most a few a day, never at night. Codes you ask for always come."),
    )
