"""Every write to a supplier profile: onboarding answers, evidence and the review lifecycle.

The status lifecycle is declared once, in ``suppliers/lifecycle.py`` (``SupplierProfile.TRANSITIONS``).

Each transition is one function (in ``review``): it locks the row, checks the allowed-from set,
stamps ``*_at``/``*_by``, writes an ``AuditEvent`` in the same transaction and, after commit,
queues the email to the supplier's admins.

The functions live in submodules (``_persist``: locking and validated saves; ``_editing``: the
editable check, step marks and slugs; ``profile``: creating and editing; ``evidence``:
certifications, case studies, listings; ``review``: lifecycle transitions and their emails) and
the public ones are re-exported here, so callers keep using ``from suppliers import services``
and ``services.profile_submit(...)``. Status sets come from the model's transition table,
identifier rules from ``suppliers.identifiers`` and shared limits from ``suppliers.limits``. To monkeypatch a name a
service looks up (``audit``, ``_notify``), patch it on the submodule that uses it, for example
``suppliers.services.review._notify``; patching this package does not reach the submodules.
"""

from ..identifiers import (
    COMPANY_NUMBER_FORMAT_MESSAGE,
    COMPANY_NUMBER_PREFIXES,
    COMPANY_NUMBER_TAKEN_MESSAGE,
    VAT_NUMBER_MESSAGE,
    normalise_company_number,
    normalise_vat_number,
)
from ..limits import CERTIFICATE_EXPIRED_MESSAGE, MAX_REASONS_LENGTH, MAX_STAFF, RESERVED_SLUGS
from ..models import SupplierProfile
from ._editing import EDITABLE
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
from .identity import supplier_identity_approve, supplier_identity_reject
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
    profile_approve,
    profile_reinstate,
    profile_reject,
    profile_request_changes,
    profile_submit,
    profile_suspend,
)

Status = SupplierProfile.Status
# The allowed-from sets, read from the transition table (``SupplierProfile.TRANSITIONS``).
SUBMITTABLE = SupplierProfile.TRANSITIONS.allowed_from("submit")
REVIEWABLE = SupplierProfile.TRANSITIONS.allowed_from("approve")
SUSPENDABLE = SupplierProfile.TRANSITIONS.allowed_from("suspend")
REINSTATABLE = SupplierProfile.TRANSITIONS.allowed_from("reinstate")

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
    # identity changes to an approved profile, held for review
    "supplier_identity_approve",
    "supplier_identity_reject",
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
]
