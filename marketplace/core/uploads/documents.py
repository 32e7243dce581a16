"""Documents: the type is detected from the content against an allow-list, never from the name
or the browser's content type, and the file is stored under a generated name with the extension
of the detected type. HTML, SVG and scripts match no kind, so they are refused whatever they are
called. Office files are zip archives: their size and entry count are limited before anything
inside is read, and encrypted or corrupt archives are refused.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile

from ._common import UploadRefused, generated_name, read_upload
from .scanning import scan_bytes

logger = logging.getLogger(__name__)

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200  # a normal Office file compresses 2-20 times; bombs compress 1000 times


@dataclass(frozen=True)
class DocumentKind:
    extension: str
    name: str  # how the kind is named in messages
    zip_folder: str = ""  # OOXML: a folder the archive must contain
    odf_mimetype: str = ""  # OpenDocument: the content of the ``mimetype`` entry


DOCUMENT_KINDS = {
    kind.extension: kind
    for kind in (
        DocumentKind("pdf", "PDF"),
        DocumentKind("docx", "Word document (DOCX)", zip_folder="word/"),
        DocumentKind("xlsx", "Excel spreadsheet (XLSX)", zip_folder="xl/"),
        DocumentKind("pptx", "PowerPoint presentation (PPTX)", zip_folder="ppt/"),
        DocumentKind(
            "odt", "OpenDocument text (ODT)", odf_mimetype="application/vnd.oasis.opendocument.text"
        ),
        DocumentKind(
            "ods",
            "OpenDocument spreadsheet (ODS)",
            odf_mimetype="application/vnd.oasis.opendocument.spreadsheet",
        ),
        DocumentKind(
            "odp",
            "OpenDocument presentation (ODP)",
            odf_mimetype="application/vnd.oasis.opendocument.presentation",
        ),
        DocumentKind("csv", "CSV"),
        DocumentKind("txt", "plain text (TXT)"),
    )
}
# Text that a browser, or a double-click, would run or render rather than show as text.
_ACTIVE_TEXT_STARTS = (b"<", b"#!", b"\xef\xbb\xbf<")


def clean_document_upload(
    upload,
    *,
    allowed: tuple[str, ...] = ("pdf", "docx", "odt"),
    max_bytes: int,
    label: str = "file",
) -> ContentFile:
    """Check, scan and rename an uploaded document. Returns a new file to store.

    ``allowed`` holds extensions from ``DOCUMENT_KINDS``. Raises ``UploadRefused`` (or
    ``VirusFound``/``ScannerUnavailable``) with a message for the user.
    """
    unknown = set(allowed) - set(DOCUMENT_KINDS)
    if unknown:
        raise ValueError(f"Unknown document kinds: {sorted(unknown)}")
    data = read_upload(upload, max_bytes=max_bytes, label=label)
    scan_bytes(data)
    kind = _detect(data, allowed)
    if kind is None:
        raise UploadRefused(f"The {label} must be {_describe(allowed)}")
    return ContentFile(data, name=generated_name(kind.extension))


def _describe(allowed: tuple[str, ...]) -> str:
    names = [DOCUMENT_KINDS[ext].name for ext in allowed]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"a {listed}"


def _detect(data: bytes, allowed: tuple[str, ...]) -> DocumentKind | None:
    if data.startswith(b"%PDF-"):
        return DOCUMENT_KINDS["pdf"] if "pdf" in allowed else None
    if data.startswith(b"PK\x03\x04"):
        return _detect_zip(data, allowed)
    for ext in ("csv", "txt"):
        if ext in allowed and _is_plain_text(data):
            return DOCUMENT_KINDS[ext]
    return None


def _detect_zip(data: bytes, allowed: tuple[str, ...]) -> DocumentKind | None:
    corrupt = UploadRefused(
        "The file is damaged and cannot be opened. Save it again and upload the new copy"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            _check_archive(entries, compressed_size=len(data))
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" in names:
                for ext in ("docx", "xlsx", "pptx"):
                    folder = DOCUMENT_KINDS[ext].zip_folder
                    if ext in allowed and any(name.startswith(folder) for name in names):
                        return DOCUMENT_KINDS[ext]
                return None
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(100).strip().decode("ascii", "replace")
                for ext in ("odt", "ods", "odp"):
                    if ext in allowed and mimetype == DOCUMENT_KINDS[ext].odf_mimetype:
                        return DOCUMENT_KINDS[ext]
            return None
    except UploadRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise corrupt from None
    except (NotImplementedError, RuntimeError):  # unsupported compression, encryption
        raise corrupt from None
    except Exception:  # no file may cause a 500, whatever zipfile bug it finds
        logger.info("Document upload refused: the archive could not be read", exc_info=True)
        raise corrupt from None


def _check_archive(entries: list[zipfile.ZipInfo], *, compressed_size: int) -> None:
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise UploadRefused(
            "The file is protected with a password. Remove the password and upload it again"
        )
    uncompressed = sum(entry.file_size for entry in entries)
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or uncompressed > MAX_ZIP_UNCOMPRESSED_BYTES
        or uncompressed > compressed_size * MAX_ZIP_RATIO
    ):
        raise UploadRefused(
            "The file is too large when opened. Remove large images or embedded files and "
            "upload it again"
        )


def _is_plain_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.lstrip().lower().startswith(_ACTIVE_TEXT_STARTS)
