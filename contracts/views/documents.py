"""Contract documents (each version of the contract, the award letter) are served only through
this access-checked view, as downloads; their storage is never linked to directly."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .. import selectors
from ..models import ContractDocument
from ._helpers import contract_or_404, download


@login_required
def document_download(request, reference: str, pk: int):
    contract = contract_or_404(request, reference)
    try:
        document = selectors.document_for_contract(contract, pk)
    except ContractDocument.DoesNotExist:
        raise Http404("No such document") from None
    name = f"{contract.reference}-{document.kind.replace('_', '-')}-v{document.version}"
    return download(document.file, name)
