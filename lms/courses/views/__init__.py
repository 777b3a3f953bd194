"""The courses blueprint's routes, one module per audience."""

from lms.courses.views import authoring, learning, media

__all__ = ["authoring", "learning", "media"]
