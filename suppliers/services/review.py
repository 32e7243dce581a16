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


def _transition(
    profile: SupplierProfile,
    *,
    by: User,
    allowed,
    to: str,
    event: str,
    changes: dict,
    check=None,
    **payload,
) -> SupplierProfile:
    """Lock the row, check the status allows the move, apply it, audit (with the status it
    came from) and queue the email.

    ``check`` runs on the locked profile before anything changes and may raise.
    """
    profile = _lock(profile)
    ensure_status(profile, allowed=allowed)
    if check is not None:
        check(profile)
    previous = profile.status
    profile.status = to
    for name, value in changes.items():
        setattr(profile, name, value)
    _save(profile)
    audit(by, f"supplier.{event}", profile, previous_status=previous, **payload)
    _notify(profile, event)
    return profile


def _ready_to_submit(profile: SupplierProfile) -> None:
    from ..completeness import missing_required

    missing = missing_required(profile)
    if missing:
        raise ValidationFailed(
            "You need to finish these parts before you submit: "
            + "; ".join(item.label for item in missing)
        )


@transaction.atomic
def profile_submit(*, profile: SupplierProfile, by: User) -> SupplierProfile:
    """Send the profile to platform admins for review. Refused until the required parts are done."""
    return _transition(
        profile,
        by=by,
        allowed=SUBMITTABLE,
        to=Status.SUBMITTED,
        event="submitted",
        changes={"submitted_at": timezone.now(), "submitted_by": by},
        check=_ready_to_submit,
    )


@transaction.atomic
def profile_approve(*, profile: SupplierProfile, by: User, reasons: str = "") -> SupplierProfile:
    now = timezone.now()
    reasons = (reasons or "").strip()[:MAX_REASONS_LENGTH]
    changes = {"reviewed_at": now, "reviewed_by": by, "approved_at": now, "review_reasons": reasons}
    return _transition(
        profile,
        by=by,
        allowed=REVIEWABLE,
        to=Status.APPROVED,
        event="approved",
        changes=changes,
        reasons=reasons,
    )


def _review_decision(profile, *, by, to, event, reasons, what) -> SupplierProfile:
    reasons = _clean_reasons(reasons, what=what)
    changes = {"reviewed_at": timezone.now(), "reviewed_by": by, "review_reasons": reasons}
    return _transition(
        profile, by=by, allowed=REVIEWABLE, to=to, event=event, changes=changes, reasons=reasons
    )


@transaction.atomic
def profile_request_changes(*, profile: SupplierProfile, by: User, reasons: str) -> SupplierProfile:
    """Send the profile back to the supplier with what to change; they edit and resubmit."""
    return _review_decision(
        profile,
        by=by,
        to=Status.CHANGES_REQUESTED,
        event="changes_requested",
        reasons=reasons,
        what="what the supplier needs to change",
    )


@transaction.atomic
def profile_reject(*, profile: SupplierProfile, by: User, reasons: str) -> SupplierProfile:
    return _review_decision(
        profile,
        by=by,
        to=Status.REJECTED,
        event="rejected",
        reasons=reasons,
        what="why the profile is rejected",
    )


@transaction.atomic
def profile_suspend(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Hide an approved supplier from buyers until reinstated."""
    reason = _clean_reasons(reason, what="why the supplier is suspended")
    return _transition(
        profile,
        by=by,
        allowed=SUSPENDABLE,
        to=Status.SUSPENDED,
        event="suspended",
        changes={"suspended_at": timezone.now(), "suspension_reason": reason},
        reasons=reason,
    )


@transaction.atomic
def profile_reinstate(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Make a suspended supplier visible again; the suspension stays in the audit trail."""
    reason = _clean_reasons(reason, what="why the supplier is reinstated")
    changes = {
        "suspended_at": None,
        "suspension_reason": "",
        "reviewed_at": timezone.now(),
        "reviewed_by": by,
    }
    return _transition(
        profile,
        by=by,
        allowed=REINSTATABLE,
        to=Status.APPROVED,
        event="reinstated",
        changes=changes,
        reasons=reason,
    )
