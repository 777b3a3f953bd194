"""Codes to choose a new password, sent to her phone: 6 digits, 10 minutes, 5 wrong tries, one at a time.

This module makes and checks codes; the notifications area texts them.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms.accounts.models import PasswordResetCode, User
from lms.accounts.passwords.services import check_new_password
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.services import clean_identifier, hash_password, normalize_phone
from lms.accounts.sessions.services import end_all_sessions
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db

CODE_DIGITS = 6
CODE_MINUTES = 10
MOST_WRONG_TRIES = 5


class ResetCodeRefusedError(UserFacingError):
    """The code cannot set a password; the message says why."""


def clean_reset_code(raw: str) -> str:
    """The digits she meant (full-width digits read as digits, spaces and dashes dropped)."""
    return "".join(character for character in clean_identifier(raw) if character not in " -")


def hash_reset_code(user_id: int, code: str) -> str:
    # Keyed, and bound to the person: six digits alone are quickly tried from a copy of the database.
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{user_id}:{clean_reset_code(code)}".encode()
    return "hmac-sha256$" + hmac.new(key, message, hashlib.sha256).hexdigest()


def account_for_reset(phone: str) -> User | None:
    """The active account whose mobile number this is, if any."""
    normalized = normalize_phone(phone) if phone else None
    if normalized is None:
        return None
    return db.session.scalar(select(User).where(User.phone == normalized, User.active.is_(True)))


def issue_reset_code(user: User) -> str:
    """A new code for ``user``; the one she had before stops working. Only its hash is kept."""
    db.session.execute(delete(PasswordResetCode).where(PasswordResetCode.user_id == user.id))
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    db.session.add(
        PasswordResetCode(
            user_id=user.id,
            code_hash=hash_reset_code(user.id, code),
            expires_at=utcnow() + timedelta(minutes=CODE_MINUTES),
        )
    )
    db.session.flush()
    record_security_event(SecurityEventKind.RESET_CODE_SENT, user=user)
    return code


def redeem_reset_code(phone: str, code: str, password: str) -> User:
    """Set a new password with the code texted to this number; every session of hers ends."""
    wrong = ResetCodeRefusedError(_("This mobile number and code do not match. Check the code and try again."))
    user = account_for_reset(phone)
    reset = db.session.scalar(select(PasswordResetCode).where(PasswordResetCode.user_id == user.id)) if user else None
    if reset is None:
        raise wrong
    if reset.expires_at <= utcnow() or reset.wrong_tries >= MOST_WRONG_TRIES:
        db.session.delete(reset)
        db.session.flush()
        raise ResetCodeRefusedError(_("This code no longer works. Ask for a new code."))
    if not hmac.compare_digest(reset.code_hash, hash_reset_code(user.id, code)):
        reset.wrong_tries += 1
        if reset.wrong_tries >= MOST_WRONG_TRIES:
            db.session.delete(reset)
            db.session.flush()
            raise ResetCodeRefusedError(
                _("That code was wrong too many times and no longer works. Ask for a new code.")
            )
        db.session.flush()
        raise wrong
    check_new_password(password, name=user.name, phone=user.phone, email=user.email)
    # Deleting the row is the claim: the same code sent twice at once sets the password once.
    if db.session.execute(delete(PasswordResetCode).where(PasswordResetCode.id == reset.id)).rowcount != 1:
        raise wrong
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    record_security_event(SecurityEventKind.PASSWORD_RESET, user=user, actor=user)
    return user
