"""Programs, cohorts and enrolments; submissions and reviews; notifications, email and check-ins."""

from lms.cohorts.models.cohort import (
    INVITE_ALPHABET,
    INVITE_CODE_LENGTH,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Program,
    cohort_mentors,
    new_invite_code,
)

__all__ = [
    "INVITE_ALPHABET",
    "INVITE_CODE_LENGTH",
    "Cohort",
    "Enrollment",
    "EnrollmentStatus",
    "Program",
    "cohort_mentors",
    "new_invite_code",
]
