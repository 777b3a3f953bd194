"""Who may fill in, see and manage a learner's outcome records."""

from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.policies import leads_learner, mentors_learner_now
from lms.core.extensions import db
from lms.core.roles import Role
from lms.core.security import is_program_manager
from lms.media.access import register_access_rule
from lms.media.models import MediaFile
from lms.outcomes.models import FollowUp, FollowUpEvidence, FollowUpSource, ReportingConsent


def can_manage_outcomes(user: User) -> bool:
    """Leads and admins manage outcomes across the program and read the audit log."""
    return is_program_manager(user)


def can_edit_intake(user: User, learner: User) -> bool:
    """The learner themself, a mentor of one of their active cohorts, a lead of their program, or an admin."""
    if learner.role != Role.LEARNER:
        return False
    return user.id == learner.id or leads_learner(user, learner) or mentors_learner_now(user, learner)


def can_change_consent(user: User, learner: User, has_decision: bool) -> bool:
    """The learner decides and changes her mind herself; staff record one taken on paper only where none exists."""
    if not can_edit_intake(user, learner):
        return False
    return user.id == learner.id or not has_decision


def can_view_outcomes(user: User, learner: User) -> bool:
    """The same people who may fill in the intake may read the learner's outcome records."""
    return can_edit_intake(user, learner)


# ---- Follow-ups ----


def can_view_follow_ups(user: User, learner: User) -> bool:
    """The graduate themself, a mentor of a cohort they are active in, or a lead/admin."""
    return can_view_outcomes(user, learner)


def can_enter_follow_up(user: User, learner: User) -> bool:
    """The graduate fills in their own; their mentors and leads may enter one on their behalf."""
    return can_edit_intake(user, learner)


def can_verify_follow_up(user: User, learner: User) -> bool:
    """A mentor of the graduate's cohort or a lead/admin checks figures against evidence; never the graduate."""
    if learner.role != Role.LEARNER or user.id == learner.id:
        return False
    return leads_learner(user, learner) or mentors_learner_now(user, learner)


def can_edit_follow_up(user: User, follow_up: FollowUp) -> bool:
    """Staff who may verify edit any; the graduate edits what they reported themself while it is not verified."""
    learner = follow_up.learner
    if can_verify_follow_up(user, learner):
        return True
    return user.id == learner.id and follow_up.source == FollowUpSource.SELF and follow_up.verified_at is None


def can_delete_follow_up(user: User) -> bool:
    """Only leads and admins delete a follow-up (the audit log keeps its values)."""
    return can_manage_outcomes(user)


def can_view_evidence_file(user: User, media_file: MediaFile) -> bool | None:
    """A follow-up's evidence photo: the graduate, the mentors of her cohort, leads."""
    learner = db.session.scalar(
        select(User)
        .join(FollowUp, FollowUp.learner_id == User.id)
        .join(FollowUpEvidence, FollowUpEvidence.follow_up_id == FollowUp.id)
        .where(FollowUpEvidence.media_id == media_file.id)
        .limit(1)
    )
    if learner is None:
        return None
    return can_view_follow_ups(user, learner)


register_access_rule(can_view_evidence_file, personal=True)


def can_view_paper_consent(user: User, media_file: MediaFile) -> bool | None:
    """The photo of a consent form signed on paper: those who see her outcome records."""
    learner = db.session.scalar(
        select(User)
        .join(ReportingConsent, ReportingConsent.learner_id == User.id)
        .where(ReportingConsent.paper_form_id == media_file.id)
        .limit(1)
    )
    if learner is None:
        return None
    return can_view_outcomes(user, learner)


register_access_rule(can_view_paper_consent, personal=True)
