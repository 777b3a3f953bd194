"""Every uploaded picture is drawn again: no EXIF or GPS kept, turned upright, at most 1,600 px long."""

import io
import zipfile

import pytest
from PIL import ExifTags, Image

from lms.media import storage
from lms.media.models import MediaKind
from lms.media.pictures import LONG_SIDE
from tests.courses.test_media_samples import upload

# What becomes of the picture's pixels and metadata; its row is written on either database alike.
pytestmark = pytest.mark.one_database

RED, BLUE = (220, 30, 30), (30, 30, 220)


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


def phone_exif(orientation: int = 1) -> Image.Exif:
    """What a phone writes: where the photo was taken, the camera, and how it was held."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi 9A"
    exif[ExifTags.Base.DateTime] = "2027:05:01 09:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (25.0, 16.0, 41.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (110.0, 17.0, 25.0)
    return exif


def photo(size=(3200, 2400), format_name="JPEG", orientation=1) -> bytes:
    """A photo red on its left half and blue on its right, as the sensor saw it."""
    picture = Image.new("RGB", size, BLUE)
    picture.paste(RED, (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    picture.save(buffer, format_name, exif=phone_exif(orientation))
    return buffer.getvalue()


def kept(data: bytes, filename: str, kind=MediaKind.IMAGE) -> tuple[object, Image.Image, bytes]:
    stored = storage.store_upload(upload(data, filename), kind)
    raw = storage.read_media(stored)
    return stored, Image.open(io.BytesIO(raw)), raw


@pytest.mark.parametrize("kind", [MediaKind.IMAGE, MediaKind.RESOURCE])
def test_a_phone_photo_loses_its_location_and_camera(kind):
    stored, picture, raw = kept(photo(), "IMG_20270501.jpg", kind)
    assert stored.content_type == "image/jpeg"
    assert picture.format == "JPEG"
    assert dict(picture.getexif()) == {}
    assert b"Xiaomi" not in raw
    assert b"Redmi" not in raw
    assert b"Exif" not in raw


def test_a_photo_is_turned_upright_and_made_at_most_1600_pixels_long():
    stored, picture, _ = kept(photo(orientation=6), "held-sideways.jpg")
    assert picture.size == (1200, LONG_SIDE)  # the camera said: turn a quarter clockwise
    # The sensor's left half (red) is at the top once turned.
    top, bottom = picture.getpixel((600, 100)), picture.getpixel((600, 1500))
    assert top[0] > 150 > top[2]
    assert bottom[2] > 150 > bottom[0]
    assert stored.size_bytes < len(photo(orientation=6))


def test_a_small_picture_keeps_its_size():
    _, picture, _ = kept(photo(size=(640, 480)), "small.jpg")
    assert picture.size == (640, 480)


def test_heic_from_an_iphone_is_kept_as_jpeg_without_its_location():
    stored, picture, raw = kept(photo(size=(2000, 1500), format_name="HEIF"), "IMG_0042.HEIC")
    assert stored.content_type == "image/jpeg"
    assert stored.original_name == "IMG_0042.jpg"
    assert stored.path.endswith(".jpg")
    assert picture.size == (LONG_SIDE, 1200)
    assert dict(picture.getexif()) == {}
    assert b"Xiaomi" not in raw


@pytest.mark.parametrize("format_name", ["PNG", "WEBP"])
def test_a_picture_with_transparent_parts_is_kept_as_webp_with_them(format_name):
    logo = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    logo.paste((200, 120, 40, 255), (0, 0, 100, 100))
    buffer = io.BytesIO()
    logo.save(buffer, format_name, exif=phone_exif())
    stored, picture, raw = kept(buffer.getvalue(), f"logo.{format_name.lower()}")
    assert stored.content_type == "image/webp"
    assert picture.format == "WEBP"
    assert picture.getpixel((150, 50))[3] == 0
    assert picture.getpixel((50, 50))[3] == 255
    assert b"Xiaomi" not in raw


def test_whatever_hides_after_a_picture_is_not_kept():
    hidden = io.BytesIO()
    with zipfile.ZipFile(hidden, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    _, _, raw = kept(photo(size=(64, 48)) + hidden.getvalue(), "polyglot.jpg")
    assert b"payload.html" not in raw
    assert b"<script>" not in raw


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(storage.UploadRefused, match="too many pixels"):
        storage.store_upload(upload(photo(size=(64, 48)), "bomb.jpg"), MediaKind.IMAGE)
