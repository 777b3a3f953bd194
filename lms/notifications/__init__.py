"""Reaching people: in-app notifications and the email outbox; each area registers its own kinds."""
