"""Images: opened with Pillow under a pixel limit, re-encoded from their pixels alone (which drops
EXIF, ICC profiles, comments and PNG text chunks, where scripts hide) and stored under a generated
name with the extension of the format Pillow detected."""

from __future__ import annotations

import io
import logging
import threading
import warnings
from contextlib import contextmanager

from django.core.files.base import ContentFile
from PIL import Image, ImageFile, ImageOps, ImageSequence, UnidentifiedImageError

from ._common import UploadRefused, generated_name, read_upload
from .scanning import scan_bytes

logger = logging.getLogger(__name__)

# Detected format -> stored extension. Pillow is only allowed to try these decoders.
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
# Only what a frame needs to look the same; everything else in ``info`` is metadata.
_KEPT_INFO = ("transparency", "duration", "loop", "background")
# Errors Pillow documents for corrupt files. Decoders for hostile files raise others too
# (struct.error, KeyError, ZeroDivisionError...), which are caught below and logged.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError)


def clean_image_upload(
    upload, *, max_bytes: int, max_pixels: int, label: str = "image"
) -> ContentFile:
    """Check, scan and re-encode an uploaded image. Returns a new file to store.

    Never trusts the uploaded name or content type. ``max_pixels`` counts every frame of an
    animation. Raises ``UploadRefused`` (or ``VirusFound``/``ScannerUnavailable``) with a message
    for the user.
    """
    data = read_upload(upload, max_bytes=max_bytes, label=label)
    scan_bytes(data)
    wrong_type = UploadRefused(f"The {label} must be a PNG, JPG, GIF or WEBP image")
    too_many_pixels = UploadRefused(
        f"The image is too large: it must be no more than {max_pixels / 1_000_000:g} million "
        "pixels. Make it smaller and upload it again"
    )
    try:
        with _whole_images_only(), warnings.catch_warnings():
            # Pillow warns above Image.MAX_IMAGE_PIXELS and raises above twice that; both are
            # refusals here, whatever our own (lower) limit says.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
                # A camera's multi-picture JPEG (MPO) is kept as a plain JPEG of its first picture.
                image_format = {"MPO": "JPEG"}.get(image.format, image.format)
                if image_format not in IMAGE_FORMATS:
                    raise wrong_type
                frames = getattr(image, "n_frames", 1)
                if image.width * image.height * frames > max_pixels:
                    raise too_many_pixels
                encoded = _reencode(image, image_format, frames)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except _DECODE_ERRORS:
        raise wrong_type from None
    except Exception:  # no file may cause a 500, whatever decoder bug it finds
        logger.info("Image upload refused: the decoder failed", exc_info=True)
        raise wrong_type from None
    return ContentFile(encoded, name=generated_name(IMAGE_FORMATS[image_format]))


# WeasyPrint sets Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when it is
# imported (for PDFs), which would let a cut-off upload through as a half-grey picture. Uploads
# switch it off while they decode; the lock keeps two uploads from restoring it out of order.
_TRUNCATED_IMAGES_LOCK = threading.Lock()


@contextmanager
def _whole_images_only():
    with _TRUNCATED_IMAGES_LOCK:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _clean_frame(frame: Image.Image) -> Image.Image:
    clean = frame.copy()
    clean.info = {key: frame.info[key] for key in _KEPT_INFO if key in frame.info}
    return clean


def _reencode(image: Image.Image, image_format: str, frames: int) -> bytes:
    out = io.BytesIO()
    if image_format == "JPEG":
        # Apply the EXIF rotation to the pixels before the EXIF block is dropped.
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        _clean_frame(image).save(out, "JPEG", quality=90)
    elif frames > 1:
        clean = [_clean_frame(frame) for frame in ImageSequence.Iterator(image)]
        options = {k: image.info[k] for k in ("duration", "loop") if k in image.info}
        clean[0].save(out, image_format, save_all=True, append_images=clean[1:], **options)
    else:
        image.load()
        clean = _clean_frame(image)
        options = {"quality": 90} if image_format == "WEBP" else {}
        clean.save(out, image_format, **options)
    return out.getvalue()
