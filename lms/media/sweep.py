"""Stored files no row names, and work files nobody finished: what a process killed mid-way leaves behind.

A file is stored before its row commits, and a rolled-back transaction deletes it again; only a
process stopped between the two (a killed worker, a lost machine) leaves one behind. Only names the
upload step makes (``<kind>/<year>/<32 hex>.<ext>``) are ever swept, so a shared bucket or folder
keeps everything else.

A file kept for a form that was refused (a learner's photo held while she fixes the link) has a row
but no owner until the form is sent; one never sent is swept once it is as old, row and file.
"""

import re
from datetime import timedelta
from typing import NamedTuple

from sqlalchemy import select

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.media import workspace
from lms.media.models import MediaFile, MediaKind
from lms.media.ownership import unowned
from lms.media.stores import current_store

STORED_NAME = re.compile(rf"^({'|'.join(kind.value for kind in MediaKind)})/\d{{4}}/[0-9a-f]{{32}}\.[a-z0-9]+$")
QUERY_CHUNK = 500


def unnamed_keys(keys: list[str]) -> list[str]:
    """The keys among ``keys`` that no media row names."""
    named = set()
    for start in range(0, len(keys), QUERY_CHUNK):
        part = keys[start : start + QUERY_CHUNK]
        named.update(db.session.scalars(select(MediaFile.path).where(MediaFile.path.in_(part))))
    return [key for key in keys if key not in named]


class Swept(NamedTuple):
    orphans: int  # stored files no row names
    work_files: int
    unused: int  # files with a row that no owner took up (held for a form never sent)


def sweep_unused(cutoff) -> int:
    """Delete the media rows older than ``cutoff`` that no owner names; their stored files go after the commit."""
    unused = db.session.scalars(unowned().where(MediaFile.created_at <= cutoff)).all()
    for media_file in unused:
        db.session.delete(media_file)
    db.session.flush()
    return len(unused)


def sweep_files(older_than: timedelta) -> Swept:
    """Delete stored files no row names, work files and files no owner took up, all older than ``older_than``."""
    cutoff = utcnow() - older_than
    unused = sweep_unused(cutoff)
    store = current_store()
    old = [key for key, modified in store.listing() if STORED_NAME.match(key) and modified <= cutoff]
    orphans = unnamed_keys(old)
    for key in orphans:
        store.delete(key)
    return Swept(len(orphans), workspace.sweep_incoming(int(older_than.total_seconds())), unused)
