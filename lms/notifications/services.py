"""In-app notifications (and their emails or text messages), worded when shown, in the reader's language.

Each area registers the wording of its own kinds (``register_wording``) and sends its own
notices; this module knows none of them.
"""

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update

from lms.accounts.models import User
from lms.accounts.passwords.reset import account_for_reset, issue_reset_code
from lms.accounts.texted_codes import CODE_MINUTES, code_issued
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.i18n import in_language_of
from lms.core.web import absolute_url, path_for
from lms.notifications.budget import programs_of
from lms.notifications.channels import channels_for
from lms.notifications.mail import queue_email
from lms.notifications.models import Channel, Notification, SmsKind
from lms.notifications.sms import queue_sms
from lms.notifications.sms_texts import SmsContent, code_message, notification_message
from lms.notifications.tasks import send_after_commit, text_after_commit

# kind → wording(params) → message; params fill the %(name)s placeholders when shown or emailed.
WORDINGS: dict[str, Callable[[dict], str]] = {}
UNKNOWN_KIND = _l("You have a new notification.")


def register_wording(kind: str, message=None, wording: Callable[[dict], str] | None = None) -> None:
    """Name the sentence a kind of notification reads: a fixed message, or one chosen from its params."""
    WORDINGS[str(kind)] = wording or (lambda _params: message)


class _Params(dict):
    """Params that answer an empty string for a placeholder they lack, so an old row never breaks a page."""

    def __missing__(self, key):
        return ""


def notification_text(notification: Notification) -> str:
    """The notification's sentence in the current language, made from its kind and params."""
    params = notification.params or {}
    wording = WORDINGS.get(notification.kind)
    message = wording(params) if wording else UNKNOWN_KIND
    try:
        return str(message) % _Params(params)
    except (TypeError, ValueError):
        return str(UNKNOWN_KIND)


def paying_programs(users: list[User], program_id: int | None) -> dict[int, int]:
    """Which program pays for each person's text message: the one it is about when the sender names it (a
    submission's, a cohort's), else her own (``budget.programs_of``); none for who has neither."""
    if program_id is not None:
        return {user.id: program_id for user in users}
    return programs_of([user.id for user in users])


def notify(user: User, kind: str, link: str, *, program_id: int | None = None, **params) -> Notification:
    """Tell ``user`` about something in the app, and by email or text message as she chose; ``program_id`` names
    the program it is about, whose budget pays for a text."""
    notification = Notification(user_id=user.id, kind=str(kind), link=link, params=params)
    db.session.add(notification)
    db.session.flush()
    channel = channels_for([user], kind)[user.id]
    paid_by = paying_programs([user], program_id).get(user.id) if channel == Channel.SMS else None
    send_notification(user, notification, channel, paid_by)
    return notification


def send_notification(user: User, notification: Notification, channel: Channel, program_id: int | None) -> None:
    """Beyond the app, by the channel ``channels.channels_for`` chose for her and this kind; a text message is
    paid from the budget of her program."""
    if channel == Channel.EMAIL:
        queue_notification_email(user, notification)
    elif channel == Channel.SMS:
        queue_notification_sms(user, notification, program_id)


def text_to(user: User, content: SmsContent, kind: str, program_id: int | None):
    """Queue one text message to her number (its outbox row, with its template's parameters), sent once the
    request commits."""
    message = queue_sms(
        user.phone,
        content.text,
        kind,
        user_id=user.id,
        program_id=program_id,
        params=content.params,
        language=content.language,
    )
    return text_after_commit(message)


def queue_notification_sms(user: User, notification: Notification, program_id: int | None = None):
    """Queue the text message of a notification in her language; quiet hours and the day's limit may hold it."""
    with in_language_of(user):
        # The short link (/n/<id>) keeps the message in one segment; it opens the notification's page.
        url = absolute_url(path_for("notifications.short_link", notification_id=notification.id))
        content = notification_message(notification.kind, url, notification.params or {})
    return text_to(user, content, notification.kind, program_id)


def queue_notification_email(user: User, notification: Notification):
    """Queue the email of a notification, worded in the recipient's language."""
    with in_language_of(user):
        text = notification_text(notification)
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.name),
                text,
                _("Open it here: %(url)s", url=absolute_url(notification.link)),
                _("Village Business School"),
            ]
        )
        return send_after_commit(queue_email(user.email, text, body))


# The name the areas' notices use for a notification's link.
link_to = path_for


def unread_count(user: User) -> int:
    """How many of this person's notifications are unread: one COUNT over the (user_id, read_at) index."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def user_notifications(user: User):
    """A select of this person's notifications, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def open_notification(notification: Notification) -> Notification:
    """Mark a notification read (the first opening counts)."""
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User) -> int:
    """Mark every unread notification of this person read; returns how many."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def notify_many(users: list[User], kind: str, link: str, *, program_id: int | None = None, **params) -> int:
    """Tell many people the same thing in one insert; an email or text message is queued for each who can get one
    (``program_id``: the program it is about, as for ``notify``)."""
    if not users:
        return 0
    ids = db.session.scalars(
        insert(Notification).returning(Notification.id, sort_by_parameter_order=True),
        [{"user_id": user.id, "kind": str(kind), "link": link, "params": params} for user in users],
    ).all()
    channels = channels_for(users, kind)
    programs = paying_programs([user for user in users if channels[user.id] == Channel.SMS], program_id)
    for user, notification_id in zip(users, ids, strict=True):
        notification = Notification(id=notification_id, user_id=user.id, kind=str(kind), link=link, params=params)
        send_notification(user, notification, channels[user.id], programs.get(user.id))
    return len(users)


def text_code(user: User, *, code: str, purpose: str, **_extra) -> None:
    """Text a new code to her number, in her language: it goes at once, even at night, and though it counts in
    her program's spending, its cap never holds it."""
    if not user.phone:
        return
    with in_language_of(user):
        content = code_message(code, CODE_MINUTES, purpose)
    program_id = paying_programs([user], None).get(user.id)
    text_to(user, content, SmsKind.SIGN_IN_CODE, program_id)


code_issued.connect(text_code)


def text_reset_code(phone: str) -> None:
    """Text a code to choose a new password to the account with this number; nothing when there is none."""
    user = account_for_reset(phone)
    if user is not None:
        issue_reset_code(user)  # texted by text_code
