"""The permission matrix: for every route, what each role gets.

Every endpoint of ``app.url_map`` must have an entry; ``test_permissions`` fails on
a route without one. Statuses: 200 shown, 302 sent elsewhere (to sign in, for the
anonymous), 403 refused, 404 hidden. Each area keeps its table in
``tests/permission_cases/``.
"""

from tests.permission_cases import (
    announcements,
    authoring,
    certificates,
    contact,
    core,
    exports,
    follow_ups,
    impact,
    learning,
    media,
    operations,
    outcomes,
    preview,
    privacy,
    products,
    progress,
    submissions,
)
from tests.permission_cases.common import ROLES, Case

__all__ = ["MATRIX", "ROLES", "Case", "endpoints_missing_from_matrix"]

MATRIX: dict[str, list[Case]] = {
    **core.CASES,
    **authoring.CASES,
    **learning.CASES,
    **media.CASES,
    **progress.CASES,
    **certificates.CASES,
    **submissions.CASES,
    **contact.CASES,
    **outcomes.CASES,
    **exports.CASES,
    **follow_ups.CASES,
    **impact.CASES,
    **products.CASES,
    **operations.CASES,
    **announcements.CASES,
    **preview.CASES,
    **privacy.CASES,
}


def endpoints_missing_from_matrix(app) -> list[str]:
    """Endpoints the app serves that the matrix says nothing about."""
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"} - set(MATRIX))
