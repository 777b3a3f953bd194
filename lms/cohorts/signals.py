"""Signals of the cohorts area, so that notices and higher areas need not be imported by it."""

from blinker import Namespace

cohort_signals = Namespace()

# sender: the learner; cohort=
invite_accepted = cohort_signals.signal("invite-accepted")
# sender: the cohort; answers with the assignment lessons a cohort's business-plan rule may name
business_plan_choices = cohort_signals.signal("business-plan-choices")
# sender: the cohort; answers with the courses offered to it (CohortCourse rows, by title)
offered_courses = cohort_signals.signal("offered-courses")
