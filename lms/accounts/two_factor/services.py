"""Sign-in codes for staff: setting them up, asking for one after the password, recovery codes, removing them.

Codes are TOTP (RFC 6238: 6 digits, 30 seconds, SHA-1, as every authenticator app reads them), accepted one
step either side of now, and never twice: the key keeps the last step accepted. Recovery codes are hashed
with the password hasher and each works once.
"""

import hmac
import secrets
from urllib.parse import urlsplit

import pyotp
import segno
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from lms.accounts.models import RecoveryCode, SignInCodeKey, SignInSession, User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.services import (
    SETUP_CODE_ALPHABET,
    clean_identifier,
    hash_password,
    password_hasher,
    sign_in,
)
from lms.accounts.sessions.services import end_all_sessions, start_session
from lms.accounts.texted_codes import TextedCodeRefusedError
from lms.accounts.two_factor import texted
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.qr import qr_svg
from lms.core.security import is_staff

REQUIRED = "required"
STEP_SECONDS = 30
DRIFT_STEPS = 1
CODE_DIGITS = 6
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_LENGTH = 10  # of 31 characters: about 49 bits each
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery_code"


class SignInCodeRefusedError(UserFacingError):
    """A code that opens nothing; ``reason`` (wrong, replayed) goes into the security log, never the code."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def codes_required() -> bool:
    """Does this installation require sign-in codes of every staff member (LMS_STAFF_TWO_FACTOR=required)?"""
    return current_app.config["LMS_STAFF_TWO_FACTOR"] == REQUIRED


def confirmed_key(user: User) -> SignInCodeKey | None:
    return db.session.scalar(
        select(SignInCodeKey).where(SignInCodeKey.user_id == user.id, SignInCodeKey.confirmed_at.is_not(None))
    )


def has_sign_in_codes(user: User) -> bool:
    """Has this person set up sign-in codes (and confirmed them with one code)?"""
    return confirmed_key(user) is not None


def people_with_sign_in_codes(people) -> set[int]:
    """The ids of these people who have sign-in codes: one query for a page of accounts."""
    ids = [person.id for person in people]
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(SignInCodeKey.user_id).where(SignInCodeKey.user_id.in_(ids), SignInCodeKey.confirmed_at.is_not(None))
        )
    )


def recovery_codes_left(user: User) -> int:
    """How many of her recovery codes are still unused."""
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def must_set_up_codes(user) -> bool:
    """A staff member who must set up sign-in codes before anything else (required here, none yet)."""
    return codes_required() and is_staff(user) and not has_sign_in_codes(user)


def clean_code(raw: str | None) -> str:
    """A typed code as compared: full-width digits made plain, spaces and dashes out, upper case."""
    return "".join(character for character in clean_identifier(raw or "") if character.isalnum()).upper()


# ---- Setting codes up ----


def key_to_set_up(user: User) -> SignInCodeKey:
    """The key she is setting up: the one shown before if she has not confirmed it yet, else a new one."""
    key = db.session.scalar(select(SignInCodeKey).where(SignInCodeKey.user_id == user.id))
    if key is not None and key.confirmed_at is None:
        return key
    if key is not None:
        raise UserFacingError(_("Sign-in codes are already set up for this account."))
    key = SignInCodeKey(user_id=user.id, key_secret=pyotp.random_base32(32))
    db.session.add(key)
    db.session.flush()
    return key


def issuer() -> str:
    """The name an authenticator app shows above her codes: this site's host."""
    return urlsplit(current_app.config["LMS_BASE_URL"]).hostname or "lms"


def key_uri(user: User, key: SignInCodeKey) -> str:
    """The otpauth:// address the QR code carries."""
    return pyotp.TOTP(key.key_secret).provisioning_uri(name=user.login_name, issuer_name=issuer())


def key_qr_svg(user: User, key: SignInCodeKey) -> str:
    """The key as a QR code, drawn here as SVG (the key never goes to another service)."""
    return qr_svg(segno.make(key_uri(user, key), error="m", micro=False))


def key_for_typing(key: SignInCodeKey) -> str:
    """The key in groups of four, for typing into an app that cannot scan."""
    return " ".join(key.key_secret[start : start + 4] for start in range(0, len(key.key_secret), 4))


def matching_step(key: SignInCodeKey, code: str) -> int | None:
    """The time step (now, or one either side) whose code this is, or None."""
    if len(code) != CODE_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(key.key_secret)
    now = int(utcnow().timestamp()) // STEP_SECONDS
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def wrong_code() -> SignInCodeRefusedError:
    return SignInCodeRefusedError(
        _("That code is not right. Type the 6 digits your authenticator app shows now, or a recovery code."), "wrong"
    )


