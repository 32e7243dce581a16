"""Small helpers the contract views share: scoped loading (404 for anyone not allowed) and
putting a service's error on the right form field."""

from __future__ import annotations

import os

from django.http import FileResponse, Http404

from marketplace.core.errors import DomainError

from .. import selectors
from ..models import ChangeRequest, Claim, Contract


def posted(request):
    """The POST data, or None for a GET (an empty POST is still a POST)."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def contract_or_404(request, reference: str) -> Contract:
    try:
        return selectors.contract_for_user(request.user, reference)
    except Contract.DoesNotExist:
        raise Http404("No such contract") from None


def claim_or_404(request, reference: str) -> Claim:
    try:
        return selectors.claim_for_user(request.user, reference)
    except Claim.DoesNotExist:
        raise Http404("No such claim") from None


def change_or_404(request, pk: int) -> ChangeRequest:
    try:
        return selectors.change_request_for_user(request.user, pk)
    except ChangeRequest.DoesNotExist:
        raise Http404("No such change request") from None


def show_error(form, error: DomainError, *, fields: dict | None = None) -> None:
    """Put a service's error on the form field it names (renamed by ``fields``), or on top."""
    field = (fields or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


def download(file_field, filename: str):
    """Serve a stored file as a download (never inline), under a safe name."""
    if not file_field:
        raise Http404
    extension = os.path.splitext(file_field.name)[1].lower()
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    return FileResponse(handle, as_attachment=True, filename=filename + extension)
