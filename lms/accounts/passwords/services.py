"""The one rule for a new password, used by every form and service that sets one."""

import functools
import importlib
import re
import unicodedata
from pathlib import Path

from flask_babel import gettext as _

from lms.core.errors import UserFacingError

CHINESE_FAVOURITES = Path(__file__).with_name("common_zh.txt")
# Parts of a name shorter than this are too common inside other words to refuse ("an" in "banana").
NAME_PART_MIN = 2
NOT_LETTERS = re.compile(r"[\W\d_]+")
NOT_DIGITS = re.compile(r"\D+")


class PasswordRefusedError(UserFacingError):
    """The new password is too easy to guess; the message says why."""


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords (zxcvbn's list) and the Chinese favourites shipped beside this file.

    zxcvbn's lists are imported when a password is first checked, not when the app starts: they hold about 12 MiB,
    which a process that only signs people in need not.
    """
    lists = importlib.import_module("zxcvbn.frequency_lists").FREQUENCY_LISTS
    shipped = (
        line.strip().casefold()
        for line in CHINESE_FAVOURITES.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )
    return frozenset(lists["passwords"]).union(shipped)


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def name_parts(name: str, email: str | None) -> set[str]:
    whole = NOT_LETTERS.sub("", folded(name))
    parts = {NOT_LETTERS.sub("", part) for part in folded(name).split()}
    if email:
        parts.add(NOT_LETTERS.sub("", folded(email.split("@")[0])))
    return {part for part in {whole, *parts} if len(part) >= NAME_PART_MIN}


def password_problem(
    password: str, *, name: str = "", phone: str | None = None, email: str | None = None
) -> str | None:
    """Why this new password is refused, or None when it may be used."""
    candidate = folded(password)
    if candidate in common_passwords() or candidate.strip() in common_passwords():
        return _("This password is one of the most common ones and is guessed first. Please choose another.")
    digits = NOT_DIGITS.sub("", candidate)
    # The national number without +86: the part anyone who has her number would try.
    phone_digits = NOT_DIGITS.sub("", phone or "")[-11:]
    if phone_digits and len(digits) >= 7 and (phone_digits in digits or digits in phone_digits):
        return _("Do not use your mobile number in your password. Please choose another.")
    letters = NOT_LETTERS.sub("", candidate)
    if letters and letters in name_parts(name, email):
        return _("Do not use your name in your password. Please choose another.")
    return None


def check_new_password(password: str, *, name: str = "", phone: str | None = None, email: str | None = None) -> None:
    """Raise PasswordRefusedError when ``password`` may not be used by this person."""
    problem = password_problem(password, name=name, phone=phone, email=email)
    if problem:
        raise PasswordRefusedError(problem)
