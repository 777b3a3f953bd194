"""One home for writing security events, and the queries that read and purge them."""

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from lms.accounts.models import SecurityEvent, User
from lms.core.calendar import utcnow
from lms.core.extensions import db

security_log = logging.getLogger("lms.security")

USER_AGENT_LENGTH = 200


class SecurityEventKind(StrEnum):
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_LOCKED = "sign_in_locked"
    SIGN_IN_REFUSED = "sign_in_refused"
    SIGN_OUT = "sign_out"
    SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a kind of event, not a password
    PASSWORD_SET = "password_set"  # noqa: S105 - a kind of event, not a password
    SETUP_CODE_FAILED = "setup_code_failed"
    SETUP_CODE_ISSUED = "setup_code_issued"
    RESET_CODE_SENT = "reset_code_sent"
    RESET_CODE_FAILED = "reset_code_failed"
    RESET_CODE_LIMITED = "reset_code_limited"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of event, not a password
    ACCOUNT_CREATED = "account_created"
    ROLE_CHANGED = "role_changed"
    ACCOUNT_DEACTIVATED = "account_deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated"
    ACCESS_REFUSED = "access_refused"
    JOIN_LIMITED = "join_limited"
    CONSENT_CHANGED = "consent_changed"
    EXPORT_DOWNLOADED = "export_downloaded"
    DATA_EXPORTED = "data_exported"
    DATA_REQUEST = "data_request"
    SESSION_ENDED = "session_ended"
    SIGNED_OUT_BY_STAFF = "signed_out_by_staff"
    EVERYONE_SIGNED_OUT = "everyone_signed_out"
    SIGN_IN_CODE_ASKED = "sign_in_code_asked"
    SIGN_IN_CODE_FAILED = "sign_in_code_failed"
    SIGN_IN_CODES_SET_UP = "sign_in_codes_set_up"
    RECOVERY_CODES_MADE = "recovery_codes_made"
    SIGN_IN_CODES_REMOVED = "sign_in_codes_removed"
    SIGN_IN_TEXT_SENT = "sign_in_text_sent"
    SIGN_IN_TEXT_LIMITED = "sign_in_text_limited"
    SIGN_IN_CODE_LOCKED = "sign_in_code_locked"
    SIGN_IN_TEXTS_ON = "sign_in_texts_on"
    SIGN_IN_TEXTS_OFF = "sign_in_texts_off"
    SIGN_IN_NO_NUMBER = "sign_in_no_number"
    PROGRAM_SIGN_IN_TEXTS = "program_sign_in_texts"


