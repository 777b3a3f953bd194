"""Every uploaded picture is drawn again with Pillow before it is kept.

A phone's photo carries where it was taken (GPS), the camera and the time in its EXIF block, and
may hide anything after its last byte. Decoding it and encoding the pixels afresh keeps none of
that; the picture is turned upright as the camera meant, made at most ``LONG_SIDE`` pixels long
(which also spares learners' data), and kept as JPEG, or WebP when it has transparent parts.
HEIC, what iPhones take, is read through pillow-heif.
"""

import functools
import importlib
import warnings
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from lms.media.checks import UploadRefused

LONG_SIDE = 1600
JPEG_QUALITY = 82
WEBP_QUALITY = 82


@functools.cache
def read_heic() -> None:
    """Teach Pillow to read HEIC, once per process, when it first draws a picture: pillow-heif holds about 6 MiB,
    which a process that never receives a picture need not."""
    importlib.import_module("pillow_heif").register_heif_opener()


def has_transparency(picture: Image.Image) -> bool:
    if picture.mode in ("RGBA", "LA", "PA"):
        return picture.getextrema()[-1][0] < 255
    return picture.mode == "P" and "transparency" in picture.info


def upright_and_small(picture: Image.Image) -> Image.Image:
    """The picture turned as its EXIF orientation says, and fitted within LONG_SIDE."""
    picture.draft("RGB", (LONG_SIDE, LONG_SIDE))  # JPEG decodes straight at a smaller scale
    picture = ImageOps.exif_transpose(picture)
    picture.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    return picture


def reencode_picture(source: Path, target_folder: Path) -> tuple[Path, str]:
    """Decode ``source`` and write its pixels alone to a new file; returns the file and its type."""
    read_heic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Pillow refuses more pixels than Image.MAX_IMAGE_PIXELS (a decompression bomb).
            with Image.open(source) as opened:
                picture = upright_and_small(opened)
                picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadRefused(_l("This picture has too many pixels: please send a smaller one.")) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        unreadable = _l("This picture cannot be read: it may be damaged. Please take or send it again.")
        raise UploadRefused(unreadable) from error
    if has_transparency(picture):
        target = target_folder / f"{source.stem}.webp"
        picture.convert("RGBA").save(target, "WEBP", quality=WEBP_QUALITY, method=4)
        return target, "image/webp"
    target = target_folder / f"{source.stem}.jpg"
    picture.convert("RGB").save(target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return target, "image/jpeg"
