"""Serving uploaded files (``/media/...``) so that none of them can run in the browser.

Raster images whose extension is on the list are shown inline; every other file is a download
(``Content-Disposition: attachment``). Nothing is ever sent as ``text/html`` or
``image/svg+xml``, every response says ``nosniff``, and the sandbox CSP stops a file opened
directly from running script or loading anything. Files are read through the default storage, so
this works for the file system and the in-memory storage tests use.

A proxy that serves ``/media/`` itself must send the same headers: see docs/uploads.md.
"""

from __future__ import annotations

import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

INLINE_IMAGE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
}
DOWNLOAD_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "csv": "text/csv",
    "txt": "text/plain",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def safe_media_name(path: str) -> str | None:
    """The storage name for a URL path, or None when it could leave the media folder."""
    if not path or "\\" in path or "\0" in path or path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts) or posixpath.normpath(path) != path:
        return None
    return path


def content_headers(name: str) -> tuple[str, bool]:
    """(Content-Type, shown inline?) chosen from the extension by allow-list."""
    extension = posixpath.splitext(name)[1].lstrip(".").lower()
    if extension in INLINE_IMAGE_TYPES:
        return INLINE_IMAGE_TYPES[extension], True
    return DOWNLOAD_TYPES.get(extension, "application/octet-stream"), False


@require_safe
def serve(request, path: str):
    name = safe_media_name(path)
    if name is None:
        raise Http404("No such file")
    try:
        if not default_storage.exists(name):
            raise Http404("No such file")
        fileobj = default_storage.open(name, "rb")
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404("No such file") from None
    content_type, inline = content_headers(name)
    response = FileResponse(
        fileobj,
        content_type=content_type,
        as_attachment=not inline,
        filename=posixpath.basename(name),
    )
    for header, value in SECURITY_HEADERS.items():
        response[header] = value
    return response
