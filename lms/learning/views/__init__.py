"""The learner's journey's routes, on the blueprints the design names (courses for lessons, cohorts for work)."""

from lms.learning import notices  # noqa: F401 - connects its receivers
from lms.learning.services import records  # noqa: F401 - answers for learners' records on content
from lms.learning.views import cohort_extensions, lessons, offline, preview, submissions

__all__ = ["cohort_extensions", "lessons", "offline", "preview", "submissions"]
