"""Files on this machine's disk, under the upload folder (by default the instance folder's ``uploads``)."""

import contextlib
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, request, send_file
from werkzeug.wsgi import FileWrapper

from lms.media.stores.base import Download, Store, StoredFileMissing


class ClosingFileWrapper(FileWrapper):
    """werkzeug's file wrapper, closing its file also when a client drops the response unread."""

    def __del__(self):
        self.close()


class LocalStore(Store):
    """Keys are paths below ``root``; with ``accel_prefix`` the proxy in front (nginx) sends the bytes."""

    def __init__(self, root: Path, accel_prefix: str | None = None):
        self.root = root
        self.accel_prefix = accel_prefix.rstrip("/") + "/" if accel_prefix else None

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise StoredFileMissing(key)
        return path

    def save(self, key: str, source: Path, content_type: str) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # The work area is on the same disk as a rule, so this is a rename; across disks, a copy.
        shutil.move(source, target)

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError) as missing:
            raise StoredFileMissing(key) from missing

    def read(self, key: str, start: int = 0, stop: int | None = None) -> bytes:
        with self.open(key) as handle:
            handle.seek(start)
            return handle.read() if stop is None else handle.read(max(stop - start, 0))

    def delete(self, key: str) -> None:
        with contextlib.suppress(OSError, StoredFileMissing):
            self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).is_file()
        except StoredFileMissing:
            return False

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError as missing:
            raise StoredFileMissing(key) from missing

    def download_url(self, key: str, download: Download) -> str | None:
        return None

    def listing(self) -> Iterator[tuple[str, datetime]]:
        for path in self.root.rglob("*"):
            if path.is_file():
                modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                yield path.relative_to(self.root).as_posix(), modified

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError("the upload folder cannot be written")

    @contextlib.contextmanager
    def local_file(self, key: str) -> Iterator[Path]:
        if not self.exists(key):
            raise StoredFileMissing(key)
        yield self.path(key)

    def send(self, key: str, download: Download) -> Response:
        if not self.exists(key):
            raise StoredFileMissing(key)
        if self.accel_prefix:
            # nginx answers ranges and revalidation from its internal location; Python sends no byte.
            response = Response(status=200, content_type=download.content_type)
            response.headers["X-Accel-Redirect"] = self.accel_prefix + quote(key)
        else:
            # gunicorn brings its own wrapper (sendfile); this one serves the development server and tests.
            request.environ.setdefault("wsgi.file_wrapper", ClosingFileWrapper)
            response = send_file(
                self.path(key),
                mimetype=download.content_type,
                conditional=True,
                as_attachment=download.attachment,
                download_name=download.name,
            )
            response.expires = None
        response.headers["Content-Disposition"] = download.disposition
        response.headers["Cache-Control"] = download.cache_control
        return response
