"""What an uploaded file really is: decided by its first bytes, never by its name."""

import codecs
import zipfile
from pathlib import Path

from flask_babel import lazy_gettext as _l

from lms.core.errors import UserFacingError
from lms.media.models import MediaKind

CHUNK_BYTES = 1024 * 1024
# ISO media files that are pictures or sound, not video, although they carry an "ftyp" box too.
NOT_VIDEO_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis", b"M4A "}


class UploadRefused(UserFacingError):  # noqa: N818 - the name the other areas call
    """An upload that is not what it claims to be, or too large; ``message`` says so to the person."""


def video_type(head: bytes) -> str | None:
    if head[4:8] == b"ftyp" and head[8:12] not in NOT_VIDEO_BRANDS:
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]:
        return "video/webm"
    return None


def image_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_utf8_text(path: Path) -> bool:
    """UTF-8 throughout and no NUL bytes: text a phone can show, not a renamed binary."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def office_type(path: Path) -> str | None:
    """Word or Excel files (Office Open XML zips); any other zip is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(name.startswith("xl/") for name in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def detect_type(path: Path, kind: str) -> str | None:
    """The content type ``path`` really has, when it is one accepted for ``kind``; else None."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if kind == MediaKind.VIDEO:
        return video_type(head)
    if kind == MediaKind.IMAGE:
        return image_type(head)
    if kind == MediaKind.CAPTIONS:
        text = head.removeprefix(b"\xef\xbb\xbf")
        if text.startswith(b"WEBVTT") and text[6:7] in (b"", b" ", b"\t", b"\n", b"\r"):
            if not is_utf8_text(path):
                raise UploadRefused(_l("Save the captions file as UTF-8 text and send it again."))
            return "text/vtt"
        return None
    if kind == MediaKind.RESOURCE:
        if b"%PDF-" in head:
            return "application/pdf"
        if head.startswith(b"PK\x03\x04"):
            return office_type(path)
        return image_type(head) or ("text/plain" if is_utf8_text(path) else None)
    return None
