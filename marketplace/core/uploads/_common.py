"""What every upload check shares: the refusal errors, reading an upload within a size limit, and
the generated names files are stored under."""

from __future__ import annotations

import contextlib
import uuid

from marketplace.core.errors import ValidationFailed


class UploadRefused(ValidationFailed):
    """The upload broke a rule. The message says what was wrong and how to fix it."""


class VirusFound(UploadRefused):
    """The virus scanner found a virus, or the EICAR test string, in the upload."""


class ScannerUnavailable(UploadRefused):
    """A virus scanner is configured but did not answer, so the upload is refused (fail closed)."""


VIRUS_MESSAGE = "This file contains a virus or test virus, so we cannot accept it"
SCANNER_UNAVAILABLE_MESSAGE = (
    "We could not check this file for viruses. Try again in a few minutes."
)


def format_size(max_bytes: int) -> str:
    """``2097152`` -> ``2MB``; sizes are powers of 1024, as people expect from their computer."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if max_bytes >= factor:
            amount = max_bytes / factor
            return f"{amount:g}{unit}" if amount == int(amount) else f"{amount:.1f}{unit}"
    return f"{max_bytes} bytes"


def read_upload(upload, *, max_bytes: int, label: str) -> bytes:
    """Read the whole upload, refusing it before reading when it is over ``max_bytes``.

    Reads at most ``max_bytes + 1`` bytes, so a file whose declared size is wrong cannot use up
    memory either.
    """
    too_big = UploadRefused(f"The {label} must be smaller than {format_size(max_bytes)}")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_big
    rewind(upload)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big
    if not data:
        raise UploadRefused(
            f"The selected {label} is empty. Choose a file that has something in it"
        )
    return data


def rewind(fileobj) -> None:
    """Go back to the start of a file that may already have been read, if it can seek."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        fileobj.seek(0)


def generated_name(extension: str) -> str:
    """A random name with the extension of the type we detected, never the uploaded name."""
    return f"{uuid.uuid4().hex}.{extension}"
