"""The auth blueprint's routes: signing in and out, passwords, accounts, the security event log."""

from lms.accounts.views import people, security_log, sign_in

__all__ = ["people", "security_log", "sign_in"]
