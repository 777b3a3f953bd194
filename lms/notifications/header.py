"""The unread count in every page's header: the one value templates work out for themselves.

base.html shows it on every page, so no view passes it; instead ``unread_notifications`` is a template
global (registered with the others in lms.app.templates). It runs its COUNT only when a template reads it,
and at most once per request: a redirect, a download or a page without the header pays nothing.
"""

from flask import g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from lms.core.extensions import db
from lms.notifications.services import unread_count


def unread_notifications() -> int:
    """The signed-in person's unread notifications, counted once per request; 0 for a visitor."""
    if "unread_notifications" not in g:
        try:
            g.unread_notifications = unread_count(current_user) if current_user.is_authenticated else 0
        except SQLAlchemyError:
            # An error page after a database failure must still render.
            db.session.rollback()
            g.unread_notifications = 0
    return g.unread_notifications
