"""Accounts: one table for every person, with a role; their sign-in sessions and security events."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.calendar import utcnow
from lms.core.db_types import UTCDateTime
from lms.core.extensions import db
from lms.core.roles import Role


class VideoChoice(StrEnum):
    """Which version of a lesson video a learner wants to play first."""

    AUDIO = "audio"
    SMALL = "small"
    NORMAL = "normal"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_login"),
        CheckConstraint("role IN ('learner', 'mentor', 'lead', 'admin')", name="role_known"),
        CheckConstraint("video_choice IN ('audio', 'small', 'normal')", name="video_choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), index=True, default=Role.LEARNER)
    locale: Mapped[str | None] = mapped_column(String(10))
    # A learner's choice of what lesson videos play first; None: the normal video, or the smallest when her
    # browser asks to save data.
    video_choice: Mapped[str | None] = mapped_column(String(8))
    # Where a learner lives, below the cohort's county: reports group by these.
    township: Mapped[str] = mapped_column(String(50), default="")
    village: Mapped[str] = mapped_column(String(50), default="")
    # A switched-off account keeps its history but cannot sign in.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A learner who asked for a code by text message at each sign-in, since she confirmed her number (None: off).
    sign_in_texts_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The token of the sign-in session this object was loaded for (not a column).
    session_token = None

    # UserMixin compares people by get_id(), a session token here: compare them as rows instead
    # (the session's identity map gives one object per row).
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str | None:
        # Sessions and remember-me cookies carry the sign-in session's token, never the account id:
        # ending that session on the server makes both cookies worthless.
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def login_name(self) -> str:
        return self.email or self.phone or ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class PasswordSetupCode(db.Model):
    """A one-time code a learner added by a lead uses to choose a password (they have a phone, not email).

    Only a hash of the code is kept; the lead reads the code out or texts it once.
    """

    __tablename__ = "password_setup_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CodePurpose(StrEnum):
    """What a texted code is for: each person holds at most one code of each purpose."""

    NEW_PASSWORD = "new_password"  # noqa: S105 - a purpose, not a password
    SIGN_IN = "sign_in"
    TURN_ON = "turn_on"  # confirms her number before sign-in codes by text are turned on


class TextedCode(db.Model):
    """A 6-digit code texted to her phone: to choose a new password, to sign in, or to turn sign-in codes on.

    One per person and purpose (a new one replaces it); only a keyed hash is kept; five wrong tries or ten
    minutes end it. A sign-in code belongs to the sign-in that asked for it and opens no other.
    """

    __tablename__ = "texted_codes"
    __table_args__ = (
        UniqueConstraint("user_id", "purpose"),
        CheckConstraint("purpose IN ('new_password', 'sign_in', 'turn_on')", name="purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    wrong_tries: Mapped[int] = mapped_column(default=0)
    sign_in_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sign_in_sessions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignInSession(db.Model):
    """One signed-in browser: its cookie and remember-me cookie carry a token whose hash is kept here."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The browser it was opened in (its user agent, cut short): her list of sessions names each one by it.
    user_agent: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # The password was right and the second factor is still to come: such a session opens no page.
    awaiting_code: Mapped[bool] = mapped_column(default=False, server_default=false())


class SignInCodeKey(db.Model):
    """A staff member's authenticator key (TOTP, RFC 6238): kept until she confirms one code, then used.

    ``last_step`` is the time step of the last code accepted: no code of it or before it is accepted again.
    """

    __tablename__ = "sign_in_code_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    key_secret: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):
    """One single-use code for signing in without the authenticator; only its Argon2 hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SecurityEvent(db.Model):
    """A sign-in, a refusal, a change of password, role, consent or account state, an export or a data request.

    Never holds a password, code or token: ``detail`` is a short fixed word or a count.
    """

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The person the event is about, and who did it when that is someone else.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
