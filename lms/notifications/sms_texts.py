"""What a text message says: one short sentence per kind, in her language, signed, with a link.

Each must fit one SMS segment (70 characters when any is outside GSM-7, else 160), so a learner
pays for and receives one message; none names a figure about her (income, grades).

Aliyun and Tencent send no free text: each kind of message is a template registered with them
(``LMS_SMS_<PROVIDER>_TEMPLATE_<KIND>_<LANGUAGE>``), filled with the parameters named here, in
this order (Tencent numbers them {1}, {2} ...; Aliyun names them ${code} ...). The gateway and
the development backend send the text.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts.models import CodePurpose
from lms.notifications.models import NotificationKind, SmsKind

# Wordings per notification kind; %(url)s is the short link to the page it is about.
NOTIFICATION_SMS: dict[str, Callable[[], str]] = {
    NotificationKind.FEEDBACK_RECEIVED: _l("Your mentor sent feedback on your work: %(url)s"),
    NotificationKind.REVISION_REQUESTED: _l("Your mentor asks you to revise your work: %(url)s"),
    NotificationKind.SUBMISSION_TO_REVIEW: _l("New work is waiting for your review: %(url)s"),
    NotificationKind.INVITE_ACCEPTED: _l("A new learner joined your cohort: %(url)s"),
    NotificationKind.FOLLOW_UP_DUE: _l("Please tell us how your business is doing: %(url)s"),
    NotificationKind.FOLLOW_UP_OVERDUE: _l("We still wait to hear how your business is doing: %(url)s"),
    NotificationKind.ANNOUNCEMENT: _l("Your cohort has a new announcement: %(url)s"),
    NotificationKind.SMS_CAP_WARNING: _l("Text messages have used 80%% of this month's budget: %(url)s"),
}
OTHER_NOTIFICATION_SMS = _l("You have a new message: %(url)s")

# The parameters of each kind's registered template, in order; a kind not named here has only the link.
TEMPLATE_PARAMS: dict[str, tuple[str, ...]] = {
    SmsKind.SIGN_IN_CODE: ("code", "minutes"),
    NotificationKind.SMS_CAP_WARNING: ("program", "url"),
}
LINK_ONLY = ("url",)


def template_params(kind: str) -> tuple[str, ...]:
    return TEMPLATE_PARAMS.get(str(kind), LINK_ONLY)


@dataclass(frozen=True)
class SmsContent:
    """A message as each backend needs it: the whole text, and the parameters of its kind's template."""

    text: str
    params: dict[str, str] = field(default_factory=dict)
    language: str = ""


GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€")  # each takes two of the 160
GSM7_SEGMENT = 160
UCS2_SEGMENT = 70


def sms_length(text: str) -> tuple[int, int]:
    """The text's length as a phone counts it, and the most one segment holds in that encoding."""
    if all(character in GSM7_BASIC or character in GSM7_EXTENSION for character in text):
        return sum(2 if character in GSM7_EXTENSION else 1 for character in text), GSM7_SEGMENT
    return len(text), UCS2_SEGMENT


def fits_one_sms(text: str) -> bool:
    length, most = sms_length(text)
    return length <= most


def signed(text: str) -> str:
    """The text with the site's name as its sign, as Chinese senders put it first."""
    return _("[%(site)s] %(text)s", site=_("Village Business School"), text=text)


CODE_SMS: dict[str, Callable[[], str]] = {
    CodePurpose.NEW_PASSWORD: _l(
        "Your code to choose a new password is %(code)s. It works for %(minutes)d minutes. Never share it."
    ),
    CodePurpose.SIGN_IN: _l("Your sign-in code is %(code)s. It works for %(minutes)d minutes. Never share it."),
    CodePurpose.TURN_ON: _l(
        "Your code to turn on sign-in codes is %(code)s. It works for %(minutes)d minutes. Never share it."
    ),
}


def code_text(code: str, minutes: int, purpose: str = CodePurpose.NEW_PASSWORD) -> str:
    """The message that carries a code: to choose a new password, to sign in, or to turn sign-in codes on."""
    return signed(str(CODE_SMS[str(purpose)]) % {"code": code, "minutes": minutes})


def notification_sms_text(kind: str, url: str) -> str:
    """The message that tells her about a notification, linking to its page."""
    wording = NOTIFICATION_SMS.get(str(kind), OTHER_NOTIFICATION_SMS)
    return signed(str(wording) % {"url": url})


def code_message(code: str, minutes: int, purpose: str = CodePurpose.NEW_PASSWORD) -> SmsContent:
    """The code message in the current language: its text, and its template's code and minutes (one template for
    every purpose: the cloud providers' registered wording names none)."""
    text = code_text(code, minutes, purpose)
    return SmsContent(text, {"code": code, "minutes": str(minutes)}, str(get_locale()))


def notification_message(kind: str, url: str, params: dict) -> SmsContent:
    """A notification's message in the current language: its text, and its template's parameters (the link ...)."""
    values = {**params, "url": url}
    template = {name: str(values.get(name, "")) for name in template_params(kind)}
    return SmsContent(notification_sms_text(kind, url), template, str(get_locale()))
