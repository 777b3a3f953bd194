"""Intake: the learner's consent to be counted, and her baseline."""
