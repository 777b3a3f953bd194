"""Codes texted to her phone: 6 digits, 10 minutes, 5 wrong tries, one at a time per purpose, kept hashed.

Choosing a new password, signing in and turning sign-in codes on all follow these rules. This area makes
and checks the codes but cannot text them (the notifications area, above it, can): ``code_issued`` carries
each new code there.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from blinker import Namespace
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from lms.accounts.models import CodePurpose, TextedCode, User
from lms.accounts.services import clean_identifier
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db

CODE_DIGITS = 6
CODE_MINUTES = 10
MOST_WRONG_TRIES = 5

# Why a code was refused (the security log keeps the word, never the code).
WRONG, EXPIRED, LOCKED = "wrong", "expired", "locked"

signals = Namespace()
# Sent with the person, once a new code's row is flushed: ``code`` (to text, never to keep) and ``purpose``.
code_issued = signals.signal("texted-code-issued")


class TextedCodeRefusedError(UserFacingError):
    """A texted code that opens nothing; ``reason`` says why (wrong, expired, locked)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def clean_texted_code(raw: str) -> str:
    """The digits she meant (full-width digits read as digits, spaces and dashes dropped)."""
    return "".join(character for character in clean_identifier(raw or "") if character not in " -")


def hash_texted_code(user_id: int, code: str) -> str:
    # Keyed, and bound to the person: six digits alone are quickly tried from a copy of the database.
    key = current_app.config["SECRET_KEY"].encode()
    message = f"{user_id}:{clean_texted_code(code)}".encode()
    return "hmac-sha256$" + hmac.new(key, message, hashlib.sha256).hexdigest()


def issue_texted_code(user: User, purpose: CodePurpose, *, sign_in_session_id: int | None = None) -> str:
    """A new code of this purpose for ``user``, texted to her; the one she had before stops working."""
    db.session.execute(delete(TextedCode).where(TextedCode.user_id == user.id, TextedCode.purpose == purpose))
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    db.session.add(
        TextedCode(
            user_id=user.id,
            purpose=purpose,
            code_hash=hash_texted_code(user.id, code),
            expires_at=utcnow() + timedelta(minutes=CODE_MINUTES),
            sign_in_session_id=sign_in_session_id,
        )
    )
    db.session.flush()
    code_issued.send(user, code=code, purpose=purpose)
    return code


def wrong_code() -> TextedCodeRefusedError:
    return TextedCodeRefusedError(_("That code is not right. Check the 6 digits we texted you and try again."), WRONG)


def accept_texted_code(
    user: User | None, purpose: CodePurpose, typed: str, *, sign_in_session_id: int | None = None
) -> TextedCode:
    """Her live code of this purpose, when ``typed`` is it; else the wrong try is counted and it raises.

    A sign-in code is looked for only on the sign-in (``sign_in_session_id``) it was texted for. The caller
    claims the code it was given (``claim_texted_code``) once everything else is right.
    """
    query = select(TextedCode).where(TextedCode.user_id == (user.id if user else None), TextedCode.purpose == purpose)
    if sign_in_session_id is not None:
        query = query.where(TextedCode.sign_in_session_id == sign_in_session_id)
    row = db.session.scalar(query) if user is not None else None
    if row is None:
        raise wrong_code()
    if row.expires_at <= utcnow() or row.wrong_tries >= MOST_WRONG_TRIES:
        db.session.delete(row)
        db.session.flush()
        raise TextedCodeRefusedError(_("This code no longer works. Ask for a new code."), EXPIRED)
    if not hmac.compare_digest(row.code_hash, hash_texted_code(user.id, typed)):
        row.wrong_tries += 1
        if row.wrong_tries >= MOST_WRONG_TRIES:
            db.session.delete(row)
            db.session.flush()
            raise TextedCodeRefusedError(
                _("That code was wrong too many times and no longer works. Ask for a new code."), LOCKED
            )
        db.session.flush()
        raise wrong_code()
    return row


def claim_texted_code(row: TextedCode) -> bool:
    """Use the code up. Deleting the row is the claim: the same code sent twice at once works once."""
    return db.session.execute(delete(TextedCode).where(TextedCode.id == row.id)).rowcount == 1


def has_texted_code(user: User, purpose: CodePurpose) -> bool:
    """Is a code of this purpose out for her, not expired yet?"""
    return (
        db.session.scalar(
            select(TextedCode.id).where(
                TextedCode.user_id == user.id, TextedCode.purpose == purpose, TextedCode.expires_at > utcnow()
            )
        )
        is not None
    )
