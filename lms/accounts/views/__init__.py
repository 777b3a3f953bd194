"""The auth blueprint's routes: signing in and out, passwords, sign-in codes, accounts,
security events."""

from lms.accounts.views import people, security_log, sign_in, sign_in_texts, two_factor

__all__ = ["people", "security_log", "sign_in", "sign_in_texts", "two_factor"]
