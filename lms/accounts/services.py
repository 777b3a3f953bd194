"""Accounts: passwords, signing in, registering and creating staff accounts."""

import hashlib
import hmac
import secrets
import unicodedata
from datetime import timedelta

import phonenumbers
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from lms.accounts.models import PasswordSetupCode, User, VideoChoice
from lms.accounts.passwords.services import check_new_password
from lms.accounts.policies import listed_people
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.sessions import services as sessions
from lms.accounts.sessions.services import (
    current_session_remembers,
    end_all_sessions,
    end_every_session_but,
    start_session,
)
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.roles import Role


def password_hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["LMS_PASSWORD_TIME_COST"], memory_cost=config["LMS_PASSWORD_MEMORY_KIB"], parallelism=1
    )


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return password_hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password; with no user, spend the same time and say no."""
    hasher = password_hasher()
    if user is None:
        # Hash anyway, so an unknown account takes as long as a wrong password.
        hasher.hash(password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def normalize_phone(raw: str, region: str | None = None) -> str | None:
    """A mobile number in E.164 form (+8613812345678), or None when it is not one."""
    region = region or current_app.config["LMS_PHONE_REGION"]
    try:
        number = phonenumbers.parse(clean_identifier(raw), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Control, format (zero-width, joiners, marks), surrogate, private-use and unassigned characters, and
# line or paragraph separators: none can be seen, so none may make a second name for one account.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_identifier(raw: str) -> str:
    """What a person meant to type: NFKC (full-width digits become digits), invisible characters removed."""
    text = unicodedata.normalize("NFKC", raw)
    return "".join(
        character for character in text if unicodedata.category(character) not in INVISIBLE_CATEGORIES
    ).strip()


def normalize_email(raw: str) -> str:
    return clean_identifier(raw).casefold()


def normalize_login(identifier: str) -> tuple[str, str | None]:
    """Say whether a login name is an email or a phone, in stored form."""
    identifier = clean_identifier(identifier)
    if "@" in identifier:
        return "email", normalize_email(identifier)
    return "phone", normalize_phone(identifier)


def login_key(identifier: str) -> str:
    """The one name of the account an identifier points at, whichever way it was typed (rate limits key on it)."""
    _kind, value = normalize_login(identifier)
    return value or clean_identifier(identifier).casefold()


def find_user_by_login(identifier: str) -> User | None:
    """The account with this email address or phone number."""
    kind, value = normalize_login(identifier)
    if value is None:
        return None
    column = User.email if kind == "email" else User.phone
    return db.session.scalar(select(User).where(column == value))


class AccountSwitchedOffError(UserFacingError):
    """The password is right, but the account was switched off."""


def authenticate(identifier: str, password: str) -> User | None:
    """The active account these credentials open, or None; each failure goes into the security log.

    Raises AccountSwitchedOffError for the right password of a switched-off account: only someone
    who knows the password learns that it is switched off.
    """
    user = find_user_by_login(identifier)
    if not verify_password(user, password):
        record_security_event(SecurityEventKind.SIGN_IN_FAILED, user=user)
        return None
    if not user.active:
        record_security_event(SecurityEventKind.SIGN_IN_REFUSED, user=user)
        raise AccountSwitchedOffError(
            _("This account is switched off. Please ask your program lead if you think this is a mistake.")
        )
    return user


def sign_in(user: User, *, remember: bool, second_factor: str = "") -> str:
    """Start a new session for ``user`` and note it (with the second factor used, if any); returns its token."""
    user.last_login_at = utcnow()
    token = start_session(user, remember=remember)
    record_security_event(SecurityEventKind.SIGN_IN, user=user, actor=user, detail=second_factor)
    return token


def create_user(
    *,
    name: str,
    role: str,
    password: str,
    email: str | None = None,
    phone: str | None = None,
    locale: str | None = None,
) -> User:
    """Add an account; email and phone are stored normalised; a guessable password is refused."""
    check_new_password(password, name=name, phone=phone, email=email)
    user = User(
        name=name.strip(),
        role=Role(role),
        email=normalize_email(email) if email else None,
        phone=normalize_phone(phone) if phone else None,
        password_hash=hash_password(password),
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    record_security_event(SecurityEventKind.ACCOUNT_CREATED, user=user, detail=user.role)
    return user


def login_taken(email: str | None, phone: str | None) -> dict[str, bool]:
    """Which of this email and phone already belong to an account."""
    taken = {"email": False, "phone": False}
    if email:
        taken["email"] = db.session.scalar(select(User.id).where(User.email == normalize_email(email))) is not None
    if phone:
        normalized = normalize_phone(phone)
        taken["phone"] = normalized is not None and (
            db.session.scalar(select(User.id).where(User.phone == normalized)) is not None
        )
    return taken


def change_password(user: User, new_password: str) -> User:
    """Set a new password and end every session; the session it was changed in goes on under a new token."""
    check_new_password(new_password, name=user.name, phone=user.phone, email=user.email)
    signed_in_here = user.session_token is not None
    remember = current_session_remembers(user)
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    if signed_in_here:
        start_session(user, remember=remember)
    record_security_event(SecurityEventKind.PASSWORD_CHANGED, user=user)
    return user


def sign_out_elsewhere(user: User) -> User:
    """End every session of ``user`` but the one she is using, which goes on under a new token."""
    remember = current_session_remembers(user)
    end_all_sessions(user)
    start_session(user, remember=remember)
    record_security_event(SecurityEventKind.SIGNED_OUT_ELSEWHERE, user=user)
    return user


def end_other_session(user: User, session_id: int) -> bool:
    """She ends one of her other sessions from her list; True when one ended."""
    ended = sessions.end_other_session(user, session_id)
    if ended:
        record_security_event(SecurityEventKind.SESSION_ENDED, user=user)
    return ended


def sign_out_everywhere(person: User, actor: User) -> int:
    """Staff end every session of an account without switching it off (a phone lost, a password given away)."""
    ended = end_all_sessions(person)
    record_security_event(SecurityEventKind.SIGNED_OUT_BY_STAFF, user=person, actor=actor, detail=str(ended))
    return ended


def sign_out_everyone(admin: User) -> int:
    """An admin ends every session of every account but her own (a leaked key, a stolen laptop with many
    sessions, after an incident); how many ended. Accounts stay on: each person signs in again."""
    ended = end_every_session_but(admin)
    record_security_event(SecurityEventKind.EVERYONE_SIGNED_OUT, user=admin, actor=admin, detail=str(ended))
    return ended


def switch_off_account(person: User, actor: User) -> User:
    """Switch an account off: every session ends and sign-in is refused; all it did is kept."""
    person.active = False
    end_all_sessions(person)
    record_security_event(SecurityEventKind.ACCOUNT_DEACTIVATED, user=person, actor=actor, detail=person.role)
    return person


def switch_on_account(person: User, actor: User) -> User:
    """Let a switched-off account sign in again."""
    person.active = True
    db.session.flush()
    record_security_event(SecurityEventKind.ACCOUNT_REACTIVATED, user=person, actor=actor, detail=person.role)
    return person


def set_locale(user: User, locale: str) -> User:
    """Remember the person's language."""
    user.locale = locale
    db.session.flush()
    return user


