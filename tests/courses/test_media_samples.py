"""Uploads are checked by what they contain: sample files of every accepted kind, and impostors.

The helpers here (sample files, ffmpeg-made videos) serve the other media and video tests too.
"""

import io
import os
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from lms.core.extensions import db
from lms.media import storage
from lms.media.models import MediaFile, MediaKind
from lms.media.pictures import read_heic


@pytest.fixture(autouse=True)
def request_context(app):
    """Messages are translated, so services run as in a request."""
    with app.test_request_context():
        yield


def ffmpeg_or_skip() -> str:
    """ffmpeg's path; a missing ffmpeg skips the test, except under CI, which installs it."""
    found = shutil.which("ffmpeg")
    if found is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("ffmpeg is required under CI (.ci/run installs it)")
        pytest.skip("ffmpeg is not installed here; under CI, which installs it, this fails instead")
    return found


def make_video(target: Path, size: str = "320x240", rate: int = 10, seconds: int = 2, extra=()) -> Path:
    """A test-pattern video with a tone, made with ffmpeg."""
    pattern = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}", "-f", "lavfi", "-i", "sine=frequency=440"]
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"]
    subprocess.run(
        [ffmpeg_or_skip(), "-nostdin", "-v", "error", "-y", *pattern, "-t", str(seconds), *extra, *encode, str(target)],
        check=True,
        timeout=120,
    )
    return target


MADE_VIDEOS: dict[str, Path] = {}


def sample_video_files(tmp_path_factory) -> dict[str, Path]:
    """A small MP4, a large noisy 720p one, and an upright (portrait) one, made once per test run."""
    ffmpeg_or_skip()
    if not MADE_VIDEOS:
        folder = tmp_path_factory.mktemp("videos")
        noisy = ["-vf", "noise=alls=30:allf=t", "-b:v", "3M"]
        MADE_VIDEOS["small"] = make_video(folder / "small.mp4")
        MADE_VIDEOS["large"] = make_video(folder / "large.mp4", "1280x720", 25, extra=noisy)
        MADE_VIDEOS["portrait"] = make_video(folder / "portrait.mp4", "720x1280", 10)
    return MADE_VIDEOS


@pytest.fixture
def sample_videos(tmp_path_factory) -> dict[str, Path]:
    return sample_video_files(tmp_path_factory)


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x0b\x6e\x4f" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def picture_bytes(format_name: str = "JPEG", size=(8, 6), mode: str = "RGB", **save) -> bytes:
    """A real picture made with Pillow, in any format it writes (HEIF through pillow-heif)."""
    read_heic()  # the app teaches Pillow HEIC only when it first draws a picture
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 120, 40, 255) if mode == "RGBA" else (200, 120, 40)).save(buffer, format_name, **save)
    return buffer.getvalue()


