"""Stored files: checked by content, kept under random names; their owners decide who sees them."""
