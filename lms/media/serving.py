"""Handing a stored file to the browser, after its owner's rule allowed it.

From a bucket, a presigned redirect that expires (the bucket answers ranges); from local disk, the
proxy's ``X-Accel-Redirect`` when one is configured, else the bytes with ranges and revalidation.
"""

from pathlib import PurePosixPath

from flask import Response, abort

from lms.media.checks import named_as
from lms.media.models import MediaFile, MediaKind
from lms.media.stores import Download, StoredFileMissing, current_store


def download_for(media_file: MediaFile, personal: bool) -> Download:
    attachment = media_file.kind in (MediaKind.RESOURCE, MediaKind.EXPORT)
    stored_as = PurePosixPath(media_file.path)
    # Named with the extension of what it is (its stored key's), also for a file kept before names were.
    name = named_as(media_file.original_name, stored_as.suffix.lstrip(".")) or stored_as.name
    return Download(
        content_type=media_file.content_type,
        name=name if attachment else stored_as.name,
        attachment=attachment,
        personal=personal,
    )


def send_media(media_file: MediaFile, personal: bool) -> Response:
    """The response that sends ``media_file``; a file missing from the store is a 404."""
    try:
        response = current_store().send(media_file.path, download_for(media_file, personal))
    except StoredFileMissing:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
