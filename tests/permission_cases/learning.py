"""Learner pages: catalogue, course, lesson, quiz."""

from tests.permission_cases.common import Case

CASES: dict[str, list[Case]] = {}
