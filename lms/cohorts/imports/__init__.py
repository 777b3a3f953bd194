"""Bulk enrolment from a CSV file."""
