"""In-app notifications (and their emails) for the cohorts' events, worded when shown, in the reader's language.

Importing this module connects its receivers to lms.cohorts.signals; the contact views import it,
so the receivers are connected whenever the app is built.
"""

from urllib.parse import urljoin

from flask import current_app, g, has_request_context, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from lms.auth.models import User
from lms.cohorts import signals
from lms.cohorts.mail import queue_email
from lms.cohorts.models import Cohort, Enrollment, cohort_mentors
from lms.cohorts.models.contact import Notification, NotificationKind
from lms.cohorts.models.submission import ReviewDecision
from lms.extensions import db
from lms.timeutil import utcnow

# kind → message; params fill the %(name)s placeholders when the notification is shown or emailed.
MESSAGES = {
    NotificationKind.FEEDBACK_RECEIVED: _l("Feedback received on “%(lesson)s”: accepted."),
    NotificationKind.REVISION_REQUESTED: _l(
        "Revision requested on “%(lesson)s”: read the feedback from %(mentor)s and submit again."
    ),
    NotificationKind.SUBMISSION_TO_REVIEW: _l("New submission to review: %(learner)s, “%(lesson)s”."),
    NotificationKind.INVITE_ACCEPTED: _l("%(learner)s joined %(cohort)s."),
    NotificationKind.FOLLOW_UP_DUE: _l("Your %(months)s-month follow-up is due: tell us how your business is doing."),
}
# The follow-up at graduation itself (months = 0) reads better without a number.
FOLLOW_UP_AT_GRADUATION = _l("Your graduation follow-up is due: tell us how your business is doing.")
UNKNOWN_KIND = _l("You have a new notification.")


class _Params(dict):
    """Params that answer an empty string for a placeholder they lack, so an old row never breaks a page."""

    def __missing__(self, key):
        return ""


def notification_text(notification: Notification) -> str:
    """The notification's sentence in the current language, made from its kind and params."""
    params = notification.params or {}
    message = MESSAGES.get(notification.kind, UNKNOWN_KIND)
    if notification.kind == NotificationKind.FOLLOW_UP_DUE and not params.get("months"):
        message = FOLLOW_UP_AT_GRADUATION
    try:
        return str(message) % _Params(params)
    except (TypeError, ValueError):
        return str(UNKNOWN_KIND)


def notify(user: User, kind: str, link: str, **params) -> Notification:
    """Tell ``user`` about something in the app, and queue an email when they have an address."""
    notification = Notification(user_id=user.id, kind=str(kind), link=link, params=params)
    db.session.add(notification)
    db.session.flush()
    if user.email and user.active:
        queue_notification_email(user, notification)
    return notification


def queue_notification_email(user: User, notification: Notification):
    """Queue the email of a notification, worded in the recipient's language."""
    # flask_babel only honours force_locale when ``g`` holds something (it is empty in a bare CLI context).
    g.setdefault("lms_notification_email", True)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = notification_text(notification)
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=user.name),
                text,
                _("Open it here: %(url)s", url=absolute_url(notification.link)),
                _("Village Business School"),
            ]
        )
        return queue_email(user.email, text, body)


def absolute_url(link: str) -> str:
    """The link as a full address for an email (this request's host, else SERVER_NAME, else as it is)."""
    if has_request_context():
        return urljoin(request.host_url, link)
    server = current_app.config.get("SERVER_NAME")
    if server:
        return urljoin(f"{current_app.config['PREFERRED_URL_SCHEME']}://{server}/", link)
    return link


def link_to(endpoint: str, **values) -> str:
    """The path of a page, in a request or not (commands send signals too)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


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


# ---- Who hears about what ----


def cohort_mentors_of(cohort_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(cohort_mentors, cohort_mentors.c.mentor_id == User.id)
            .where(cohort_mentors.c.cohort_id == cohort_id)
            .order_by(User.id)
        )
    )


def reviewers_of(submission) -> list[User]:
    """The learner's paired mentor when they have one in the cohort, else every mentor of the cohort."""
    mentors = cohort_mentors_of(submission.cohort_id)
    paired_id = db.session.scalar(
        select(Enrollment.mentor_id).where(
            Enrollment.cohort_id == submission.cohort_id, Enrollment.learner_id == submission.learner_id
        )
    )
    paired = [mentor for mentor in mentors if mentor.id == paired_id]
    return paired or mentors


def review_link() -> str:
    # The review queue is built in the submissions area; until it exists the mentor's home lists pending work.
    if "cohorts.review_queue" in current_app.view_functions:
        return link_to("cohorts.review_queue")
    return link_to("cohorts.mentor_home")


def on_invite_accepted(learner: User, cohort: Cohort, **_extra) -> None:
    for mentor in cohort_mentors_of(cohort.id):
        notify(
            mentor,
            NotificationKind.INVITE_ACCEPTED,
            link_to("cohorts.detail", cohort_id=cohort.id),
            learner=learner.name,
            cohort=cohort.name,
        )


def on_submission_submitted(learner: User, submission, version=None, **_extra) -> None:
    link = review_link()
    for mentor in reviewers_of(submission):
        notify(
            mentor, NotificationKind.SUBMISSION_TO_REVIEW, link, learner=learner.name, lesson=submission.lesson.title
        )


def on_submission_reviewed(mentor: User, submission, review, **_extra) -> None:
    accepted = review.decision == ReviewDecision.ACCEPTED
    kind = NotificationKind.FEEDBACK_RECEIVED if accepted else NotificationKind.REVISION_REQUESTED
    learner = db.session.get(User, submission.learner_id)
    notify(
        learner,
        kind,
        link_to("cohorts.my_submission", lesson_id=submission.lesson_id),
        lesson=submission.lesson.title,
        mentor=mentor.name,
    )


signals.invite_accepted.connect(on_invite_accepted)
signals.submission_submitted.connect(on_submission_submitted)
signals.submission_reviewed.connect(on_submission_reviewed)
