"""Graduation: who meets the cohort's rules, confirming and undoing."""
