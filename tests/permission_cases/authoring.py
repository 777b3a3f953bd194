"""Course authoring: leads and admins only."""

from tests.permission_cases.common import Case

CASES: dict[str, list[Case]] = {}
