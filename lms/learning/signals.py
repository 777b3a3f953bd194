"""Signals of the learner's journey, so that higher areas (certificates, notices) react without being imported."""

from blinker import Namespace

learning_signals = Namespace()

# Sent with the learner as sender and ``lesson=`` once a lesson is newly recorded complete.
lesson_completed = learning_signals.signal("lesson-completed")
# sender: the learner; submission=, version=
submission_submitted = learning_signals.signal("submission-submitted")
# sender: the mentor; submission=, review=
submission_reviewed = learning_signals.signal("submission-reviewed")
