"""Every upload is inert: checked by content, re-encoded where it can be, stored under a
generated name and scanned for viruses. See docs/uploads.md.

Use the form fields in forms (``ImageUploadField``, ``DocumentUploadField``), or the functions
(``clean_image_upload``, ``clean_document_upload``) where a file arrives some other way. Each
raises ``UploadRefused`` (a ``ValidationFailed``) with a message to show the user.
"""

from ._common import ScannerUnavailable, UploadRefused, VirusFound
from .documents import DOCUMENT_KINDS, clean_document_upload
from .fields import DocumentUploadField, ImageUploadField
from .images import IMAGE_FORMATS, clean_image_upload
from .scanning import BuiltinScanner, ClamdScanner, UploadScanner, get_scanner

__all__ = [
    "DOCUMENT_KINDS",
    "IMAGE_FORMATS",
    "BuiltinScanner",
    "ClamdScanner",
    "DocumentUploadField",
    "ImageUploadField",
    "ScannerUnavailable",
    "UploadRefused",
    "UploadScanner",
    "VirusFound",
    "clean_document_upload",
    "clean_image_upload",
    "get_scanner",
]
