"""Who may see a stored file: each owner of files (a lesson, a submission, a follow-up) registers its rule.

The media layer knows nothing of owners; a rule answers True or False for the files it owns and
None for any other. Admins see every file; a file no rule claims is seen by its uploader alone.
An owner also says whether its files are personal (a learner's work, an evidence photo): those are
never kept in any cache.
"""

from collections.abc import Callable
from dataclasses import dataclass

from lms.accounts.models import User
from lms.core.security import is_admin
from lms.media.models import MediaFile

AccessRule = Callable[[User, MediaFile], bool | None]
ACCESS_RULES: list[tuple[AccessRule, bool]] = []


@dataclass(frozen=True)
class FileAccess:
    allowed: bool
    personal: bool


def register_access_rule(rule: AccessRule, *, personal: bool = False) -> AccessRule:
    """Add an owner's rule; the first rule that claims a file decides. ``personal``: its files are never cached."""
    if all(known is not rule for known, _personal in ACCESS_RULES):
        ACCESS_RULES.append((rule, personal))
    return rule


def file_access(user: User, media_file: MediaFile) -> FileAccess:
    """May ``user`` see this file, and is it personal? Admins see every file."""
    for rule, personal in ACCESS_RULES:
        allowed = rule(user, media_file)
        if allowed is not None:
            # Admins see every file; a lead, as the owner's rule says (the programs she leads).
            return FileAccess(allowed or is_admin(user), personal)
    # A file no owner claims yet (held for a form sent again) is its uploader's; personal: nobody's phone keeps it.
    uploaded_it = media_file.uploaded_by_id is not None and media_file.uploaded_by_id == user.id
    return FileAccess(uploaded_it or is_admin(user), personal=True)


def can_view_file(user: User, media_file: MediaFile) -> bool:
    """May ``user`` see this file? Admins may; anybody else as the owner's rule says."""
    return file_access(user, media_file).allowed
