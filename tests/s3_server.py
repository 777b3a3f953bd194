"""A real S3 API on 127.0.0.1: moto's server in a process of its own, for the object-storage backend's tests."""

import os
import secrets
import socket
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

from lms.media.stores.s3 import S3Store
from tests.served import stop, wait_until_answering

REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def settings(self, bucket: str) -> dict:
        """The LMS_* settings that point the app at a bucket of this server."""
        return {
            "LMS_STORAGE": "s3",
            "LMS_S3_BUCKET": bucket,
            "LMS_S3_ENDPOINT_URL": self.endpoint_url,
            "LMS_S3_REGION": REGION,
            "LMS_S3_ACCESS_KEY_ID": "testing",
            "LMS_S3_SECRET_ACCESS_KEY": "testing",
            "LMS_S3_ADDRESSING_STYLE": "path",
        }

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(s3={"addressing_style": "path"}),
        )

    def new_bucket(self) -> str:
        name = f"lms-test-{secrets.token_hex(4)}"
        self.client().create_bucket(Bucket=name)
        return name

    def store(self, bucket: str, work_dir: str) -> S3Store:
        return S3Store.from_config({**self.settings(bucket), "LMS_UPLOAD_PATH": work_dir})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_s3_server(log_dir: Path):
    """Start moto's server on a free port; stop it on leaving."""
    port = free_port()
    environment = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    log = log_dir / "s3-server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=output,
            env=environment,
        )
    try:
        wait_until_answering(process, port, log, "the S3 server", path="/")
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        stop(process)
