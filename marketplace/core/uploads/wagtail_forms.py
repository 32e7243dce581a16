"""Form bases for the Wagtail CMS uploads (set in settings as ``WAGTAILDOCS_DOCUMENT_FORM_BASE``
and ``WAGTAILIMAGES_IMAGE_FORM_BASE``), so staff uploads go through the same checks.

Documents are checked by content against ``WAGTAILDOCS_EXTENSIONS``, scanned and renamed.
Images are checked by Wagtail (format by content, size, pixel count; SVG is not allowed) and then
scanned here; Wagtail keeps the original file, which the media view only ever serves as a raster
image.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from ._common import UploadRefused
from .documents import DOCUMENT_KINDS, clean_document_upload
from .scanning import get_scanner

MAX_CMS_DOCUMENT_BYTES = 20 * 1024 * 1024


class CheckedDocumentForm(BaseDocumentForm):
    _refusal: str | None = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload
        allowed = tuple(ext for ext in DOCUMENT_KINDS if ext in settings.WAGTAILDOCS_EXTENSIONS)
        try:
            return clean_document_upload(upload, allowed=allowed, max_bytes=MAX_CMS_DOCUMENT_BYTES)
        except UploadRefused as exc:
            self._refusal = exc.message
            raise forms.ValidationError(exc.message) from None

    def _post_clean(self):
        super()._post_clean()
        if self._refusal:
            # Document.clean() then finds no file and adds a confusing "extension “” is not
            # allowed"; the refusal already says what is wrong.
            self.errors["file"] = self.error_class([self._refusal])


class ScannedImageForm(BaseImageForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload
        try:
            get_scanner().scan(upload)
        except UploadRefused as exc:
            raise forms.ValidationError(exc.message) from None
        upload.seek(0)
        return upload
