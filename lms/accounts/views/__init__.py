"""The auth blueprint's routes: signing in and out, passwords, a learner's settings, sign-in codes, accounts,
security events."""

from lms.accounts.views import people, security_log, settings, sign_in, two_factor

__all__ = ["people", "security_log", "settings", "sign_in", "two_factor"]
