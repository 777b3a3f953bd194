"""Local work folders under the upload folder's ``incoming/``, for jobs whose tools need files on disk.

A job owns its folder while it holds its claim, empties it before starting and after ending,
so a worker killed halfway leaves nothing there for longer than the next try. What a stopped
web or worker process on any machine left behind is swept once it is older than a day.
"""

import contextlib
import shutil
import time
from pathlib import Path

from lms.media import storage

LEFT_BEHIND_SECONDS = 24 * 60 * 60


def incoming_root() -> Path:
    return storage.upload_root() / "incoming"


def work_folder(name: str) -> Path:
    """The job's folder (made when missing)."""
    folder = incoming_root() / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clear_work_folder(name: str) -> None:
    shutil.rmtree(incoming_root() / name, ignore_errors=True)


def sweep_incoming(older_than_seconds: int = LEFT_BEHIND_SECONDS) -> int:
    """Remove files and folders in ``incoming/`` untouched for longer than this; how many went."""
    root = incoming_root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for entry in root.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if newest_change(entry) >= cutoff:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed += 1
    return removed


def newest_change(entry: Path) -> float:
    if not entry.is_dir():
        return entry.stat().st_mtime
    return max([entry.stat().st_mtime, *(path.stat().st_mtime for path in entry.rglob("*"))])