def confirm_sign_in_codes(user: User, typed: str) -> list[str]:
    """She typed the code her app shows for the new key: codes are on; returns her ten recovery codes."""
    key = key_to_set_up(user)
    step = matching_step(key, clean_code(typed))
    if step is None:
        record_security_event(SecurityEventKind.SIGN_IN_CODE_FAILED, user=user, detail="setup")
        raise SignInCodeRefusedError(
            _("That code is not right. Check that the app shows this account, and type the code it shows now."),
            "wrong",
        )
    key.confirmed_at = utcnow()
    key.last_step = step
    db.session.flush()
    record_security_event(SecurityEventKind.SIGN_IN_CODES_SET_UP, user=user)
    return replace_recovery_codes(user)


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes, shown once; the earlier ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(code)) for code in codes)
    db.session.flush()
    record_security_event(SecurityEventKind.RECOVERY_CODES_MADE, user=user, detail=str(RECOVERY_CODE_COUNT))
    half = RECOVERY_CODE_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


# ---- Checking a code ----


def accept_authenticator_code(key: SignInCodeKey, code: str) -> None:
    step = matching_step(key, code)
    if step is None:
        raise wrong_code()
    # Conditional: a code is accepted once, even sent twice at once; an older step after a newer one never.
    result = db.session.execute(
        update(SignInCodeKey)
        .where(SignInCodeKey.id == key.id, or_(SignInCodeKey.last_step.is_(None), SignInCodeKey.last_step < step))
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise SignInCodeRefusedError(
            _("That code was used already. Wait for your authenticator app to show the next one."), "replayed"
        )


def accept_recovery_code(user: User, code: str) -> None:
    if len(code) != RECOVERY_CODE_LENGTH:
        raise wrong_code()
    hasher = password_hasher()
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    for candidate in unused:
        try:
            hasher.verify(candidate.code_hash, code)
        except (VerificationError, InvalidHashError):
            continue
        result = db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == candidate.id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            return
    raise wrong_code()


def check_sign_in_code(user: User, typed: str, *, purpose: str) -> str:
    """Accept a current authenticator code or an unused recovery code of ``user``; returns which it was.

    A refusal is logged (with ``purpose`` and why, never the code) and raises SignInCodeRefusedError.
    """
    code = clean_code(typed)
    key = confirmed_key(user)
    try:
        if key is None:
            raise wrong_code()
        if code.isdigit() and len(code) == CODE_DIGITS:
            accept_authenticator_code(key, code)
            return AUTHENTICATOR
        accept_recovery_code(user, code)
        return RECOVERY
    except SignInCodeRefusedError as refused:
        record_security_event(SecurityEventKind.SIGN_IN_CODE_FAILED, user=user, detail=f"{purpose} {refused.reason}")
        raise


# ---- Signing in ----


def start_sign_in(user: User, *, remember: bool, phone_proven: bool = False) -> tuple[str, bool]:
    """After a right password: a full session, or one that waits for her sign-in code.

    Staff with an authenticator type its code; learners asked for texted codes (``texted.texts_asked``) get one
    by text, unless a code texted to her phone has just been typed (``phone_proven``: a second one would prove
    the same thing). Returns the token for the cookies and whether a code is still to come.
    """
    if is_staff(user) and has_sign_in_codes(user):
        token = start_session(user, remember=remember, awaiting_code=True)
        record_security_event(SecurityEventKind.SIGN_IN_CODE_ASKED, user=user, actor=user)
        return token, True
    asked = texted.texts_asked(user)
    if asked and not phone_proven:
        return texted.ask_texted_code(user, remember=remember), True
    return sign_in(user, remember=remember, second_factor=texted.TEXT if asked else ""), False


def finish_sign_in(waiting: SignInSession, typed: str) -> User:
    """Her code is right: the waiting session ends and a new one starts, remembered if she asked."""
    user = db.session.get(User, waiting.user_id)
    if is_staff(user):
        factor = check_sign_in_code(user, typed, purpose="sign_in")
    else:
        try:
            texted.check_texted_sign_in(user, waiting, typed)
        except TextedCodeRefusedError as failure:
            raise SignInCodeRefusedError(failure.message, failure.reason) from None
        factor = texted.TEXT
    waiting.ended_at = utcnow()
    sign_in(user, remember=waiting.remember, second_factor=factor)
    return user


# ---- Removing codes ----


def delete_sign_in_codes(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(SignInCodeKey).where(SignInCodeKey.user_id == user.id))
    db.session.flush()


def turn_off_sign_in_codes(user: User, typed: str) -> User:
    """She turns her own codes off, with a current code (or a recovery code)."""
    check_sign_in_code(user, typed, purpose="turn_off")
    delete_sign_in_codes(user)
    record_security_event(SecurityEventKind.SIGN_IN_CODES_REMOVED, user=user, actor=user, detail="self")
    return user


def make_new_recovery_codes(user: User, typed: str) -> list[str]:
    """New recovery codes, with a current code (or one of the old recovery codes)."""
    check_sign_in_code(user, typed, purpose="recovery_codes")
    return replace_recovery_codes(user)


def remove_sign_in_codes(person: User, actor: User) -> int:
    """Staff remove the codes of someone who lost her phone: every session of hers ends; returns how many."""
    delete_sign_in_codes(person)
    ended = end_all_sessions(person)
    record_security_event(SecurityEventKind.SIGN_IN_CODES_REMOVED, user=person, actor=actor, detail="staff")
    return ended
