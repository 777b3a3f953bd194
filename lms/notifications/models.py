"""Reaching people: in-app notifications, the email and text-message outboxes."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db


class NotificationKind(StrEnum):
    FEEDBACK_RECEIVED = "feedback_received"
    REVISION_REQUESTED = "revision_requested"
    SUBMISSION_TO_REVIEW = "submission_to_review"
    INVITE_ACCEPTED = "invite_accepted"
    FOLLOW_UP_DUE = "follow_up_due"
    # The same wave still missing days later: reminded once more, in other words.
    FOLLOW_UP_OVERDUE = "follow_up_overdue"
    ANNOUNCEMENT = "announcement"
    SMS_CAP_WARNING = "sms_cap_warning"


class Notification(db.Model):
    """Something a person should know; its words are made when shown, in the reader's language."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # Names and titles to fill the message with, and the link it leads to.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class OutboxEmail(db.Model):
    """An email waiting to be sent; the request writes it, `lms send-mail` delivers it."""

    __tablename__ = "outbox_emails"
    __table_args__ = (Index("ix_outbox_emails_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


class SmsState(StrEnum):
    WAITING = "waiting"
    HELD = "held"  # quiet hours or the day's limit: it goes out at ``next_attempt_at``
    SENT = "sent"
    DELIVERED = "delivered"  # the provider's receipt says it reached the phone
    FAILED = "failed"


# A message that left: sent, and perhaps confirmed delivered since (both are paid for).
WENT_STATES = (SmsState.SENT, SmsState.DELIVERED)


class SmsKind(StrEnum):
    """A message's kind: a code, or (for a notification's text) the notification's own kind, which staff count by."""

    SIGN_IN_CODE = "sign_in_code"
    NOTIFICATION = "notification"


class OutboxSms(db.Model):
    """A text message: the request writes it, a queued job claims and sends it; never deleted."""

    __tablename__ = "sms_outbox"
    __table_args__ = (
        CheckConstraint("state IN ('waiting', 'held', 'sent', 'delivered', 'failed')", name="state_known"),
        Index("ix_sms_outbox_due", "state", "next_attempt_at"),
        Index("ix_sms_outbox_user_planned", "user_id", "planned_at"),
        # A program's month (``budget.in_month``): read before every message is sent, and by the staff's page.
        Index("ix_sms_outbox_program_sent", "program_id", "sent_at"),
        Index("ix_sms_outbox_program_created", "program_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The program whose monthly budget pays for it (none for one outside every program).
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id", ondelete="SET NULL"), index=True)
    to_number: Mapped[str] = mapped_column(String(20))  # E.164
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    # What a provider's registered template for this kind is filled with (code, link ...), and in which
    # language: Aliyun and Tencent send an approved template, not the text.
    language: Mapped[str] = mapped_column(String(10), default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(10), default=SmsState.WAITING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it was meant to go out (after quiet hours and the day's limit): the daily count reads it.
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The provider's id for it, which its delivery receipt names.
    provider_message_id: Mapped[str] = mapped_column(String(100), default="", index=True)
    cost_fen: Mapped[int] = mapped_column(default=0)
    # "unreachable" (the provider did not answer), "refused" (it said no), "expired" (a code too late),
    # "stopped" (the number asked to stop); on a held one, "cost_cap" (the program's month is spent).
    error_kind: Mapped[str] = mapped_column(String(20), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")


class Channel(StrEnum):
    """Beyond the app, how a kind of message reaches her: by text message, by email, or only in the app."""

    SMS = "sms"
    EMAIL = "email"
    APP = "app"


class MessageTopic(StrEnum):
    """The kinds of message a person chooses a channel for; each notification kind belongs to one."""

    FOLLOW_UPS = "follow_ups"
    FEEDBACK = "feedback"
    ANNOUNCEMENTS = "announcements"
    REVIEWS = "reviews"
    COHORT = "cohort"
    OTHER = "other"


class MessageChannel(db.Model):
    """Her choice of channel for one topic; without a row, her default (email, else text message)."""

    __tablename__ = "message_channels"
    __table_args__ = (
        UniqueConstraint("user_id", "topic"),
        CheckConstraint("channel IN ('sms', 'email', 'app')", name="channel_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))


class SmsStopSource(StrEnum):
    REPLY = "reply"  # she answered a message with a stop word
    SETTINGS = "settings"  # she switched text messages off on her settings page


class SmsStop(db.Model):
    """A number that asked for no more text messages (codes it asks for still go); kept per number, not person."""

    __tablename__ = "sms_stops"
    __table_args__ = (CheckConstraint("source IN ('reply', 'settings')", name="source_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # E.164
    source: Mapped[str] = mapped_column(String(10))
    # The reply word as she typed it (cut short), empty when she stopped them on her settings page.
    word: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SmsCapWarning(db.Model):
    """Its leads were told a program's texts passed 80 % of the month's cap: once a month (the row claims it)."""

    __tablename__ = "sms_cap_warnings"
    __table_args__ = (UniqueConstraint("program_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    month: Mapped[date]  # its first day, in the program's zone
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
