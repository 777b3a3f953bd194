"""Codes to choose a new password, texted to her phone (the rules of every texted code: ``texted_codes``)."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import CodePurpose, User
from lms.accounts.passwords.services import check_new_password
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.services import hash_password, normalize_phone
from lms.accounts.sessions.services import end_all_sessions
from lms.accounts.texted_codes import (
    WRONG,
    TextedCodeRefusedError,
    accept_texted_code,
    claim_texted_code,
    issue_texted_code,
)
from lms.core.errors import UserFacingError
from lms.core.extensions import db


class ResetCodeRefusedError(UserFacingError):
    """The code cannot set a password; the message says why."""


def account_for_reset(phone: str) -> User | None:
    """The active account whose mobile number this is, if any."""
    normalized = normalize_phone(phone) if phone else None
    if normalized is None:
        return None
    return db.session.scalar(select(User).where(User.phone == normalized, User.active.is_(True)))


def issue_reset_code(user: User) -> str:
    """A new code for ``user``, texted to her; the one she had before stops working. Only its hash is kept."""
    code = issue_texted_code(user, CodePurpose.NEW_PASSWORD)
    record_security_event(SecurityEventKind.RESET_CODE_SENT, user=user)
    return code


def redeem_reset_code(phone: str, code: str, password: str) -> User:
    """Set a new password with the code texted to this number; every session of hers ends."""
    wrong = ResetCodeRefusedError(_("This mobile number and code do not match. Check the code and try again."))
    user = account_for_reset(phone)
    try:
        reset = accept_texted_code(user, CodePurpose.NEW_PASSWORD, code)
    except TextedCodeRefusedError as refused:
        raise (wrong if refused.reason == WRONG else ResetCodeRefusedError(refused.message)) from refused
    check_new_password(password, name=user.name, phone=user.phone, email=user.email)
    if not claim_texted_code(reset):
        raise wrong
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    record_security_event(SecurityEventKind.PASSWORD_RESET, user=user, actor=user)
    return user