KIND_LABELS = {
    SecurityEventKind.SIGN_IN: _l("Signed in"),
    SecurityEventKind.SIGN_IN_FAILED: _l("Sign-in failed"),
    SecurityEventKind.SIGN_IN_LOCKED: _l("Sign-in locked after repeated failures"),
    SecurityEventKind.SIGN_IN_REFUSED: _l("Sign-in refused: account switched off"),
    SecurityEventKind.SIGN_OUT: _l("Signed out"),
    SecurityEventKind.SIGNED_OUT_ELSEWHERE: _l("Signed out everywhere else"),
    SecurityEventKind.PASSWORD_CHANGED: _l("Password changed"),
    SecurityEventKind.PASSWORD_SET: _l("Password chosen with a setup code"),
    SecurityEventKind.SETUP_CODE_FAILED: _l("Setup code refused"),
    SecurityEventKind.SETUP_CODE_ISSUED: _l("Setup code issued"),
    SecurityEventKind.RESET_CODE_SENT: _l("Code to choose a new password texted"),
    SecurityEventKind.RESET_CODE_FAILED: _l("Code to choose a new password refused"),
    SecurityEventKind.RESET_CODE_LIMITED: _l("Codes to choose a new password slowed down after repeated tries"),
    SecurityEventKind.PASSWORD_RESET: _l("New password chosen with a texted code"),
    SecurityEventKind.ACCOUNT_CREATED: _l("Account created"),
    SecurityEventKind.ROLE_CHANGED: _l("Role changed"),
    SecurityEventKind.ACCOUNT_DEACTIVATED: _l("Account switched off"),
    SecurityEventKind.ACCOUNT_REACTIVATED: _l("Account switched on again"),
    SecurityEventKind.ACCESS_REFUSED: _l("Page refused"),
    SecurityEventKind.JOIN_LIMITED: _l("Joining slowed down after repeated tries"),
    SecurityEventKind.CONSENT_CHANGED: _l("Consent changed"),
    SecurityEventKind.EXPORT_DOWNLOADED: _l("Export downloaded"),
    SecurityEventKind.DATA_EXPORTED: _l("Personal data downloaded"),
    SecurityEventKind.DATA_REQUEST: _l("Data request"),
    SecurityEventKind.SESSION_ENDED: _l("Signed out on one other phone or computer"),
    SecurityEventKind.SIGNED_OUT_BY_STAFF: _l("Signed out everywhere by staff"),
    SecurityEventKind.EVERYONE_SIGNED_OUT: _l("Everyone signed out by an admin"),
    SecurityEventKind.SIGN_IN_CODE_ASKED: _l("Password right, sign-in code asked"),
    SecurityEventKind.SIGN_IN_CODE_FAILED: _l("Sign-in code refused"),
    SecurityEventKind.SIGN_IN_CODES_SET_UP: _l("Sign-in codes set up"),
    SecurityEventKind.RECOVERY_CODES_MADE: _l("New recovery codes made"),
    SecurityEventKind.SIGN_IN_CODES_REMOVED: _l("Sign-in codes removed"),
    SecurityEventKind.SIGN_IN_TEXT_SENT: _l("Code to sign in texted"),
    SecurityEventKind.SIGN_IN_TEXT_LIMITED: _l("Texted sign-in codes slowed down after repeated requests"),
    SecurityEventKind.SIGN_IN_CODE_LOCKED: _l("Texted code ended after too many wrong tries"),
    SecurityEventKind.SIGN_IN_TEXTS_ON: _l("Sign-in codes by text message turned on"),
    SecurityEventKind.SIGN_IN_TEXTS_OFF: _l("Sign-in codes by text message turned off"),
    SecurityEventKind.SIGN_IN_NO_NUMBER: _l("Sign-in refused: a texted code is required and there is no number"),
    SecurityEventKind.PROGRAM_SIGN_IN_TEXTS: _l("A program's rule on texted sign-in codes changed"),
}


def record_security_event(
    kind: SecurityEventKind, *, user: User | None = None, actor: User | None = None, detail: str = ""
) -> SecurityEvent:
    """Add one event about ``user`` (done by ``actor``, else whoever is signed in), with the request's address.

    ``detail`` is a short fixed word or number (a role, a decision, a row count): never a password,
    code, token or anything else a person typed.
    """
    event = SecurityEvent(kind=SecurityEventKind(kind), user_id=user.id if user is not None else None, detail=detail)
    if has_request_context():
        event.address = (request.remote_addr or "")[:45]
        event.user_agent = request.user_agent.string[:USER_AGENT_LENGTH]
        if actor is None and current_user.is_authenticated:
            actor = current_user
    event.actor_id = actor.id if actor is not None else None
    db.session.add(event)
    # Also a log line, for a log kept on another machine (LMS_LOG_SYSLOG): what this database says cannot be
    # quietly changed there. Ids, never names, and the same short detail.
    security_log.info(
        "security event %s",
        event.kind.value,
        extra={
            "event": event.kind.value,
            "user_id": event.user_id,
            "actor_id": event.actor_id,
            "detail": detail,
            "client": event.address,
        },
    )
    return event


def list_security_events(kind: str | None = None, person_id: int | None = None):
    """A select of events, newest first, with their person and actor loaded; optionally of one kind or person."""
    query = (
        select(SecurityEvent)
        .options(joinedload(SecurityEvent.user), joinedload(SecurityEvent.actor))
        .order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc())
    )
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if person_id is not None:
        query = query.where((SecurityEvent.user_id == person_id) | (SecurityEvent.actor_id == person_id))
    return query


def purge_security_events(older_than_days: int, now: datetime | None = None) -> int:
    """Delete events older than the retention period; returns how many went."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    result = db.session.execute(delete(SecurityEvent).where(SecurityEvent.at < cutoff))
    db.session.flush()
    return result.rowcount
