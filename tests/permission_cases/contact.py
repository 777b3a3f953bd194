"""Notifications, the mentor's home, check-ins."""

from tests.permission_cases.common import Case

CASES: dict[str, list[Case]] = {}
