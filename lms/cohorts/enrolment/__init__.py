"""Enrolment: which cohort a learner is in; moving, withdrawing and pairing learners."""
