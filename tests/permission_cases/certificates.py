"""Certificates: printable pages, public verification, revocation."""

from tests.permission_cases.common import Case

CASES: dict[str, list[Case]] = {}
