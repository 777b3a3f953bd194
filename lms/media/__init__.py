"""Stored files: checked by content, kept under random names; their owners decide who sees them."""

from flask import Blueprint

# The pages of exports built by the queue (the files an area's export asked for).
bp = Blueprint("media", __name__)
