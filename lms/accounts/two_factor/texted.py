"""Learners' second factor: a code texted to her phone after her password, by her choice or her program's.

She turns it on herself once a code texted to her number proves the number is hers; a lead may require it
for a program (the cohorts area answers ``required_by_program``), and then it cannot be turned off. A
learner whose program requires it but who has no number on file cannot sign in until one is added.
"""

from collections.abc import Callable

from flask_babel import gettext as _

from lms.accounts.models import CodePurpose, SignInSession, User
from lms.accounts.security_log.services import SecurityEventKind, record_security_event
from lms.accounts.sessions.services import awaiting_session, start_session
from lms.accounts.texted_codes import (
    EXPIRED,
    LOCKED,
    TextedCodeRefusedError,
    accept_texted_code,
    claim_texted_code,
    issue_texted_code,
    wrong_code,
)
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.roles import Role

TEXT = "text"

_required_by_program: list[Callable[[int], bool]] = []


class NoNumberForCodesError(UserFacingError):
    """A code must be texted to her, and her account has no mobile number."""


def register_program_requirement(answer: Callable[[int], bool]) -> None:
    """Name the function that says whether a learner's program requires texted sign-in codes (by her id)."""
    _required_by_program[:] = [answer]


def required_by_program(user: User) -> bool:
    """Does a program she is active in require a texted code at each sign-in?"""
    return bool(_required_by_program) and user.role == Role.LEARNER and _required_by_program[0](user.id)


def texts_asked(user: User) -> bool:
    """Is this learner asked for a texted code after her password (her choice, or her program's)?"""
    return user.role == Role.LEARNER and (user.sign_in_texts_since is not None or required_by_program(user))


def refuse_without_number(user: User) -> None:
    record_security_event(SecurityEventKind.SIGN_IN_NO_NUMBER, user=user, actor=user)
    raise NoNumberForCodesError(
        _(
            "Your program asks for a code by text message each time you sign in, and your account has no "
            "mobile number. Ask your mentor to have your number added."
        )
    )


def ask_texted_code(user: User, *, remember: bool) -> str:
    """After her right password: a session that waits for the code now texted to her; returns its token."""
    if not user.phone:
        refuse_without_number(user)
    token = start_session(user, remember=remember, awaiting_code=True)
    send_sign_in_code(user, awaiting_session(token))
    record_security_event(SecurityEventKind.SIGN_IN_CODE_ASKED, user=user, actor=user, detail=TEXT)
    return token


def send_sign_in_code(user: User, waiting: SignInSession, *, again: bool = False) -> None:
    """Text her a code for this sign-in; a code sent before for it stops working."""
    issue_texted_code(user, CodePurpose.SIGN_IN, sign_in_session_id=waiting.id)
    record_security_event(SecurityEventKind.SIGN_IN_TEXT_SENT, user=user, actor=user, detail="again" if again else "")


def refused(user: User, failure: TextedCodeRefusedError, purpose: str) -> TextedCodeRefusedError:
    """Log a refused code (why, for what; never the code) and hand the refusal back to raise."""
    record_security_event(SecurityEventKind.SIGN_IN_CODE_FAILED, user=user, detail=f"{purpose} {TEXT} {failure.reason}")
    if failure.reason == LOCKED:
        record_security_event(SecurityEventKind.SIGN_IN_CODE_LOCKED, user=user, detail=purpose)
    return failure


def check_texted_sign_in(user: User, waiting: SignInSession, typed: str) -> None:
    """Accept the code texted for this sign-in. A code ended by five wrong tries or by time ends the sign-in too:
    she starts again with her password."""
    try:
        row = accept_texted_code(user, CodePurpose.SIGN_IN, typed, sign_in_session_id=waiting.id)
        if not claim_texted_code(row):
            raise wrong_code()
    except TextedCodeRefusedError as failure:
        if failure.reason in (LOCKED, EXPIRED):
            waiting.ended_at = utcnow()
            db.session.flush()
        raise refused(user, failure, "sign_in") from None


def send_turn_on_code(user: User) -> None:
    """Text her a code that proves the number on her account is hers, to turn sign-in codes on."""
    if not user.phone:
        raise NoNumberForCodesError(_("Your account has no mobile number to text a code to."))
    issue_texted_code(user, CodePurpose.TURN_ON)
    record_security_event(SecurityEventKind.SIGN_IN_TEXT_SENT, user=user, actor=user, detail="turn_on")


def turn_on_sign_in_texts(user: User, typed: str) -> User:
    """The code texted to her number is right: from her next sign-in on, she types a texted code after her
    password."""
    try:
        row = accept_texted_code(user, CodePurpose.TURN_ON, typed)
        if not claim_texted_code(row):
            raise wrong_code()
    except TextedCodeRefusedError as failure:
        raise refused(user, failure, "turn_on") from None
    user.sign_in_texts_since = utcnow()
    db.session.flush()
    record_security_event(SecurityEventKind.SIGN_IN_TEXTS_ON, user=user, actor=user)
    return user


def turn_off_sign_in_texts(user: User) -> User:
    """She stops the texted codes (her password was checked); refused while her program requires them."""
    if required_by_program(user):
        raise UserFacingError(_("Your program requires a texted code at each sign-in: it cannot be turned off."))
    user.sign_in_texts_since = None
    db.session.flush()
    record_security_event(SecurityEventKind.SIGN_IN_TEXTS_OFF, user=user, actor=user)
    return user
