"""Outcomes: intake, graduation, support, audit."""

from tests.permission_cases.common import Case

CASES: dict[str, list[Case]] = {}
