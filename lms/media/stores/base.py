"""The interface every storage backend gives: keep, read (whole or a byte range), delete, send."""

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from flask import Response
from werkzeug.http import dump_options_header


class StoredFileMissing(LookupError):  # noqa: N818 - it names what happened
    """No stored file under this key."""


class Store(ABC):
    """A place that keeps files under keys."""

    @abstractmethod
    def save(self, key: str, source: Path, content_type: str) -> None:
        """Keep the file at ``source`` under ``key``; ``source`` is gone afterwards."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the whole file; raises StoredFileMissing."""

    @abstractmethod
    def read(self, key: str, start: int = 0, stop: int | None = None) -> bytes:
        """The bytes ``start`` to ``stop`` (exclusive; None: to the end); raises StoredFileMissing."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; a missing one is not an error."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int:
        """The file's size in bytes; raises StoredFileMissing."""

    @abstractmethod
    def download_url(self, key: str, download: "Download") -> str | None:
        """A time-limited address a browser can fetch the file at directly, or None when only the app serves it."""

    @abstractmethod
    def local_file(self, key: str) -> AbstractContextManager[Path]:
        """``with store.local_file(key) as path``: the file on this machine's disk for tools like ffmpeg."""

    @abstractmethod
    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Every stored key with the time (UTC) it was written."""

    @abstractmethod
    def check(self) -> None:
        """Return when the store answers (for readiness); raise when it does not."""

    def origin(self) -> str | None:
        """The origin browsers fetch files from when it is not the app's own."""
        return None

    @abstractmethod
    def send(self, key: str, download: "Download") -> Response:
        """The response that hands the file to the browser: a redirect, a proxy's header, or the bytes."""


@dataclass(frozen=True)
class Download:
    """How a file goes out: its type, the name it is saved as, inline or attachment, and who may keep a copy.

    A personal file (a learner's handed-in work, an evidence photo) is never kept by any cache, for a
    shared phone must not show it to the next person; course files never change under their random
    key, so a phone keeps them for ``max_age``.
    """

    content_type: str
    name: str
    attachment: bool
    personal: bool
    max_age: int = 365 * 24 * 60 * 60

    @property
    def cache_control(self) -> str:
        if self.personal:
            return "private, no-store"
        return f"private, max-age={self.max_age}, immutable"

    @property
    def disposition(self) -> str:
        """Content-Disposition as werkzeug's send_file writes it: an ASCII name plus the UTF-8 one."""
        kind = "attachment" if self.attachment else "inline"
        try:
            self.name.encode("ascii")
        except UnicodeEncodeError:
            simple = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode("ascii")
            quoted = quote(self.name, safe="!#$&+^`|~")
            return dump_options_header(kind, {"filename": simple, "filename*": f"UTF-8''{quoted}"})
        return dump_options_header(kind, {"filename": self.name})
