"""The operator's endpoints: liveness and readiness for anyone; metrics for the allowed addresses (the test
client's loopback address is one) or a token, whoever is signed in."""

from tests.permission_cases.common import Case, everyone

CASES: dict[str, list[Case]] = {
    "operations.healthz": [Case(lambda w: "/healthz", everyone(200))],
    "operations.readyz": [Case(lambda w: "/readyz", everyone(200))],
    "operations.metrics": [Case(lambda w: "/metrics", everyone(200))],
}
