"""Who may reach which view: declared on every view, enforced on every request.

Each view states its audience with one decorator: ``@public``, ``@signed_in`` or
``@roles_required(...)``. ``enforce_access`` runs before every request and turns
the declaration into 302 (to log in) or 403. An app whose views leave any
declaration out refuses to start, so no route can be open by accident.
Object checks (is this the learner's own record, is this mentor assigned to this
cohort) live in each blueprint's ``policies.py`` and reach the view through ``require``.
"""

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from lms.core.roles import Role

PUBLIC = "public"
SIGNED_IN = "signed-in"
STAFF_ROLES = (Role.MENTOR, Role.LEAD, Role.ADMIN)
MANAGER_ROLES = (Role.LEAD, Role.ADMIN)


def _has_role(user, roles: Iterable[str]) -> bool:
    # An anonymous visitor has no role; a deactivated account keeps its own (is_authenticated would say no).
    return getattr(user, "role", None) in roles


def is_learner(user) -> bool:
    """Does this person take the courses (a learner)?"""
    return _has_role(user, (Role.LEARNER,))


def is_mentor(user) -> bool:
    """Is this person a mentor (whichever cohorts they are assigned to)?"""
    return _has_role(user, (Role.MENTOR,))


def is_staff(user) -> bool:
    """Mentors, leads and admins: the people who help learners."""
    return _has_role(user, STAFF_ROLES)


def is_lead(user) -> bool:
    """Is this person a program lead (whichever programs they lead)?"""
    return _has_role(user, (Role.LEAD,))


def is_program_manager(user) -> bool:
    """Leads and admins: they set programs up (a lead runs only the programs she leads, ``cohorts.policies``)."""
    return _has_role(user, MANAGER_ROLES)


def is_admin(user) -> bool:
    """Admins: they also look after the system (the email outbox)."""
    return _has_role(user, (Role.ADMIN,))


def public(view: Callable) -> Callable:
    """Anyone may open this view, signed in or not."""
    view.access = PUBLIC
    return view


def signed_in(view: Callable) -> Callable:
    """Any signed-in person may open this view."""
    view.access = SIGNED_IN
    return view


def roles_required(*roles: str) -> Callable[[Callable], Callable]:
    """Only signed-in people with one of these roles may open this view."""

    def decorate(view: Callable) -> Callable:
        view.access = frozenset(roles)
        return view

    return decorate


def require(allowed: bool, status: int = 403) -> None:
    """Stop the request with ``status`` unless a policy allowed it."""
    if not allowed:
        abort(status)


def enforce_access():
    """Check the current view's declared audience; runs before every request."""
    if request.endpoint is None:
        return None  # routing failed; the 404/405 handler answers
    view = current_app.view_functions[request.endpoint]
    access = getattr(view, "access", None)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if access == SIGNED_IN:
        return None
    if isinstance(access, frozenset) and current_user.role in access:
        return None
    raise Forbidden()


def undeclared_views(app: Flask) -> list[str]:
    """Endpoints whose view declares no audience."""
    return sorted(
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access")
    )


def check_declarations(app: Flask) -> None:
    missing = undeclared_views(app)
    if missing:
        raise RuntimeError(f"views without an access declaration: {', '.join(missing)}")


def init_security(app: Flask) -> None:
    app.view_functions["static"].access = PUBLIC
    app.before_request(enforce_access)


def safe_next_url(target: str | None, fallback: str) -> str:
    """``target`` when it stays on this site, else ``fallback`` (no open redirects)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target
