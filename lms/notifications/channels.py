"""Which channel a message goes by: the one home of that rule.

Every notification shows in the app. Beyond it, each person chooses per topic (follow-up reminders,
feedback, announcements ...) text message, email (when she has an address) or the app only; without
a choice, email when she has an address, else a text message when she has a phone, so a phone-only
learner is reached. A number that asked to stop (a reply word, or her settings) gets no text
messages, whatever she chose, until she turns them on again. Codes she asks for do not come here:
they always go.
"""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.roles import Role
from lms.notifications.models import (
    Channel,
    MessageChannel,
    MessageTopic,
    NotificationKind,
    OutboxSms,
    SmsKind,
    SmsState,
    SmsStop,
    SmsStopSource,
)

TOPIC_OF_KIND: dict[str, MessageTopic] = {
    NotificationKind.FOLLOW_UP_DUE: MessageTopic.FOLLOW_UPS,
    NotificationKind.FOLLOW_UP_OVERDUE: MessageTopic.FOLLOW_UPS,
    NotificationKind.FEEDBACK_RECEIVED: MessageTopic.FEEDBACK,
    NotificationKind.REVISION_REQUESTED: MessageTopic.FEEDBACK,
    NotificationKind.ANNOUNCEMENT: MessageTopic.ANNOUNCEMENTS,
    NotificationKind.SUBMISSION_TO_REVIEW: MessageTopic.REVIEWS,
    NotificationKind.INVITE_ACCEPTED: MessageTopic.COHORT,
}
TOPIC_LABELS = {
    MessageTopic.FOLLOW_UPS: _l("Follow-up reminders (how your business is doing)"),
    MessageTopic.FEEDBACK: _l("Feedback and revision requests on your work"),
    MessageTopic.ANNOUNCEMENTS: _l("Announcements"),
    MessageTopic.REVIEWS: _l("Work waiting for your review"),
    MessageTopic.COHORT: _l("New learners in your cohorts"),
    MessageTopic.OTHER: _l("Other messages"),
}
LEARNER_TOPICS = (MessageTopic.FOLLOW_UPS, MessageTopic.FEEDBACK, MessageTopic.ANNOUNCEMENTS, MessageTopic.OTHER)
STAFF_TOPICS = (MessageTopic.REVIEWS, MessageTopic.COHORT, MessageTopic.ANNOUNCEMENTS, MessageTopic.OTHER)
CHANNEL_LABELS = {
    Channel.SMS: _l("Text message"),
    Channel.EMAIL: _l("Email"),
    Channel.APP: _l("Only here in the app"),
}

# Replies that stop text messages, compared after normalising (full width, case, spaces, punctuation).
STOP_WORDS = frozenset({"退订", "TD", "T", "STOP", "N", "UNSUBSCRIBE"})
NOT_WORD = re.compile(r"[\W_]+")


def topic_of(kind: str) -> MessageTopic:
    return TOPIC_OF_KIND.get(str(kind), MessageTopic.OTHER)


def topics_for(user: User) -> tuple[MessageTopic, ...]:
    return LEARNER_TOPICS if user.role == Role.LEARNER else STAFF_TOPICS


def channels_open_to(user: User) -> list[Channel]:
    """The channels she can be reached by: a text message needs a phone, an email an address."""
    return [
        channel for channel, has in ((Channel.SMS, user.phone), (Channel.EMAIL, user.email), (Channel.APP, True)) if has
    ]


def default_channel(user: User) -> Channel:
    return Channel.EMAIL if user.email else Channel.SMS if user.phone else Channel.APP


def chosen_channels(user: User) -> dict[str, str]:
    """Her channel per topic, her default where she chose none (or chose one she can no longer use)."""
    rows = dict(
        db.session.execute(
            select(MessageChannel.topic, MessageChannel.channel).where(MessageChannel.user_id == user.id)
        ).all()
    )
    open_to = channels_open_to(user)
    return {topic: rows[topic] if rows.get(topic) in open_to else default_channel(user) for topic in topics_for(user)}


def channels_for(users: list[User], kind: str) -> dict[int, Channel]:
    """How a notification of ``kind`` reaches each of these people beyond the app: two queries for any number."""
    topic = topic_of(kind)
    ids = [user.id for user in users]
    chosen = dict(
        db.session.execute(
            select(MessageChannel.user_id, MessageChannel.channel).where(
                MessageChannel.user_id.in_(ids), MessageChannel.topic == topic
            )
        ).all()
    )
    phones = [user.phone for user in users if user.phone]
    stopped = set(db.session.scalars(select(SmsStop.phone).where(SmsStop.phone.in_(phones)))) if phones else set()
    answer = {}
    for user in users:
        channel = chosen.get(user.id)
        channel = Channel(channel) if channel in channels_open_to(user) else default_channel(user)
        if not user.active or (channel == Channel.SMS and user.phone in stopped):
            channel = Channel.APP
        answer[user.id] = channel
    return answer


def set_channels(user: User, choices: dict[str, str]) -> None:
    """Keep her choice per topic (only topics she has and channels open to her)."""
    open_to = channels_open_to(user)
    topics = [topic for topic in topics_for(user) if choices.get(topic) in open_to]
    db.session.execute(
        delete(MessageChannel).where(MessageChannel.user_id == user.id, MessageChannel.topic.in_(topics))
    )
    db.session.add_all(MessageChannel(user_id=user.id, topic=topic, channel=choices[topic]) for topic in topics)
    db.session.flush()


# ---- Stopping text messages ----


def sms_stop(phone: str | None) -> SmsStop | None:
    return db.session.scalar(select(SmsStop).where(SmsStop.phone == phone)) if phone else None


def is_stop_word(text: str) -> bool:
    """A reply that asks to stop: 退订, TD, T, STOP, N, in any width or case, with spaces or punctuation."""
    word = NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    return word in STOP_WORDS


def stop_sms(phone: str, source: str, word: str = "") -> SmsStop:
    """No more text messages to this number (codes it asks for aside); those waiting for it will not go."""
    stop = sms_stop(phone)
    if stop is None:
        stop = SmsStop(phone=phone, source=SmsStopSource(source), word=word[:20], created_at=utcnow())
        try:
            with db.session.begin_nested():  # two replies at once: the second finds the first's row
                db.session.add(stop)
        except IntegrityError:
            stop = sms_stop(phone)
    db.session.execute(
        update(OutboxSms)
        .where(
            OutboxSms.to_number == phone,
            OutboxSms.kind != SmsKind.SIGN_IN_CODE,
            OutboxSms.state.in_((SmsState.WAITING, SmsState.HELD)),
        )
        .values(state=SmsState.FAILED, error_kind="stopped", last_error="the number asked to stop text messages")
        .execution_options(synchronize_session=False)
    )
    return stop


def resume_sms(phone: str) -> None:
    """She wants text messages again."""
    db.session.execute(delete(SmsStop).where(SmsStop.phone == phone))
    db.session.flush()
