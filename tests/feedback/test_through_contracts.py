"""The real contracts services send the events; the buyer gets the review invitations."""

import pytest
from django.core import mail

from contracts.services.claims import claim_approve, claim_submit_milestone
from contracts.services.contracts import contract_complete
from feedback.models import ReviewInvitation
from tests.factories.contracts import (
    MilestoneFactory,
    buyer_user_for,
    commissioner_for,
    supplier_admin_for,
)

pytestmark = pytest.mark.django_db


def test_approving_a_milestone_claim_and_completing_invite_a_review(
    django_capture_on_commit_callbacks,
):
    milestone = MilestoneFactory(title="Discovery report")
    contract = milestone.contract
    buyer = buyer_user_for(contract)
    commissioner = commissioner_for(contract)
    supplier = supplier_admin_for(contract)
    claim = claim_submit_milestone(milestone=milestone, by=supplier, notes="Report attached")
    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(claim=claim, by=commissioner)
    invitation = ReviewInvitation.objects.get()
    assert invitation.milestone == milestone
    assert list(invitation.invited.all()) == [buyer]
    assert any("Discovery report" in m.body and m.to == [buyer.email] for m in mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        contract_complete(contract=contract, by=commissioner)
    assert ReviewInvitation.objects.filter(stage="contract_end", contract=contract).exists()
