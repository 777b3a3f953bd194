"""Accounts: passwords, signing in, registering and creating staff accounts."""

import phonenumbers
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from lms.auth.models import Role, User, new_login_token
from lms.extensions import db
from lms.timeutil import utcnow


def password_hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["LMS_PASSWORD_TIME_COST"], memory_cost=config["LMS_PASSWORD_MEMORY_KIB"])


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
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str) -> str:
    return raw.strip().lower()


def normalize_login(identifier: str) -> tuple[str, str | None]:
    """Say whether a login name is an email or a phone, in stored form."""
    identifier = identifier.strip()
    if "@" in identifier:
        return "email", normalize_email(identifier)
    return "phone", normalize_phone(identifier)


def find_user_by_login(identifier: str) -> User | None:
    """The account with this email address or phone number."""
    kind, value = normalize_login(identifier)
    if value is None:
        return None
    column = User.email if kind == "email" else User.phone
    return db.session.scalar(select(User).where(column == value))


def authenticate(identifier: str, password: str) -> User | None:
    """The active account these credentials open, or None."""
    user = find_user_by_login(identifier)
    if not verify_password(user, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def create_user(
    *,
    name: str,
    role: str,
    password: str,
    email: str | None = None,
    phone: str | None = None,
    locale: str | None = None,
) -> User:
    """Add an account; email and phone are stored normalised."""
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
    """Set a new password and sign the account out everywhere else."""
    user.password_hash = hash_password(new_password)
    user.login_token = new_login_token()
    db.session.flush()
    return user


def set_locale(user: User, locale: str) -> User:
    """Remember the person's language."""
    user.locale = locale
    db.session.flush()
    return user


def creatable_roles(creator: User) -> list[str]:
    """Roles of the accounts this person may create: leads make staff, admins anyone."""
    if creator.role == Role.ADMIN:
        return [Role.MENTOR, Role.LEAD, Role.ADMIN]
    if creator.role == Role.LEAD:
        return [Role.MENTOR, Role.LEAD]
    return []


def list_users(role: str | None = None):
    """A select of accounts, newest first, optionally of one role."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    if role:
        query = query.where(User.role == role)
    return query
