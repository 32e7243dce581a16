"""The review lifecycle: submit, approve, request changes, reject, suspend and reinstate.

See the package docstring for the status diagram.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.audit import audit
from marketplace.core.errors import ValidationFailed, ensure_status

from ..models import SupplierProfile
from ._common import (
    MAX_REASONS_LENGTH,
    REINSTATABLE,
    REVIEWABLE,
    SUBMITTABLE,
    SUSPENDABLE,
    Status,
    _lock,
    _notify,
    _save,
)

# --- Lifecycle transitions --------------------------------------------------------------------


def _clean_reasons(reasons: str, *, what: str) -> str:
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationFailed(f"Enter {what}", field="reasons")
    if len(reasons) > MAX_REASONS_LENGTH:
        raise ValidationFailed(
            f"The reasons must be {MAX_REASONS_LENGTH:,} characters or fewer", field="reasons"
        )
    return reasons


@transaction.atomic
def profile_submit(*, profile: SupplierProfile, by: User) -> SupplierProfile:
    """Send the profile to platform admins for review. Refused until the required parts are done."""
    from ..completeness import missing_required

    profile = _lock(profile)
    ensure_status(profile, allowed=SUBMITTABLE)
    missing = missing_required(profile)
    if missing:
        raise ValidationFailed(
            "You need to finish these parts before you submit: "
            + "; ".join(item.label for item in missing)
        )
    previous = profile.status
    profile.status = Status.SUBMITTED
    profile.submitted_at = timezone.now()
    profile.submitted_by = by
    _save(profile)
    audit(by, "supplier.submitted", profile, previous_status=previous)
    _notify(profile, "submitted")
    return profile


@transaction.atomic
def profile_approve(*, profile: SupplierProfile, by: User, reasons: str = "") -> SupplierProfile:
    profile = _lock(profile)
    ensure_status(profile, allowed=REVIEWABLE)
    now = timezone.now()
    profile.status = Status.APPROVED
    profile.reviewed_at = now
    profile.reviewed_by = by
    profile.approved_at = now
    profile.review_reasons = (reasons or "").strip()[:MAX_REASONS_LENGTH]
    _save(profile)
    audit(by, "supplier.approved", profile, reasons=profile.review_reasons)
    _notify(profile, "approved")
    return profile


@transaction.atomic
def profile_request_changes(*, profile: SupplierProfile, by: User, reasons: str) -> SupplierProfile:
    """Send the profile back to the supplier with what to change; they edit and resubmit."""
    reasons = _clean_reasons(reasons, what="what the supplier needs to change")
    profile = _lock(profile)
    ensure_status(profile, allowed=REVIEWABLE)
    profile.status = Status.CHANGES_REQUESTED
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = by
    profile.review_reasons = reasons
    _save(profile)
    audit(by, "supplier.changes_requested", profile, reasons=reasons)
    _notify(profile, "changes_requested")
    return profile


@transaction.atomic
def profile_reject(*, profile: SupplierProfile, by: User, reasons: str) -> SupplierProfile:
    reasons = _clean_reasons(reasons, what="why the profile is rejected")
    profile = _lock(profile)
    ensure_status(profile, allowed=REVIEWABLE)
    profile.status = Status.REJECTED
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = by
    profile.review_reasons = reasons
    _save(profile)
    audit(by, "supplier.rejected", profile, reasons=reasons)
    _notify(profile, "rejected")
    return profile


@transaction.atomic
def profile_suspend(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Hide an approved supplier from buyers until reinstated."""
    reason = _clean_reasons(reason, what="why the supplier is suspended")
    profile = _lock(profile)
    ensure_status(profile, allowed=SUSPENDABLE)
    profile.status = Status.SUSPENDED
    profile.suspended_at = timezone.now()
    profile.suspension_reason = reason
    _save(profile)
    audit(by, "supplier.suspended", profile, reasons=reason)
    _notify(profile, "suspended")
    return profile


@transaction.atomic
def profile_reinstate(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Make a suspended supplier visible again; the suspension stays in the audit trail."""
    reason = _clean_reasons(reason, what="why the supplier is reinstated")
    profile = _lock(profile)
    ensure_status(profile, allowed=REINSTATABLE)
    profile.status = Status.APPROVED
    profile.suspended_at = None
    profile.suspension_reason = ""
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = by
    _save(profile)
    audit(by, "supplier.reinstated", profile, reasons=reason)
    _notify(profile, "reinstated")
    return profile
