"""Fixtures of the cohort and contact tests."""

from tests.cohorts.mail_server import smtp_server  # noqa: F401 - a fixture for every test here
