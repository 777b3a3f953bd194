"""Cohort announcements: staff post to the cohorts they look after; learners read them on their home."""
