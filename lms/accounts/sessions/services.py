"""Start, check and end sign-in sessions; the cookies only carry a random token whose hash is kept here."""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import select, update

from lms.accounts.models import SignInSession, User
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.security import is_staff

# A session's last-seen time is written at most this often, not on every request.
TOUCH_INTERVAL = timedelta(minutes=1)
# How long a right password waits for its sign-in code.
AWAITING_CODE_FOR = timedelta(minutes=10)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, remember: bool, awaiting_code: bool = False) -> str:
    """A new session for ``user``; returns the token the cookies carry (only its hash is stored).

    A session ``awaiting_code`` opens no page: it only says whose code the sign-in code page asks for.
    """
    token = secrets.token_urlsafe(32)
    browser = request.user_agent.string[:200] if has_request_context() else ""
    db.session.add(
        SignInSession(
            user_id=user.id,
            token_hash=token_hash(token),
            remember=remember,
            user_agent=browser,
            awaiting_code=awaiting_code,
        )
    )
    db.session.flush()
    if not awaiting_code:
        user.session_token = token
    return token


def awaiting_session(token: str | None) -> SignInSession | None:
    """The session, started by a right password minutes ago, that waits for this token's sign-in code."""
    if not token:
        return None
    return db.session.scalar(
        select(SignInSession)
        .join(User, SignInSession.user_id == User.id)
        .where(
            SignInSession.token_hash == token_hash(token),
            SignInSession.awaiting_code.is_(True),
            SignInSession.ended_at.is_(None),
            SignInSession.created_at > utcnow() - AWAITING_CODE_FOR,
            User.active.is_(True),
        )
    )


def session_limits(user: User, remember: bool) -> tuple[timedelta, timedelta]:
    """How long a session may sit unused, and how long it may last at all.

    Staff are signed out after a short pause; a learner who asked to stay signed in
    stays as long as her remember-me cookie lasts.
    """
    config = current_app.config
    if is_staff(user):
        return timedelta(minutes=config["LMS_STAFF_IDLE_MINUTES"]), timedelta(hours=config["LMS_STAFF_SESSION_HOURS"])
    idle = (
        timedelta(seconds=config["REMEMBER_COOKIE_DURATION"])
        if remember
        else timedelta(minutes=config["LMS_LEARNER_IDLE_MINUTES"])
    )
    return idle, timedelta(days=config["LMS_SESSION_MAX_DAYS"])


def session_expired(user: User, sign_in: SignInSession, now: datetime) -> bool:
    idle, lifetime = session_limits(user, sign_in.remember)
    return now - sign_in.last_seen_at > idle or now - sign_in.created_at > lifetime


def load_session_user(token: str) -> User | None:
    """The active person whose open, unexpired session this token belongs to; notes that it was used.

    Leaves the note unflushed: the caller, at the edge of the request, commits it.
    """
    row = db.session.execute(
        select(User, SignInSession)
        .join(SignInSession, SignInSession.user_id == User.id)
        .where(
            SignInSession.token_hash == token_hash(token),
            SignInSession.ended_at.is_(None),
            SignInSession.awaiting_code.is_(False),
            User.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    user, sign_in = row
    now = utcnow()
    if session_expired(user, sign_in, now):
        sign_in.ended_at = now
        return None
    if now - sign_in.last_seen_at > TOUCH_INTERVAL:
        sign_in.last_seen_at = now
    user.session_token = token
    return user


def current_session_remembers(user: User) -> bool:
    """Did the person ask to stay signed in when she started the session she is using?"""
    if not user.session_token:
        return False
    return bool(
        db.session.scalar(
            select(SignInSession.remember).where(SignInSession.token_hash == token_hash(user.session_token))
        )
    )


def end_session(user: User) -> None:
    """End the session ``user`` was loaded with: its cookie and remember-me cookie stop working."""
    if user.session_token:
        db.session.execute(
            update(SignInSession)
            .where(SignInSession.token_hash == token_hash(user.session_token), SignInSession.ended_at.is_(None))
            .values(ended_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        user.session_token = None
        db.session.flush()


def end_all_sessions(user: User) -> int:
    """End every session of ``user``, on every phone and computer; returns how many were open."""
    result = db.session.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    user.session_token = None
    db.session.flush()
    return result.rowcount


def end_every_session_but(keep: User) -> int:
    """End every open session of every account except the one ``keep`` is using now; how many were open."""
    others = SignInSession.ended_at.is_(None)
    if keep.session_token:
        others = others & (SignInSession.token_hash != token_hash(keep.session_token))
    result = db.session.execute(
        update(SignInSession).where(others).values(ended_at=utcnow()).execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


def open_sessions(user: User) -> list[SignInSession]:
    """Her sessions that still open pages, the most recently used first (for her list of sessions)."""
    now = utcnow()
    found = db.session.scalars(
        select(SignInSession)
        .where(
            SignInSession.user_id == user.id, SignInSession.ended_at.is_(None), SignInSession.awaiting_code.is_(False)
        )
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
    )
    return [sign_in for sign_in in found if not session_expired(user, sign_in, now)]


def is_this_session(user: User, sign_in: SignInSession) -> bool:
    """Is this the session ``user`` was loaded with (the browser asking)?"""
    return bool(user.session_token) and sign_in.token_hash == token_hash(user.session_token)


def end_other_session(user: User, session_id: int) -> bool:
    """End one of her other sessions (a phone she lost); never the one she is using. True when one ended."""
    query = update(SignInSession).where(
        SignInSession.id == session_id, SignInSession.user_id == user.id, SignInSession.ended_at.is_(None)
    )
    if user.session_token:
        query = query.where(SignInSession.token_hash != token_hash(user.session_token))
    result = db.session.execute(query.values(ended_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()
    return result.rowcount == 1
