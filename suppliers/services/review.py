"""The review lifecycle: submit, approve, request changes, reject, suspend and reinstate.

Which status each may start from, where it leads, its audit event and its "done" message come
from ``SupplierProfile.TRANSITIONS`` (``suppliers/lifecycle.py``, with the status diagram).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.audit import audit
from marketplace.core.errors import ValidationFailed

from ..limits import MAX_REASONS_LENGTH
from ..models import SupplierProfile
from ._persist import _lock, _save

Status = SupplierProfile.Status
TRANSITIONS = SupplierProfile.TRANSITIONS


def _notify(profile: SupplierProfile, event: str, reasons: str = "") -> None:
    """Queue the status email after commit, with the reasons the reviewer gave."""
    from ..tasks import send_profile_status_email

    profile_id = profile.pk
    transaction.on_commit(lambda: send_profile_status_email.delay(profile_id, event, reasons))


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
    name: str,
    *,
    by: User,
    changes: dict,
    check=None,
    reasons: str | None = None,
) -> SupplierProfile:
    """Lock the row, check the table allows ``name`` from the current status, apply it, audit
    (with the status it came from) and queue the email.

    ``check`` runs on the locked profile before anything changes and may raise.
    """
    profile = _lock(profile)
    transition = TRANSITIONS.ensure(profile, name)
    if check is not None:
        check(profile)
    previous = profile.status
    profile.status = transition.target
    for field, value in changes.items():
        setattr(profile, field, value)
    _save(profile)
    payload = {} if reasons is None else {"reasons": reasons}
    audit(by, TRANSITIONS.event(name), profile, previous_status=previous, **payload)
    _notify(profile, transition.event, reasons or "")
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
        "submit",
        by=by,
        changes={"submitted_at": timezone.now(), "submitted_by": by},
        check=_ready_to_submit,
    )


@transaction.atomic
def profile_approve(*, profile: SupplierProfile, by: User, reasons: str = "") -> SupplierProfile:
    now = timezone.now()
    reasons = (reasons or "").strip()[:MAX_REASONS_LENGTH]
    changes = {"reviewed_at": now, "reviewed_by": by, "approved_at": now, "review_reasons": reasons}
    return _transition(profile, "approve", by=by, changes=changes, reasons=reasons)


def _review_decision(profile, name: str, *, by, reasons, what) -> SupplierProfile:
    reasons = _clean_reasons(reasons, what=what)
    changes = {"reviewed_at": timezone.now(), "reviewed_by": by, "review_reasons": reasons}
    return _transition(profile, name, by=by, changes=changes, reasons=reasons)


@transaction.atomic
def profile_request_changes(*, profile: SupplierProfile, by: User, reasons: str) -> SupplierProfile:
    """Send the profile back to the supplier with what to change; they edit and resubmit."""
    return _review_decision(
        profile,
        "request_changes",
        by=by,
        reasons=reasons,
        what="what the supplier needs to change",
    )


@transaction.atomic
def profile_reject(*, profile: SupplierProfile, by: User, reasons: str) -> SupplierProfile:
    return _review_decision(
        profile,
        "reject",
        by=by,
        reasons=reasons,
        what="why the profile is rejected",
    )


@transaction.atomic
def profile_suspend(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Hide an approved supplier from buyers until reinstated."""
    reason = _clean_reasons(reason, what="why the supplier is suspended")
    changes = {"suspended_at": timezone.now(), "suspension_reason": reason}
    return _transition(profile, "suspend", by=by, changes=changes, reasons=reason)


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
    return _transition(profile, "reinstate", by=by, changes=changes, reasons=reason)
