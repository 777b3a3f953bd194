"""Permission tables, one module per area; tests/permissions.py joins them."""
