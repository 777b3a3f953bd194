"""Submissions, the review queue and reviews."""

from tests.permission_cases.common import Case

CASES: dict[str, list[Case]] = {}
