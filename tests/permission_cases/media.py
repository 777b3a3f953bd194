"""Uploads and media files."""

from tests.permission_cases.common import Case

CASES: dict[str, list[Case]] = {}
