"""Uploaded files: checked by their content, kept under random names, removed only once a commit holds.

A file is handed to the store (``lms.media.stores``: local disk or a bucket) before its ``MediaFile``
row is committed, and a replaced file must outlive a rollback. Session events settle both: files
made in a transaction that does not commit are deleted, and the files of media rows deleted in a
transaction, however the rows were deleted, go once it commits.
"""

import contextlib
import secrets
import shutil
from contextlib import AbstractContextManager
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.media import ownership  # noqa: F401 - files go with the last record that names them
from lms.media.checks import CHUNK_BYTES, PICTURE_TYPES, UploadRefused, detect_type, named_as
from lms.media.models import MediaFile, MediaKind
from lms.media.pictures import reencode_picture
from lms.media.stores import StoredFileMissing, current_store

CAPTIONS_MAX_MB = 2  # a few minutes of captions is a few kilobytes
EXTENSIONS = {
    "video/mp4": "mp4",
    "video/webm": "webm",
    "audio/mp4": "m4a",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "text/vtt": "vtt",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "text/plain": "txt",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
__all__ = ["StoredFileMissing", "UploadRefused"]  # raised through this module
NEW_FILES = "lms_media_new_files"
RELEASED_FILES = "lms_media_released_files"


def refusal(kind: str) -> str:
    return {
        MediaKind.VIDEO: _l("This file is not an MP4 or WebM video. Please choose a video file."),
        MediaKind.IMAGE: _l("This file is not a JPEG, PNG, WebP or HEIC picture."),
        MediaKind.CAPTIONS: _l("This is not a WebVTT captions file: its first line must be WEBVTT."),
    }.get(kind, _l("This kind of file cannot be added: use a PDF, picture, text, Word (.docx) or Excel (.xlsx) file."))


def size_limits_mb() -> dict[str, int]:
    config = current_app.config
    return {
        MediaKind.VIDEO: config["LMS_VIDEO_MAX_MB"],
        MediaKind.IMAGE: config["LMS_IMAGE_MAX_MB"],
        MediaKind.CAPTIONS: CAPTIONS_MAX_MB,
        MediaKind.RESOURCE: config["LMS_RESOURCE_MAX_MB"],
    }


def ffmpeg_available() -> bool:
    return bool(current_app.config.get("LMS_FFMPEG"))


# Storage: files are checked in a work folder on this machine, then handed to the configured store.


def upload_root() -> Path:
    """The local upload folder: the files themselves with the local store, only the work area otherwise."""
    return Path(current_app.config["LMS_UPLOAD_PATH"])


def new_incoming_path(suffix: str = ".part") -> Path:
    """A fresh file name in the work area (beside the local store's files, so keeping one is a rename)."""
    incoming = upload_root() / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    return incoming / f"{secrets.token_hex(16)}{suffix}"


def discard_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def read_media(media_file: MediaFile, start: int = 0, stop: int | None = None) -> bytes:
    """The stored bytes of a file, or a range of them; raises StoredFileMissing."""
    return current_store().read(media_file.path, start, stop)


def local_copy(key: str) -> AbstractContextManager[Path]:
    """``with local_copy(media_file.path) as path``: the file on this machine's disk while the block runs (ffmpeg)."""
    return current_store().local_file(key)


def forget_stored(key: str) -> None:
    """Delete a stored file now; a store that cannot be reached leaves it for ``lms sweep-media``."""
    try:
        current_store().delete(key)
    except Exception:
        current_app.logger.warning("stored file %s could not be deleted now", key, exc_info=True)


def clean_name(filename: str | None) -> str:
    """The uploaded name without folders or control characters, kept only to show and download as."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(character for character in name if character.isprintable()).strip()[:255]


def keep_file(incoming: Path, kind: str, content_type: str, original_name: str, uploaded_by=None) -> MediaFile:
    """Move a checked file into place under a random name and record it, named as what it is."""
    extension = EXTENSIONS.get(content_type, "bin")
    key = f"{kind}/{utcnow():%Y}/{secrets.token_hex(16)}.{extension}"
    size = incoming.stat().st_size
    current_store().save(key, incoming, content_type)
    media_file = MediaFile(
        kind=kind,
        path=key,
        original_name=named_as(original_name, extension)[:255] or f"{kind}.{extension}",
        content_type=content_type,
        size_bytes=size,
        uploaded_by_id=getattr(uploaded_by, "id", None),
    )
    db.session.add(media_file)
    try:
        db.session.flush()
    except Exception:
        forget_stored(key)
        raise
    db.session.info.setdefault(NEW_FILES, []).append(key)
    return media_file


def store_upload(file_storage: FileStorage, kind: str, uploaded_by=None) -> MediaFile:
    """Check an uploaded file by its content and size, then keep it; raises UploadRefused."""
    limit_mb = size_limits_mb()[kind]
    incoming = new_incoming_path()
    stream = file_storage.stream
    if stream.seekable():
        stream.seek(0)
    try:
        size = 0
        with incoming.open("wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > limit_mb * 1024 * 1024:
                    raise UploadRefused(
                        _l("The file is larger than %(limit)d MB: please send a smaller one.", limit=limit_mb)
                    )
                out.write(chunk)
        if size == 0:
            raise UploadRefused(_l("The file is empty."))
        content_type = detect_type(incoming, kind)
        if content_type is None:
            raise UploadRefused(refusal(kind))
        if content_type in PICTURE_TYPES:
            picture, content_type = reencode_picture(incoming, incoming.parent)
            discard_file(incoming)
            incoming = picture
        return keep_file(incoming, kind, content_type, clean_name(file_storage.filename), uploaded_by)
    finally:
        discard_file(incoming)


def store_local_file(path, kind: str, original_name: str, content_type: str) -> MediaFile:
    """Keep a copy of a file made on this machine (the seed's demo videos); it is trusted as it is."""
    incoming = new_incoming_path()
    try:
        shutil.copyfile(path, incoming)
        return keep_file(incoming, kind, content_type, clean_name(original_name))
    finally:
        discard_file(incoming)


def delete_media(media_file: MediaFile | None) -> None:
    """Delete a media file's row now and its file once the deletion is committed."""
    if media_file is None:
        return
    db.session.delete(media_file)
    db.session.flush()


@event.listens_for(Session, "after_flush")
def release_deleted_files(session: Session, _context) -> None:
    """Every media row a flush deleted, however it was deleted, lets its stored file go at the commit."""
    released = [instance.path for instance in session.deleted if isinstance(instance, MediaFile)]
    if released:
        session.info.setdefault(RELEASED_FILES, []).extend(released)


@event.listens_for(Session, "before_commit")
def keep_files_whose_rows_survive(session: Session) -> None:
    """A deletion undone by a rolled-back savepoint releases nothing: only files whose row is gone are let go."""
    session.flush()
    released = session.info.get(RELEASED_FILES)
    if released:
        surviving = set(session.scalars(select(MediaFile.path).where(MediaFile.path.in_(released))))
        session.info[RELEASED_FILES] = [key for key in released if key not in surviving]


@event.listens_for(Session, "after_commit")
def settle_files_after_commit(session: Session) -> None:
    session.info.pop(NEW_FILES, None)
    for key in session.info.pop(RELEASED_FILES, []):
        forget_stored(key)


@event.listens_for(Session, "after_transaction_end")
def settle_files_after_rollback(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    # Whatever is still listed here was not committed: the new files go, the released ones stay.
    for key in session.info.pop(NEW_FILES, []):
        forget_stored(key)
    session.info.pop(RELEASED_FILES, None)
