"""Which new passwords are refused: the most common ones, and a person's own phone number or name."""
