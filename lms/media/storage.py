"""Uploaded files: checked by their content, kept under random names, removed only once a commit holds.

A file is written to the upload folder before its ``MediaFile`` row is committed, and a
replaced file must outlive a rollback. Session events settle both: files made in a
transaction that does not commit are deleted, and files let go are deleted after the commit.
"""

import contextlib
import os
import secrets
import shutil
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.media.checks import CHUNK_BYTES, UploadRefused, detect_type
from lms.media.models import MediaFile, MediaKind

CAPTIONS_MAX_MB = 2  # a few minutes of captions is a few kilobytes
EXTENSIONS = {
    "video/mp4": "mp4",
    "video/webm": "webm",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "text/vtt": "vtt",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
NEW_FILES = "lms_media_new_files"
RELEASED_FILES = "lms_media_released_files"


def refusal(kind: str) -> str:
    return {
        MediaKind.VIDEO: _l("This file is not an MP4 or WebM video. Please choose a video file."),
        MediaKind.IMAGE: _l("This file is not a JPEG, PNG or WebP picture."),
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


# Content checks: the first bytes and the structure decide, never the name or the browser's word.


# Storage.


def upload_root() -> Path:
    return Path(current_app.config["LMS_UPLOAD_PATH"])


def media_path(media_file: MediaFile) -> Path:
    """Where a media file lies on disk."""
    return upload_root() / media_file.path


def new_incoming_path(suffix: str = ".part") -> Path:
    """A fresh file name in the upload folder's work area (same disk, so moving it in is atomic)."""
    incoming = upload_root() / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    return incoming / f"{secrets.token_hex(16)}{suffix}"


def discard_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def clean_name(filename: str | None) -> str:
    """The uploaded name without folders or control characters, kept only to show and download as."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(character for character in name if character.isprintable()).strip()[:255]


def keep_file(incoming: Path, kind: str, content_type: str, original_name: str, uploaded_by=None) -> MediaFile:
    """Move a checked file into place under a random name and record it."""
    extension = EXTENSIONS.get(content_type, "bin")
    relative = f"{kind}/{utcnow():%Y}/{secrets.token_hex(16)}.{extension}"
    target = upload_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(incoming, target)
    media_file = MediaFile(
        kind=kind,
        path=relative,
        original_name=original_name or f"{kind}.{extension}",
        content_type=content_type,
        size_bytes=target.stat().st_size,
        uploaded_by_id=getattr(uploaded_by, "id", None),
    )
    db.session.add(media_file)
    try:
        db.session.flush()
    except Exception:
        discard_file(target)
        raise
    db.session.info.setdefault(NEW_FILES, []).append(target)
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
    db.session.info.setdefault(RELEASED_FILES, []).append(media_path(media_file))
    db.session.delete(media_file)
    db.session.flush()


@event.listens_for(Session, "after_commit")
def settle_files_after_commit(session: Session) -> None:
    session.info.pop(NEW_FILES, None)
    for path in session.info.pop(RELEASED_FILES, []):
        discard_file(path)


@event.listens_for(Session, "after_transaction_end")
def settle_files_after_rollback(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return
    # Whatever is still listed here was not committed: the new files go, the released ones stay.
    for path in session.info.pop(NEW_FILES, []):
        discard_file(path)
    session.info.pop(RELEASED_FILES, None)
