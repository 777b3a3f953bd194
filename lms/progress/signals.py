"""Signals other areas listen to, so that they need not import each other."""

from blinker import Namespace

progress_signals = Namespace()

# Sent with the learner as sender and ``lesson=`` once a lesson is newly recorded complete.
lesson_completed = progress_signals.signal("lesson-completed")
