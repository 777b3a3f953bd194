"""Uploading and serving files: videos and renditions, captions, covers, resources."""

from lms.courses import bp  # noqa: F401
