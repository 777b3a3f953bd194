"""Who may see a stored file: each owner of files (a lesson, a submission, a follow-up) registers its rule.

The media layer knows nothing of owners; a rule answers True or False for the files it owns and
None for any other. Leads and admins see every file; a file no rule claims is seen by nobody else.
"""

from collections.abc import Callable

from lms.accounts.models import User
from lms.core.security import is_program_manager
from lms.media.models import MediaFile

AccessRule = Callable[[User, MediaFile], bool | None]
ACCESS_RULES: list[AccessRule] = []


def register_access_rule(rule: AccessRule) -> AccessRule:
    """Add an owner's rule; the first rule that claims a file decides."""
    if rule not in ACCESS_RULES:
        ACCESS_RULES.append(rule)
    return rule


def can_view_file(user: User, media_file: MediaFile) -> bool:
    """May ``user`` see this file? Leads and admins may; anybody else as the owner's rule says."""
    if is_program_manager(user):
        return True
    for rule in ACCESS_RULES:
        allowed = rule(user, media_file)
        if allowed is not None:
            return allowed
    return False
