"""The notifications area's routes: a text message's short link, forgot password, her settings (which
channel each kind of message goes by), and the providers' callbacks (replies, delivery receipts)."""

from lms.notifications.views import callbacks, passwords, settings

__all__ = ["callbacks", "passwords", "settings"]