def office_bytes(part: str) -> bytes:
    """A minimal Office Open XML file: ``word/document.xml`` makes a .docx, ``xl/workbook.xml`` a .xlsx."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<doc/>")
    return buffer.getvalue()


PICTURE_REFUSAL = "not a JPEG, PNG, WebP or HEIC picture"
WEBVTT = "WEBVTT\n\n00:00.000 --> 00:01.500\n把手机竖着拿稳。\n".encode()
WEBM_HEAD = bytes.fromhex("1a45dfa3") + b"\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 64


def upload(data: bytes, filename: str, content_type: str = "application/octet-stream") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


def media_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MediaFile))


def incoming_files() -> list[Path]:
    incoming = storage.upload_root() / "incoming"
    return list(incoming.iterdir()) if incoming.exists() else []


def test_a_text_file_named_mp4_is_refused_as_not_a_video():
    with pytest.raises(storage.UploadRefused, match="not an MP4 or WebM video"):
        storage.store_upload(upload(b"just some words\n", "clip.mp4", "video/mp4"), MediaKind.VIDEO)
    assert media_count() == 0
    assert incoming_files() == []


def test_a_real_mp4_is_kept_under_a_random_name(sample_videos):
    data = sample_videos["small"].read_bytes()
    stored = storage.store_upload(upload(data, "我的茶叶.mp4", "text/plain"), MediaKind.VIDEO)
    db.session.commit()
    assert re.fullmatch(r"video/\d{4}/[0-9a-f]{32}\.mp4", stored.path)
    assert stored.content_type == "video/mp4"  # from the content, not what the browser said
    assert stored.original_name == "我的茶叶.mp4"
    assert stored.size_bytes == len(data)
    assert storage.read_media(stored) == data


@pytest.mark.parametrize(
    ("kind", "data", "filename", "content_type", "extension"),
    [
        (MediaKind.VIDEO, WEBM_HEAD, "clip.webm", "video/webm", "webm"),
        (MediaKind.IMAGE, png_bytes(), "cover.png", "image/jpeg", "jpg"),
        (MediaKind.IMAGE, picture_bytes("JPEG"), "cover.jpg", "image/jpeg", "jpg"),
        (MediaKind.IMAGE, picture_bytes("WEBP"), "cover.webp", "image/jpeg", "jpg"),
        (MediaKind.IMAGE, picture_bytes("HEIF"), "IMG_0001.HEIC", "image/jpeg", "jpg"),
        (MediaKind.IMAGE, picture_bytes("PNG", mode="RGBA"), "logo.png", "image/jpeg", "jpg"),
        (MediaKind.CAPTIONS, WEBVTT, "captions.vtt", "text/vtt", "vtt"),
        (MediaKind.CAPTIONS, b"\xef\xbb\xbf" + WEBVTT, "captions.vtt", "text/vtt", "vtt"),
        (MediaKind.RESOURCE, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "prices.pdf", "application/pdf", "pdf"),
        (MediaKind.RESOURCE, "价格表：茶叶 50 元/斤\n".encode(), "prices.csv", "text/plain", "txt"),
        (MediaKind.RESOURCE, png_bytes(), "label.png", "image/jpeg", "jpg"),
        (MediaKind.VIDEO, b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 100, "IMG_0002.MOV", "video/mp4", "mp4"),
        (MediaKind.VIDEO, b"\x00\x00\x00\x18ftyp3gp4" + b"\x00" * 100, "clip.3gp", "video/mp4", "mp4"),
        (
            MediaKind.RESOURCE,
            office_bytes("word/document.xml"),
            "plan.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        (
            MediaKind.RESOURCE,
            office_bytes("xl/workbook.xml"),
            "prices.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    ],
)
def test_accepted_kinds_are_recognised_by_content(kind, data, filename, content_type, extension):
    stored = storage.store_upload(upload(data, filename), kind)
    assert stored.content_type == content_type
    assert stored.path.startswith(f"{kind}/")
    assert stored.path.endswith(f".{extension}")


@pytest.mark.parametrize(
    ("kind", "data", "filename", "message"),
    [
        (MediaKind.VIDEO, png_bytes(), "clip.mp4", "not an MP4 or WebM video"),
        (MediaKind.VIDEO, b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "photo.mp4", "not an MP4 or WebM video"),
        (MediaKind.VIDEO, bytes.fromhex("1a45dfa3") + b"\x42\x82\x88matroska" + b"\x00" * 40, "a.webm", "not an MP4"),
        (MediaKind.VIDEO, b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 40, "song.mp4", "not an MP4 or WebM video"),
        (MediaKind.VIDEO, b"", "clip.mp4", "empty"),
        (MediaKind.IMAGE, b"GIF89a" + b"\x00" * 40, "cover.png", PICTURE_REFUSAL),
        (MediaKind.IMAGE, b"<svg onload=alert(1)></svg>", "cover.png", PICTURE_REFUSAL),
        (MediaKind.IMAGE, b"\n  <svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "c.jpg", PICTURE_REFUSAL),
        (MediaKind.IMAGE, b"%PDF-1.7\n1 0 obj\n", "photo.jpg", PICTURE_REFUSAL),
        (MediaKind.IMAGE, b"\xff\xd8\xff\xe0" + b"\x00" * 100, "photo.jpg", "cannot be read"),
        (MediaKind.IMAGE, png_bytes()[:40], "photo.png", "cannot be read"),
        (MediaKind.IMAGE, b"", "photo.jpg", "empty"),
        (MediaKind.CAPTIONS, b"1\n00:00:00,000 --> 00:00:01,000\nhi\n", "captions.vtt", "first line must be WEBVTT"),
        (MediaKind.CAPTIONS, b"WEBVTT\n\n\xff\xfe broken", "captions.vtt", "UTF-8"),
        (MediaKind.CAPTIONS, b"", "captions.vtt", "empty"),
        (MediaKind.RESOURCE, b"MZ\x90\x00" + b"\x00" * 60, "prices.pdf", "cannot be added"),
        (MediaKind.RESOURCE, b"MZ\x90\x00" + b"\x00" * 200 + b"%PDF-1.4\n", "price-list.pdf", "cannot be added"),
        (MediaKind.RESOURCE, b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "notes.txt", "cannot be added"),
        (MediaKind.RESOURCE, b"<!DOCTYPE html><script>alert(1)</script>", "notes.txt", "cannot be added"),
        (MediaKind.RESOURCE, b"\n\n   <html><body onload=alert(1)>", "notes.txt", "cannot be added"),
        (MediaKind.RESOURCE, "价格表\n<script>alert(1)</script>\n".encode(), "prices.csv", "cannot be added"),
        (MediaKind.RESOURCE, b"<html><script>alert(1)</script>%PDF-1.4\n", "prices.pdf", "cannot be added"),
        (MediaKind.RESOURCE, b"<?xml version='1.0'?><svg onload='alert(1)'/>", "x.svg", "cannot be added"),
        (MediaKind.RESOURCE, b"GIF89a<html><script>alert(1)</script>", "label.gif", "cannot be added"),
        (MediaKind.RESOURCE, b"#!/bin/sh\nrm -rf ~\n", "notes.txt", "cannot be added"),
        (MediaKind.RESOURCE, b"", "notes.txt", "empty"),
        (MediaKind.RESOURCE, b"text with a \x00 NUL", "notes.txt", "cannot be added"),
        (MediaKind.RESOURCE, office_bytes("ppt/presentation.xml"), "slides.pptx", "cannot be added"),
        (MediaKind.RESOURCE, b"PK\x03\x04 not really a zip", "plan.docx", "cannot be added"),
    ],
)
def test_impostors_are_refused_with_a_clear_message(kind, data, filename, message):
    with pytest.raises(storage.UploadRefused, match=message):
        storage.store_upload(upload(data, filename), kind)
    assert media_count() == 0
    assert incoming_files() == []


@pytest.mark.parametrize(
    ("data", "filename", "kept_as"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "price-list.exe", "price-list.pdf"),
        ("价格表：茶叶 50 元/斤\n".encode(), "价格.html", "价格.txt"),
        (png_bytes(), "label", "label.jpg"),
        (png_bytes(), "label.PNG", "label.jpg"),
        (office_bytes("word/document.xml"), "plan.doc.exe", "plan.doc.docx"),
    ],
)
def test_a_file_is_named_with_the_extension_of_what_it_is(data, filename, kept_as):
    assert storage.store_upload(upload(data, filename), MediaKind.RESOURCE).original_name == kept_as


def test_each_kind_has_its_size_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LMS_IMAGE_MAX_MB", 1)
    too_big = png_bytes() + b"\x00" * (1024 * 1024)
    with pytest.raises(storage.UploadRefused, match="larger than 1 MB"):
        storage.store_upload(upload(too_big, "cover.png"), MediaKind.IMAGE)
    assert incoming_files() == []
    assert storage.store_upload(upload(png_bytes(), "cover.png"), MediaKind.IMAGE).size_bytes < 1024


def test_the_uploaded_name_is_only_kept_to_show():
    stored = storage.store_upload(upload(png_bytes(), "..\\..\\etc/../pass\x00wd\x07.png"), MediaKind.IMAGE)
    assert stored.original_name == "passwd.jpg"
    assert "passwd" not in stored.path


def test_files_of_a_rolled_back_upload_are_removed(store):
    stored = storage.store_upload(upload(png_bytes(), "cover.png"), MediaKind.IMAGE)
    key = stored.path
    assert store.exists(key)
    db.session.rollback()
    assert not store.exists(key)


def test_a_deleted_file_stays_until_the_deletion_is_committed(store):
    stored = storage.store_upload(upload(png_bytes(), "cover.png"), MediaKind.IMAGE)
    db.session.commit()
    key = stored.path
    storage.delete_media(stored)
    db.session.rollback()
    assert store.exists(key)
    storage.delete_media(db.session.get(MediaFile, stored.id))
    db.session.commit()
    assert not store.exists(key)
    assert media_count() == 0


def test_a_local_file_is_stored_as_given(tmp_path):
    source = tmp_path / "demo.mp4"
    source.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100)
    stored = storage.store_local_file(source, MediaKind.VIDEO, "拍摄演示.mp4", "video/mp4")
    db.session.commit()
    assert stored.original_name == "拍摄演示.mp4"
    assert stored.path.endswith(".mp4")
    assert storage.read_media(stored) == source.read_bytes()
    assert source.exists()
