"""Files in an S3-compatible bucket (AWS S3, Aliyun OSS, Tencent COS, MinIO) through boto3.

Browsers fetch files straight from the bucket at presigned addresses that expire, so ranges and
revalidation are the object store's work; the app only checks who may see a file and redirects.
"""

import contextlib
import secrets
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from flask import Response, redirect

from lms.media.stores.base import Download, Store, StoredFileMissing

MISSING_CODES = {"404", "NoSuchKey", "NotFound"}
# Uploads above this go in parts, so a 200 MB video never sits in memory whole.
TRANSFER = TransferConfig(multipart_threshold=16 * 1024 * 1024, multipart_chunksize=16 * 1024 * 1024)


def is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in MISSING_CODES


class S3Store(Store):
    """Keys live under ``prefix`` in ``bucket``; ``signer`` presigns with the address browsers reach."""

    def __init__(self, client, bucket: str, prefix="", signer=None, probe=None, url_seconds=3600, work_dir=None):
        self.client = client
        self.signer = signer or client
        self.probe = probe or client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.url_seconds = url_seconds
        self.work_dir = work_dir

    @classmethod
    def from_config(cls, config) -> "S3Store":
        """The store the LMS_S3_* settings describe (``core.config.storage_settings`` checked them)."""
        options = Config(
            signature_version="s3v4",
            s3={"addressing_style": config.get("LMS_S3_ADDRESSING_STYLE") or "auto"},
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
        )
        credentials = {
            "region_name": config.get("LMS_S3_REGION") or None,
            "aws_access_key_id": config.get("LMS_S3_ACCESS_KEY_ID") or None,
            "aws_secret_access_key": config.get("LMS_S3_SECRET_ACCESS_KEY") or None,
        }
        session = boto3.session.Session()
        endpoint = config.get("LMS_S3_ENDPOINT_URL") or None
        client = session.client("s3", endpoint_url=endpoint, config=options, **credentials)
        # Readiness must answer within seconds when the bucket does not: no retries, short timeouts.
        quick = options.merge(Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=2))
        probe = session.client("s3", endpoint_url=endpoint, config=quick, **credentials)
        public = config.get("LMS_S3_PUBLIC_ENDPOINT_URL")
        signer = session.client("s3", endpoint_url=public, config=options, **credentials) if public else client
        return cls(
            client,
            config["LMS_S3_BUCKET"],
            probe=probe,
            prefix=config.get("LMS_S3_PREFIX") or "",
            signer=signer,
            url_seconds=int(config.get("LMS_S3_URL_SECONDS") or 3600),
            work_dir=config.get("LMS_UPLOAD_PATH"),
        )

    def object_key(self, key: str) -> str:
        return self.prefix + key

    def save(self, key: str, source: Path, content_type: str) -> None:
        self.client.upload_file(
            str(source), self.bucket, self.object_key(key), ExtraArgs={"ContentType": content_type}, Config=TRANSFER
        )
        source.unlink(missing_ok=True)

    def get(self, key: str, **range_option):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.object_key(key), **range_option)
        except ClientError as error:
            if is_missing(error) or error.response.get("Error", {}).get("Code") == "InvalidRange":
                raise StoredFileMissing(key) from error
            raise

    def open(self, key: str) -> BinaryIO:
        return self.get(key)["Body"]

    def read(self, key: str, start: int = 0, stop: int | None = None) -> bytes:
        if stop is not None and stop <= start:
            return b""
        if start == 0 and stop is None:
            return self.get(key)["Body"].read()
        last = "" if stop is None else str(stop - 1)
        return self.get(key, Range=f"bytes={start}-{last}")["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def head(self, key: str) -> dict | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if is_missing(error):
                return None
            raise

    def exists(self, key: str) -> bool:
        return self.head(key) is not None

    def size(self, key: str) -> int:
        head = self.head(key)
        if head is None:
            raise StoredFileMissing(key)
        return head["ContentLength"]

    def download_url(self, key: str, download: Download) -> str | None:
        return self.signer.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self.object_key(key),
                "ResponseContentType": download.content_type,
                "ResponseContentDisposition": download.disposition,
                "ResponseCacheControl": download.cache_control,
            },
            ExpiresIn=self.url_seconds,
        )

    def listing(self) -> Iterator[tuple[str, datetime]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                yield item["Key"].removeprefix(self.prefix), item["LastModified"]

    def check(self) -> None:
        self.probe.head_bucket(Bucket=self.bucket)

    def origin(self) -> str | None:
        # Presigning is computed here, not asked of the bucket: no request goes out.
        address = urlsplit(self.signer.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": "x"}))
        return f"{address.scheme}://{address.netloc}"

    @contextlib.contextmanager
    def local_file(self, key: str) -> Iterator[Path]:
        work = Path(self.work_dir or tempfile.gettempdir()) / "incoming"
        work.mkdir(parents=True, exist_ok=True)
        path = work / f"{secrets.token_hex(16)}{Path(key).suffix}"
        try:
            try:
                self.client.download_file(self.bucket, self.object_key(key), str(path), Config=TRANSFER)
            except ClientError as error:
                if is_missing(error):
                    raise StoredFileMissing(key) from error
                raise
            yield path
        finally:
            path.unlink(missing_ok=True)

    def send(self, key: str, download: Download) -> Response:
        # No HEAD first: a missing object answers 404 at the bucket, and every play costs one request less.
        response = redirect(self.download_url(key, download), code=302)
        # The address expires: a phone may reuse it for half its life (then the bucket's copy is cached too).
        cache = "private, no-store" if download.personal else f"private, max-age={self.url_seconds // 2}"
        response.headers["Cache-Control"] = cache
        return response
