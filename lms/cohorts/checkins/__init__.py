"""Mentors' check-ins with their learners."""
