"""Follow-ups collected on paper, imported from a CSV file."""
