"""Support given to graduates' businesses, and its totals."""
