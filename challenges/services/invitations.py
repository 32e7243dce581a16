"""Inviting suppliers to compete, and phase progression by invitation.

Phase 1 is open to every approved supplier; an invitation there is a nudge. Phase N+1 (N >= 1)
takes applications only from invited suppliers: ``phase_invite_funded`` invites phase N's
funded suppliers, and the application side checks ``supplier_invited_to`` at apply time.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from marketplace.accounts.models import Membership, User
from marketplace.core.audit import audit
from marketplace.core.errors import ValidationFailed
from suppliers.models import SupplierProfile

from ..models import Application, Challenge, CompetitionInvitation, Phase
from ._common import challenge_link, ensure_challenge_buyer, queue_email, save
from .clarifications import SUPPLIER_ROLES

MAX_MESSAGE_LENGTH = 2000
# A supplier can be invited while the challenge is being prepared or taking applications.
INVITABLE = (
    Challenge.Status.DRAFT,
    Challenge.Status.IN_REVIEW,
    Challenge.Status.SCHEDULED,
    Challenge.Status.OPEN,
    Challenge.Status.DECIDED,
)


def supplier_invited_to(phase: Phase, supplier: SupplierProfile) -> bool:
    """Whether ``supplier`` was invited to ``phase`` (phase N+1 needs this to apply)."""
    return CompetitionInvitation.objects.filter(phase=phase, supplier=supplier).exists()


def _email_invitation(invitation: CompetitionInvitation) -> None:
    challenge = invitation.phase.challenge
    emails = Membership.objects.filter(
        organisation_id=invitation.supplier.organisation_id,
        role__in=SUPPLIER_ROLES,
        user__is_active=True,
    ).values_list("user__email", flat=True)
    queue_email(
        "challenge_invitation",
        sorted(set(emails)),
        {
            "title": challenge.title,
            "buyer": challenge.buyer.name,
            "phase": str(invitation.phase),
            "message": invitation.message,
            "url": challenge_link(challenge),
        },
    )


def _invite(phase: Phase, supplier: SupplierProfile, by: User, message: str):
    # Callers hold the challenge row lock, so this check and the insert cannot interleave with
    # another invitation to the same challenge; the unique constraint is the last word.
    if CompetitionInvitation.objects.filter(phase=phase, supplier=supplier).exists():
        return None
    invitation = CompetitionInvitation(
        phase=phase, supplier=supplier, invited_by=by, message=message
    )
    try:
        with transaction.atomic():
            save(invitation)
    except IntegrityError:
        return None
    audit(
        by, "challenge.supplier_invited", phase.challenge, phase=phase.number, supplier=supplier.pk
    )
    _email_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_create(
    *, phase: Phase, supplier: SupplierProfile, by: User, message: str = ""
) -> CompetitionInvitation:
    """Invite an approved supplier to compete in ``phase``; they are emailed."""
    challenge = Challenge.objects.select_for_update().get(pk=phase.challenge_id)
    ensure_challenge_buyer(by, challenge)
    if challenge.status not in INVITABLE:
        raise ValidationFailed(
            f"You cannot invite suppliers while the challenge is {challenge.get_status_display().lower()}"
        )
    if supplier.status != SupplierProfile.Status.APPROVED:
        raise ValidationFailed("You can only invite approved suppliers")
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ValidationFailed(
            f"The message must be {MAX_MESSAGE_LENGTH:,} characters or fewer", field="message"
        )
    invitation = _invite(phase, supplier, by, message)
    if invitation is None:
        raise ValidationFailed(f"{supplier.display_name} has already been invited to this phase")
    return invitation


@transaction.atomic
def phase_invite_funded(*, phase: Phase, by: User) -> list[CompetitionInvitation]:
    """Invite every supplier funded in the phase before ``phase`` to apply to it. Suppliers
    already invited are skipped, so this is safe to repeat."""
    if phase.number < 2:
        raise ValidationFailed("Only a later phase can be opened to the previous phase's suppliers")
    challenge = Challenge.objects.select_for_update().get(pk=phase.challenge_id)
    ensure_challenge_buyer(by, challenge)
    funded = (
        SupplierProfile.objects.filter(
            applications__phase__challenge=challenge,
            applications__phase__number=phase.number - 1,
            applications__status=Application.Status.FUNDED,
        )
        .distinct()
        .order_by("pk")
    )
    invitations = []
    for supplier in funded:
        invitation = _invite(phase, supplier, by, "You were funded in the previous phase.")
        if invitation is not None:
            invitations.append(invitation)
    return invitations
