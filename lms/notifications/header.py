"""The counts in every page's header: the only values templates work out for themselves.

base.html shows them on every page, so no view passes them; instead ``unread_notifications`` and
``header_count`` are template globals (registered with the others in lms.app.template_globals). Each runs
its COUNT only when a template reads it, and at most once per request: a redirect, a download or a page
without the header pays nothing. Areas above register their own counts (``register_header_count``), as
they register their notifications' wordings, so this module knows none of them.
"""

from collections.abc import Callable

from flask import g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from lms.accounts.models import User
from lms.core.extensions import db
from lms.notifications.services import unread_count

HEADER_COUNTS: dict[str, Callable[[User], int]] = {}


def register_header_count(name: str, count: Callable[[User], int]) -> None:
    """Name a count the header may show beside a link: ``count(person)`` runs one query."""
    HEADER_COUNTS[name] = count


def counted_once(key: str, count: Callable[[User], int]) -> int:
    """``count`` for the signed-in person, run at most once per request; 0 for a visitor."""
    cache = g.setdefault("header_counts", {})
    if key not in cache:
        try:
            cache[key] = count(current_user) if current_user.is_authenticated else 0
        except SQLAlchemyError:
            # An error page after a database failure must still render.
            db.session.rollback()
            cache[key] = 0
    return cache[key]


def unread_notifications() -> int:
    """The signed-in person's unread notifications, counted once per request; 0 for a visitor."""
    return counted_once("unread_notifications", unread_count)


def header_count(name: str) -> int:
    """A count an area registered under ``name``, for the signed-in person, once per request."""
    return counted_once(name, HEADER_COUNTS[name])