def set_video_choice(user: User, choice: str) -> User:
    """Remember which version of lesson videos the learner wants to play first."""
    user.video_choice = VideoChoice(choice)
    db.session.flush()
    return user


def creatable_roles(creator: User) -> list[str]:
    """Roles of the accounts this person may create: leads make staff, admins anyone."""
    if creator.role == Role.ADMIN:
        return [Role.MENTOR, Role.LEAD, Role.ADMIN]
    if creator.role == Role.LEAD:
        return [Role.MENTOR, Role.LEAD]
    return []


def list_users(viewer: User, role: str | None = None):
    """A select of the accounts ``viewer`` may list (``policies.listed_people``), newest first, optionally of one
    role."""
    query = select(User).where(listed_people(viewer)).order_by(User.created_at.desc(), User.id.desc())
    if role:
        query = query.where(User.role == role)
    return query


# ---- One-time codes to choose a password (learners added by a lead have a phone, not email) ----

SETUP_CODE_DAYS = 14
SETUP_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L: read aloud, typed on phones
SETUP_CODE_LENGTH = 8


class SetupCodeRefusedError(UserFacingError):
    """The code cannot set a password; the message says why."""


def unusable_password_hash() -> str:
    # Not an Argon2 hash, so no password ever matches it (verify_password answers no).
    return "!" + secrets.token_hex(16)


