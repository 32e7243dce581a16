"""Form fields that run the upload checks, so a form gets them by declaring one field.

``clean()`` returns a ``ContentFile`` with a generated name, ready to assign to a model
``FileField``/``ImageField``; with no new upload it returns what ``forms.FileField`` would (the
initial file, or ``False`` when the user ticked "clear").
"""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from ._common import UploadRefused
from .documents import clean_document_upload
from .images import clean_image_upload

_FILE_ERRORS = {
    "invalid": "The selected file could not be uploaded. Try again",
    "missing": "The selected file could not be uploaded. Try again",
    "empty": "The selected file is empty. Choose a file that has something in it",
    "contradiction": "Either upload a new file or remove the current one, not both",
}


class _CheckedUploadField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs["error_messages"] = {**_FILE_ERRORS, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not isinstance(value, UploadedFile):
            return value
        try:
            return self.check(value)
        except UploadRefused as exc:
            raise forms.ValidationError(exc.message, code="refused") from None

    def check(self, upload):
        raise NotImplementedError


class ImageUploadField(_CheckedUploadField):
    """A PNG, JPG, GIF or WEBP image, re-encoded and renamed. ``noun`` names it in messages."""

    def __init__(self, *, max_bytes: int, max_pixels: int, noun: str = "image", **kwargs):
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.noun = noun
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def check(self, upload):
        return clean_image_upload(
            upload, max_bytes=self.max_bytes, max_pixels=self.max_pixels, label=self.noun
        )


class DocumentUploadField(_CheckedUploadField):
    """A document of one of the ``allowed`` kinds, checked by content and renamed."""

    def __init__(
        self,
        *,
        max_bytes: int,
        allowed: tuple[str, ...] = ("pdf", "docx", "odt"),
        noun: str = "file",
        **kwargs,
    ):
        self.max_bytes = max_bytes
        self.allowed = tuple(allowed)
        self.noun = noun
        kwargs.setdefault(
            "widget",
            forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in self.allowed)}),
        )
        super().__init__(**kwargs)

    def check(self, upload):
        return clean_document_upload(
            upload, allowed=self.allowed, max_bytes=self.max_bytes, label=self.noun
        )
