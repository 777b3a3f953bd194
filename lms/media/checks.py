"""What an uploaded file really is: named by libmagic from its whole header, never by its name.

libmagic (the ``file`` command's database, kept up to date by Debian) reads a file at many offsets
and knows executables, HTML, SVG, scripts and every media container a phone records, which a test
of the first bytes cannot. Two rules sit on top of it: a PDF must begin with its signature
(libmagic, like PDF readers, accepts one anywhere in the first kilobyte, which lets an executable
or a web page pass as a PDF), and a file that also matches a kind a browser would run is refused.
"""

import codecs
import zipfile
from pathlib import Path

import magic
from flask_babel import lazy_gettext as _l

from lms.core.errors import UserFacingError
from lms.media.models import MediaKind

CHUNK_BYTES = 1024 * 1024
HEADER_BYTES = 64 * 1024
PICTURE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/3gpp", "video/webm"}
OFFICE_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPTED = {
    MediaKind.IMAGE: PICTURE_TYPES,
    MediaKind.VIDEO: VIDEO_TYPES,
    MediaKind.CAPTIONS: {"text/vtt"},
    MediaKind.RESOURCE: PICTURE_TYPES | OFFICE_TYPES | {"application/pdf", "text/plain"},
}
# Kinds a browser runs or renders as a page: never accepted, not even as a second reading.
ACTIVE_TYPES = ("text/html", "image/svg+xml", "text/xml", "application/xml", "application/javascript")
# Videos a phone records in the MP4 family are kept, and served, as MP4.
SAME_AS = {"video/quicktime": "video/mp4", "video/3gpp": "video/mp4", "image/heif": "image/heic"}


class UploadRefused(UserFacingError):  # noqa: N818 - the name the other areas call
    """An upload that is not what it claims to be, or too large; ``message`` says so to the person."""


def named_as(original_name: str, extension: str) -> str:
    """The uploaded name with the extension of what the file is: ``price-list.exe`` holding a PDF is ``.pdf``."""
    stem = original_name.rsplit(".", 1)[0] if "." in original_name.lstrip(".") else original_name
    return f"{stem.strip()}.{extension}" if stem.strip() else ""


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


# One loaded database for the process; python-magic serialises calls on it with a lock.
MAGIC = magic.Magic(mime=True, keep_going=True)


def magic_types(head: bytes) -> list[str]:
    """Every type libmagic reads in ``head``, its best answer first."""
    found = MAGIC.from_buffer(head)
    return [name.strip().removeprefix("- ") for name in found.replace("\\012", "\n").splitlines()]


def is_webvtt(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf")
    return text.startswith(b"WEBVTT") and text[6:7] in (b"", b" ", b"\t", b"\n", b"\r")


def named_type(path: Path) -> str | None:
    """The one type the file's header names, or None when it names none or also an active kind."""
    with path.open("rb") as handle:
        head = handle.read(HEADER_BYTES)
    types = magic_types(head)
    if any(name.startswith(ACTIVE_TYPES) for name in types):
        return None
    best = types[0] if types else ""
    if best == "application/pdf" and not head.startswith(b"%PDF-"):
        return None
    if best in ("application/zip", *OFFICE_TYPES):
        return office_type(path)
    if best in ("text/plain", "text/vtt") and is_webvtt(head):
        best = "text/vtt"
    if best.startswith("text/") and not is_utf8_text(path):
        if best == "text/vtt":
            raise UploadRefused(_l("Save the captions file as UTF-8 text and send it again."))
        return None
    return SAME_AS.get(best, best)


def detect_type(path: Path, kind: str) -> str | None:
    """The content type ``path`` really has, when it is one accepted for ``kind``; else None."""
    content_type = named_type(path)
    return content_type if content_type in ACCEPTED.get(kind, ()) else None
