"""Every write to a supplier profile: onboarding answers, evidence and the review lifecycle.

Status lifecycle (``SupplierProfile.Status``)::

    draft ──submit──▶ submitted ──approve──▶ approved ──suspend──▶ suspended
      ▲                  │   │                  ▲                      │
      │                  │   └─reject─▶ rejected│                      │
      │        request_changes                  └──────reinstate───────┘
      │                  ▼
      └── (edit) ◀── changes_requested ──submit──▶ submitted

Each transition is one function (in ``review``): it locks the row, checks the allowed-from set,
stamps ``*_at``/``*_by``, writes an ``AuditEvent`` in the same transaction and, after commit,
queues the email to the supplier's admins.

The functions live in submodules (``_common``: shared helpers, status sets, normalisers;
``profile``: creating and editing; ``evidence``: certifications, case studies, listings;
``review``: lifecycle transitions) and are all re-exported here, so callers keep using
``from suppliers import services`` and ``services.profile_submit(...)``. To monkeypatch a name a
service looks up (``audit``, ``_notify``), patch it on the submodule that uses it, for example
``suppliers.services.review._notify``; patching this package does not reach the submodules.
"""

from ._common import (
    CERTIFICATE_EXPIRED_MESSAGE,
    COMPANY_NUMBER_FORMAT_MESSAGE,
    COMPANY_NUMBER_PREFIXES,
    COMPANY_NUMBER_TAKEN_MESSAGE,
    EDITABLE,
    MAX_REASONS_LENGTH,
    MAX_STAFF,
    REINSTATABLE,
    RESERVED_SLUGS,
    REVIEWABLE,
    SUBMITTABLE,
    SUSPENDABLE,
    VAT_NUMBER_MESSAGE,
    Status,
    _ensure_editable,
    _lock,
    _mark_step,
    _notify,
    _raise_for,
    _save,
    _unique_slug,
    normalise_company_number,
    normalise_vat_number,
)
from .evidence import (
    case_study_add,
    case_study_remove,
    case_study_update,
    certification_add,
    certification_remove,
    certification_update,
    listing_add,
    listing_remove,
    listing_update,
)
from .profile import (
    PROFILE_FIELDS,
    profile_set_address,
    profile_set_capabilities,
    profile_set_location,
    profile_set_regions,
    profile_set_size,
    profile_update,
    supplier_create,
)
from .review import (
    _clean_reasons,
    profile_approve,
    profile_reinstate,
    profile_reject,
    profile_request_changes,
    profile_submit,
    profile_suspend,
)

__all__ = [
    # shared: status sets, limits, messages, normalisers
    "CERTIFICATE_EXPIRED_MESSAGE",
    "COMPANY_NUMBER_FORMAT_MESSAGE",
    "COMPANY_NUMBER_PREFIXES",
    "COMPANY_NUMBER_TAKEN_MESSAGE",
    "EDITABLE",
    "MAX_REASONS_LENGTH",
    "MAX_STAFF",
    "REINSTATABLE",
    "RESERVED_SLUGS",
    "REVIEWABLE",
    "SUBMITTABLE",
    "SUSPENDABLE",
    "VAT_NUMBER_MESSAGE",
    "Status",
    "normalise_company_number",
    "normalise_vat_number",
    # creating and editing
    "PROFILE_FIELDS",
    "profile_set_address",
    "profile_set_capabilities",
    "profile_set_location",
    "profile_set_regions",
    "profile_set_size",
    "profile_update",
    "supplier_create",
    # evidence
    "case_study_add",
    "case_study_remove",
    "case_study_update",
    "certification_add",
    "certification_remove",
    "certification_update",
    "listing_add",
    "listing_remove",
    "listing_update",
    # lifecycle transitions
    "profile_approve",
    "profile_reinstate",
    "profile_reject",
    "profile_request_changes",
    "profile_submit",
    "profile_suspend",
    # private helpers, re-exported for code that imported them from the old module
    "_clean_reasons",
    "_ensure_editable",
    "_lock",
    "_mark_step",
    "_notify",
    "_raise_for",
    "_save",
    "_unique_slug",
]
