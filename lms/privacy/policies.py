"""Who may download a learner's data, and who decides on her deletion request."""

from sqlalchemy import select

from lms.accounts.models import User
from lms.cohorts.policies import leads_learner
from lms.core.extensions import db
from lms.core.roles import Role
from lms.core.security import is_program_manager
from lms.media.access import register_access_rule
from lms.media.models import MediaFile
from lms.privacy.models import DataExport


def can_have_own_data(user: User) -> bool:
    """Learners download what we hold about them and may ask for its deletion (staff ask an admin)."""
    return user.role == Role.LEARNER


def can_decide_deletion(user: User, learner: User) -> bool:
    """An admin, or a lead of a program the learner is or was in; never she herself, nor a mentor."""
    return is_program_manager(user) and user.id != learner.id and leads_learner(user, learner)


def can_view_export_file(user: User, media_file: MediaFile) -> bool | None:
    """A data export's ZIP: only the learner it is about (admins see every file, as the media layer says)."""
    learner_id = db.session.scalar(select(DataExport.learner_id).where(DataExport.media_id == media_file.id).limit(1))
    if learner_id is None:
        return None
    return user.id == learner_id


register_access_rule(can_view_export_file, personal=True)
