"""The roles a person can have, which every layer checks access by."""

from enum import StrEnum


class Role(StrEnum):
    LEARNER = "learner"
    MENTOR = "mentor"
    LEAD = "lead"
    ADMIN = "admin"
