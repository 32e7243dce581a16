"""Who an approved supplier is: changes to its identity wait for a platform admin.

An approved supplier once renamed itself "NHS England" and changed its company number, and
buyers saw it at once. Now, on an approved (or suspended) profile, new values for the identity
fields (``IDENTITY_FIELDS``: legal name, trading name, company, charity and VAT numbers) are
held in ``pending_identity``; the live fields keep the last approved values, so the directory,
the API and search show those until a platform admin approves. Every other answer still
changes at once. Draft, submitted and changes-requested profiles edit identity directly,
because the whole profile is reviewed before it is public.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.core.audit import audit
from marketplace.core.errors import InvalidTransition, ValidationFailed

from ..identifiers import COMPANY_NUMBER_TAKEN_MESSAGE
from ..models import IDENTITY_FIELDS, SupplierProfile
from ._persist import _lock, _save
from .review import _clean_reasons, _notify

Status = SupplierProfile.Status
# Statuses in which the public (or a buyer who saw it before) knows the profile by its
# approved identity, so identity changes are held for review.
IDENTITY_REVIEWED = (Status.APPROVED, Status.SUSPENDED)
NOTHING_PENDING_MESSAGE = "There are no name or company detail changes waiting for review."


def identity_is_reviewed(profile: SupplierProfile) -> bool:
    return profile.status in IDENTITY_REVIEWED


def hold_identity_changes(
    profile: SupplierProfile, fields: dict[str, Any], *, by: User
) -> dict[str, Any]:
    """For a locked profile whose identity is reviewed: move identity values out of ``fields``
    into ``profile.pending_identity`` (not saved here), and audit what was asked for.

    A value equal to the live one withdraws that pending change. Returns the other fields,
    which the caller applies at once.
    """
    pending = dict(profile.pending_identity or {})
    before = dict(pending)
    rest = {}
    for name, value in fields.items():
        if name not in IDENTITY_FIELDS:
            rest[name] = value
            continue
        try:
            value = SupplierProfile._meta.get_field(name).clean(value, profile)
        except ValidationError as exc:
            raise ValidationFailed(exc.messages[0], field=name) from None
        if value == getattr(profile, name):
            pending.pop(name, None)
        else:
            pending[name] = value
    if pending == before:
        return rest
    profile.pending_identity = pending
    profile.identity_submitted_at = timezone.now() if pending else None
    audit(
        by,
        "supplier.identity_change_requested",
        profile,
        old={name: getattr(profile, name) for name in pending},
        new=pending,
        withdrawn=sorted(set(before) - set(pending)),
    )
    return rest


def _ensure_pending(profile: SupplierProfile) -> dict[str, Any]:
    if not profile.pending_identity:
        raise InvalidTransition(NOTHING_PENDING_MESSAGE)
    return dict(profile.pending_identity)


@transaction.atomic
def supplier_identity_approve(*, profile: SupplierProfile, by: User) -> SupplierProfile:
    """Apply the supplier's pending identity changes to the live profile, audit and email."""
    profile = _lock(profile)
    pending = _ensure_pending(profile)
    old = {name: getattr(profile, name) for name in pending}
    for name, value in pending.items():
        setattr(profile, name, value)
    if pending.get("company_number", profile.company_number) != old.get(
        "company_number", profile.company_number
    ):
        profile.company_number_verified = False
    number = pending.get("company_number")
    if (
        number
        and SupplierProfile.objects.filter(company_number=number).exclude(pk=profile.pk).exists()
    ):
        raise ValidationFailed(COMPANY_NUMBER_TAKEN_MESSAGE, field="company_number")
    profile.pending_identity = {}
    profile.identity_submitted_at = None
    try:
        with transaction.atomic():
            _save(profile)
    except IntegrityError:  # another profile took the company number meanwhile
        raise ValidationFailed(COMPANY_NUMBER_TAKEN_MESSAGE, field="company_number") from None
    if "legal_name" in pending and pending["legal_name"] != old["legal_name"]:
        profile.organisation.name = profile.legal_name
        profile.organisation.save(update_fields=["name", "updated_at"])
    audit(by, "supplier.identity_approved", profile, old=old, new=pending)
    _notify(profile, "identity_approved")
    return profile


@transaction.atomic
def supplier_identity_reject(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Drop the pending identity changes; the live profile stays as approved. The supplier is
    emailed the reason."""
    reason = _clean_reasons(reason, what="why the name or company details cannot be changed")
    profile = _lock(profile)
    pending = _ensure_pending(profile)
    profile.pending_identity = {}
    profile.identity_submitted_at = None
    _save(profile)
    audit(by, "supplier.identity_rejected", profile, rejected=pending, reasons=reason)
    _notify(profile, "identity_rejected", reason)
    return profile
