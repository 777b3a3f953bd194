"""Reaching people: in-app notifications, the email and SMS outboxes; each area registers its own kinds."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)
