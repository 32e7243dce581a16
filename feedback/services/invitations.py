"""Inviting the buyer to review a supplier when a contract stage is reached."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from contracts.models import Contract, Milestone
from marketplace.accounts.models import Role, User
from marketplace.core.audit import audit

from ..models import ReviewInvitation
from ..models.reviews import Stage
from ._common import email_after_commit, link


def _invitees(contract: Contract) -> list[User]:
    """The contract owner, else the buying organisation's buyers (then its commissioners)."""
    if contract.owner_id and contract.owner.is_active:
        return [contract.owner]
    for role in (Role.BUYER, Role.COMMISSIONER):
        users = list(
            User.objects.filter(
                memberships__organisation_id=contract.buyer_id,
                memberships__role=role,
                is_active=True,
            ).order_by("pk")
        )
        if users:
            return users
    return []


@transaction.atomic
def review_invite(*, contract_id: int, milestone_id: int | None = None) -> ReviewInvitation | None:
    """Ask the buyer to review the supplier at this stage; idempotent (one invitation a stage).

    Returns None when the stage has not been reached (a milestone not met, a live contract).
    """
    contract = Contract.objects.select_related("owner", "supplier").get(pk=contract_id)
    milestone = None
    if milestone_id is not None:
        milestone = Milestone.objects.get(pk=milestone_id, contract=contract)
        if milestone.met_at is None and milestone.status not in ("met", "partially_met"):
            return None
        lookup = {"stage": Stage.MILESTONE, "milestone": milestone}
    else:
        if contract.status not in (Contract.Status.COMPLETED, Contract.Status.TERMINATED):
            return None
        lookup = {"stage": Stage.CONTRACT_END, "milestone": None}
    existing = ReviewInvitation.objects.filter(contract=contract, **lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            invitation = ReviewInvitation.objects.create(contract=contract, **lookup)
    except IntegrityError:  # a concurrent task got there first
        return ReviewInvitation.objects.get(contract=contract, **lookup)
    invitees = _invitees(contract)
    invitation.invited.set(invitees)
    invitation.emailed_at = timezone.now()
    invitation.save(update_fields=["emailed_at", "updated_at"])
    audit(None, "review_invitation.created", invitation, contract=contract.pk)
    if milestone is not None:
        url = link("feedback:review_milestone", contract.reference, milestone.pk)
        stage = f"the milestone “{milestone.title}” was met"
    else:
        url = link("feedback:review_contract", contract.reference)
        stage = "the contract has ended"
    email_after_commit(
        "review_invitation",
        [u.email for u in invitees],
        {
            "supplier": contract.supplier.display_name,
            "contract": f"{contract.reference}: {contract.title}",
            "stage": stage,
            "link": url,
        },
    )
    return invitation
