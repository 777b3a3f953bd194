"""Programs, cohorts and enrolments; mentors' check-ins; announcements."""

from lms.cohorts.models.announcement import Announcement, AnnouncementRead, announcement_cohorts
from lms.cohorts.models.checkin import CheckIn, CheckInChannel
from lms.cohorts.models.cohort import (
    INVITE_ALPHABET,
    INVITE_CODE_LENGTH,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Program,
    cohort_mentors,
    new_invite_code,
    program_leads,
)
from lms.cohorts.models.kept_import import KeptImport

__all__ = [
    "INVITE_ALPHABET",
    "INVITE_CODE_LENGTH",
    "Announcement",
    "AnnouncementRead",
    "CheckIn",
    "CheckInChannel",
    "Cohort",
    "Enrollment",
    "EnrollmentStatus",
    "KeptImport",
    "Program",
    "announcement_cohorts",
    "cohort_mentors",
    "new_invite_code",
    "program_leads",
]
