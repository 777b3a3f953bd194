"""A stored file goes with the last record that names it.

Every table with a foreign key to ``media_files`` owns files: lessons (video, rendition, poster,
captions), their resources, course covers, handed-in work, follow-up evidence. The media layer finds
them in the metadata and knows none by name. When a flush deletes such a row, or points it at
another file, the files it named become candidates; when the transaction commits, each candidate
that no row names any more is deleted, its row now and its stored file once the commit holds.
"""

import functools

from sqlalchemy import Column, event, exists, select
from sqlalchemy.orm import Mapper, Session

from lms.core.extensions import db
from lms.media.models import MediaFile

CANDIDATES = "lms_media_candidates"


def names_media(column: Column) -> bool:
    return any(key.column.table is MediaFile.__table__ for key in column.foreign_keys)


@functools.cache
def reference_columns() -> tuple[Column, ...]:
    """Every column, in every table, that holds a media file's id."""
    return tuple(column for table in db.metadata.tables.values() for column in table.columns if names_media(column))


@functools.cache
def reference_keys(mapper: Mapper) -> tuple[str, ...]:
    """The attribute names of a mapped class's media-file columns (none for most classes)."""
    return tuple(mapper.get_property_by_column(column).key for column in mapper.columns if names_media(column))


@event.listens_for(Session, "before_flush")
def load_references_of_deleted_rows(session: Session, _context, _instances) -> None:
    # An expired row's ids could no longer be read once the flush has deleted it.
    for instance in session.deleted:
        for key in reference_keys(db.inspect(instance).mapper):
            getattr(instance, key)


@event.listens_for(Session, "after_flush")
def note_released_references(session: Session, flush_context) -> None:
    """The files that rows deleted or changed in this flush named before it (deleted orphans included)."""
    candidates = session.info.setdefault(CANDIDATES, set())
    for state, (is_delete, list_only) in flush_context.states.items():
        keys = () if list_only else reference_keys(state.mapper)
        for key in keys:
            history = state.attrs[key].history
            released = history.sum() if is_delete else history.deleted
            candidates.update(value for value in released if isinstance(value, int))
    if not candidates:
        session.info.pop(CANDIDATES, None)


def unowned(media_ids=None) -> select:
    """The media files among ``media_ids`` (None: all of them) that no row of any owner names."""
    query = select(MediaFile)
    if media_ids is not None:
        query = query.where(MediaFile.id.in_(sorted(media_ids)))
    for column in reference_columns():
        query = query.where(~exists().where(column == MediaFile.id))
    return query


@event.listens_for(Session, "before_commit")
def delete_unowned_files(session: Session) -> None:
    session.flush()  # the commit would flush next anyway; its changes must be seen here
    if not session.info.get(CANDIDATES):
        return
    candidates = session.info.pop(CANDIDATES, set())
    for media_file in session.scalars(unowned(candidates)):
        session.delete(media_file)
    session.flush()
    session.info.pop(CANDIDATES, None)


@event.listens_for(Session, "after_transaction_end")
def forget_candidates(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(CANDIDATES, None)
