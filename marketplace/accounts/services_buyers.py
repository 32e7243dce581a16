"""Registering a buying organisation, and platform admins verifying or rejecting it.

A person from a council, NHS body or department asks to register their organisation. It starts
``pending``; the allow-list of public-sector email domains only tells the reviewer whether the
person's email address looks right ("email domain recognised" or "manual review needed"). A
platform admin then verifies it (the person becomes its first buyer, who can invite colleagues)
or rejects it with a reason. Each move locks the row, checks the status it comes from, is
audited with that status, and emails the person after commit.

    pending -> verified
            -> rejected
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from marketplace.core.audit import audit
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed

from .models import Membership, Organisation, PublicSectorDomain, Role, User
from .services import _verified_emails

Status = Organisation.VerificationStatus

MAX_REASON_LENGTH = 2000
# Registrations that still hold their name: nobody else may register it meanwhile.
NAME_HOLDING = (Status.PENDING, Status.VERIFIED)


def email_domain(email: str) -> str:
    return (email or "").rsplit("@", 1)[-1].strip().lower().rstrip(".")


def _parent_domains(domain: str) -> list[str]:
    """ "a.leeds.gov.uk" -> ["a.leeds.gov.uk", "leeds.gov.uk", "gov.uk", "uk"]."""
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]


def recognised_domain(email: str) -> str:
    """The allow-listed domain that ``email`` is at (or under), most specific first; "" if none."""
    domain = email_domain(email)
    if not domain:
        return ""
    candidates = _parent_domains(domain)
    found = set(
        PublicSectorDomain.objects.filter(domain__in=candidates).values_list("domain", flat=True)
    )
    return next((c for c in candidates if c in found), "")


def _ensure_staff(by: User) -> None:
    if not (by.is_active and by.is_staff):
        raise PermissionDenied("Only platform admins can verify buying organisations.")


def _notify(organisation: Organisation, event: str) -> None:
    from .tasks import send_buyer_organisation_email

    organisation_id = organisation.pk
    transaction.on_commit(lambda: send_buyer_organisation_email.delay(organisation_id, event))


@transaction.atomic
def buyer_organisation_register(
    *, by: User, name: str, buyer_type: str, website: str = "", job_title: str
) -> Organisation:
    """Ask for ``name`` to be registered as a buying organisation, with ``by`` as its contact.

    Sending the same request twice (a double click, a resubmitted form) returns the
    registration already made instead of a second one.
    """
    name = " ".join((name or "").split())
    job_title = " ".join((job_title or "").split())
    if not name:
        raise ValidationFailed("Enter the name of your organisation", field="name")
    if buyer_type not in Organisation.BuyerType.values:
        raise ValidationFailed("Select the type of organisation", field="buyer_type")
    if not job_title:
        raise ValidationFailed("Enter your job title", field="job_title")
    if by.email.lower() not in _verified_emails(by):
        raise PermissionDenied(
            "Confirm your email address first: use the link in the email we sent you."
        )
    # Serialise registrations by the same person, so a double post cannot create two.
    User.objects.select_for_update().filter(pk=by.pk).first()
    waiting = Organisation.objects.filter(requested_by=by, verification_status=Status.PENDING)
    same = waiting.filter(name__iexact=name).first()
    if same is not None:
        return same
    if waiting.exists():
        raise InvalidTransition(
            f"You have already asked us to register {waiting.first().name}. We will email you "
            "when we have checked it; you can register another organisation after that."
        )
    if Organisation.objects.filter(
        name__iexact=name, verification_status__in=NAME_HOLDING
    ).exists():
        raise ValidationFailed(
            f"{name} is already registered. If you work there, ask one of its buyers to invite "
            "you.",
            field="name",
        )
    matched = recognised_domain(by.email)
    organisation = Organisation(
        name=name,
        kind=Organisation.Kind.BUYER,
        buyer_type=buyer_type,
        website=website or "",
        verification_status=Status.PENDING,
        requested_at=timezone.now(),
        requested_by=by,
        requester_job_title=job_title,
        email_domain_recognised=bool(matched),
        matched_domain=matched,
    )
    organisation.full_clean(exclude=["slug"])
    organisation.save()
    audit(
        by,
        "organisation.registration_requested",
        organisation,
        buyer_type=buyer_type,
        email_domain_recognised=bool(matched),
        matched_domain=matched,
    )
    _notify(organisation, "requested")
    return organisation


def _lock_pending(organisation: Organisation) -> Organisation:
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.verification_status != Status.PENDING:
        raise InvalidTransition(
            f"{organisation.name} has already been "
            f"{organisation.get_verification_status_display().lower()}, so it cannot be "
            "decided again."
        )
    return organisation


@transaction.atomic
def buyer_organisation_verify(*, organisation: Organisation, by: User) -> Organisation:
    """Accept a registration. The person who asked becomes the organisation's first buyer."""
    _ensure_staff(by)
    organisation = _lock_pending(organisation)
    requester = organisation.requested_by
    if requester is None or not requester.is_active:
        raise InvalidTransition(
            "The person who asked for this registration no longer has an account. Reject it "
            "instead."
        )
    organisation.verification_status = Status.VERIFIED
    organisation.verified_at = timezone.now()
    organisation.verified_by = by
    organisation.full_clean()
    organisation.save()
    membership, _ = Membership.objects.get_or_create(
        user=requester, organisation=organisation, role=Role.BUYER
    )
    audit(
        by,
        "organisation.verified",
        organisation,
        previous_status=Status.PENDING,
        buyer_admin_id=requester.pk,
        membership_id=membership.pk,
    )
    _notify(organisation, "verified")
    return organisation


@transaction.atomic
def buyer_organisation_reject(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """Turn a registration down. The reason is emailed to the person who asked."""
    _ensure_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            "Enter why the organisation is rejected. We email this to the person who asked.",
            field="reason",
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed(
            f"The reason must be {MAX_REASON_LENGTH:,} characters or fewer", field="reason"
        )
    organisation = _lock_pending(organisation)
    organisation.verification_status = Status.REJECTED
    organisation.rejected_at = timezone.now()
    organisation.rejected_by = by
    organisation.rejection_reason = reason
    organisation.full_clean()
    organisation.save()
    audit(by, "organisation.rejected", organisation, previous_status=Status.PENDING, reason=reason)
    _notify(organisation, "rejected")
    return organisation
