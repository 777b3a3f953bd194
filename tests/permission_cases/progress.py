"""Progress: the learner's home, cohort grids, at-risk lists, learner pages."""

from tests.permission_cases.common import Case

CASES: dict[str, list[Case]] = {}
