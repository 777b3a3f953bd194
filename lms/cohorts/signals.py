"""Signals of the cohorts area, so that notifications and progress need not import its views."""

from blinker import Namespace

cohort_signals = Namespace()

# sender: the learner; cohort=
invite_accepted = cohort_signals.signal("invite-accepted")
# sender: the learner; submission=, version=
submission_submitted = cohort_signals.signal("submission-submitted")
# sender: the mentor; submission=, review=
submission_reviewed = cohort_signals.signal("submission-reviewed")