def create_invited_learner(*, name: str, phone: str, email: str | None, township: str, village: str) -> User:
    """Add a learner who cannot sign in until they choose a password with a setup code."""
    user = User(
        name=name.strip(),
        role=Role.LEARNER,
        phone=phone,
        email=normalize_email(email) if email else None,
        township=township.strip(),
        village=village.strip(),
        password_hash=unusable_password_hash(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def clean_setup_code(raw: str) -> str:
    return "".join(character for character in raw.upper() if character.isalnum())


def hash_setup_code(code: str) -> str:
    # Keyed with the secret key: the codes are short, so a copy of the database alone must not reveal them.
    key = current_app.config["SECRET_KEY"].encode()
    return "hmac-sha256$" + hmac.new(key, clean_setup_code(code).encode(), hashlib.sha256).hexdigest()


def issue_setup_code(user: User, created_by: User | None) -> str:
    """A new one-time code for ``user`` to choose a password; earlier unused codes stop working."""
    now = utcnow()
    db.session.execute(
        update(PasswordSetupCode)
        .where(PasswordSetupCode.user_id == user.id, PasswordSetupCode.used_at.is_(None))
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    code = "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(SETUP_CODE_LENGTH))
    db.session.add(
        PasswordSetupCode(
            user_id=user.id,
            code_hash=hash_setup_code(code),
            expires_at=now + timedelta(days=SETUP_CODE_DAYS),
            created_by_id=created_by.id if created_by is not None else None,
        )
    )
    db.session.flush()
    record_security_event(SecurityEventKind.SETUP_CODE_ISSUED, user=user, actor=created_by)
    return f"{code[:4]}-{code[4:]}"


def redeem_setup_code(phone: str, code: str, password: str) -> User:
    """Set the password of the account with this phone if the code is theirs, unused and not expired."""
    normalized = normalize_phone(phone) if phone else None
    user = db.session.scalar(select(User).where(User.phone == normalized)) if normalized else None
    wrong = SetupCodeRefusedError(_("This mobile number and code do not match. Check the code and try again."))
    if user is None or not user.active:
        raise wrong
    digest = hash_setup_code(code)
    match = next(
        (
            candidate
            for candidate in db.session.scalars(select(PasswordSetupCode).where(PasswordSetupCode.user_id == user.id))
            if hmac.compare_digest(candidate.code_hash, digest)
        ),
        None,
    )
    if match is None:
        raise wrong
    if match.used_at is not None:
        raise SetupCodeRefusedError(
            _("This code was already used. Sign in with your password, or ask your program lead for a new code.")
        )
    now = utcnow()
    if match.expires_at <= now:
        raise SetupCodeRefusedError(_("This code has expired. Please ask your program lead for a new one."))
    # Conditional, so the same code sent twice at once sets a password only once.
    result = db.session.execute(
        update(PasswordSetupCode)
        .where(PasswordSetupCode.id == match.id, PasswordSetupCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise SetupCodeRefusedError(
            _("This code was already used. Sign in with your password, or ask your program lead for a new code.")
        )
    check_new_password(password, name=user.name, phone=user.phone, email=user.email)
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    record_security_event(SecurityEventKind.PASSWORD_SET, user=user, actor=user)
    return user
