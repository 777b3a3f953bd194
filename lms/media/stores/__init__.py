"""Where the bytes of stored files live: one interface, a local-disk and an S3-compatible backend.

The rest of the code asks ``current_store()`` and never learns which backend answers. Keys are the
``MediaFile.path`` values (``video/2026/<random>.mp4``): the same key names the file in every backend.
"""

import importlib
from pathlib import Path

from flask import Flask, current_app

from lms.core.health import register_readiness_check
from lms.media.stores.base import Download, Store, StoredFileMissing
from lms.media.stores.local import LocalStore

EXTENSION_KEY = "lms_store"

__all__ = ["Download", "LocalStore", "Store", "StoredFileMissing", "current_store", "init_store"]
# boto3 is imported only where the bucket backend is chosen: it holds about 10 MiB in every process.
S3_MODULE = "lms.media.stores.s3"


def make_store(config) -> Store:
    """The backend the settings name: ``LMS_STORAGE=local`` (the default) or ``s3``."""
    backend = (config.get("LMS_STORAGE") or "local").strip().lower()
    if backend == "local":
        return LocalStore(Path(config["LMS_UPLOAD_PATH"]), config.get("LMS_ACCEL_REDIRECT_PREFIX") or None)
    if backend == "s3":
        return importlib.import_module(S3_MODULE).S3Store.from_config(config)
    raise ValueError(f"LMS_STORAGE must be 'local' or 's3', not {backend!r}")


def init_store(app: Flask) -> Store:
    """Build the configured backend once per app."""
    store = make_store(app.config)
    app.extensions[EXTENSION_KEY] = store
    # Pictures and videos are fetched from there: the Content-Security-Policy lets them in.
    app.config["LMS_MEDIA_ORIGIN"] = store.origin()
    return store


def current_store() -> Store:
    return current_app.extensions[EXTENSION_KEY]


def check_store() -> str | None:
    """The upload folder can be written, or the bucket answers."""
    current_store().check()
    return None


register_readiness_check("storage", check_store)
