"""The rules of the courses blueprint, one module per concern."""
