"""Contract events invite the buyer to review (email + dashboard task), once per stage."""

import pytest
from django.core import mail
from django.test import RequestFactory

from contracts.models import Contract
from contracts.signals import contract_ended, milestone_met
from feedback import selectors
from feedback.models import ReviewInvitation
from tests.factories.contracts import buyer_user_for
from tests.factories.feedback import ReviewFactory, met_milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send a contracts event as the contracts services do: after commit, then run what the
    receivers queued after their own commit (the email)."""

    def run(signal, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            signal.send(sender=None, by=None, **kwargs)

    return run


def test_milestone_met_invites_the_contract_owner_once(milestone, contract, buyer, send):
    owner = buyer_user_for(contract)
    Contract.objects.filter(pk=contract.pk).update(owner=owner)
    for _ in range(2):  # a redelivered event does not invite twice
        send(milestone_met, milestone=milestone)
    invitation = ReviewInvitation.objects.get()
    assert list(invitation.invited.all()) == [owner]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert milestone.title in mail.outbox[0].body
    assert (
        f"/contracts/{contract.reference}/milestones/{milestone.pk}/review/" in mail.outbox[0].body
    )


def test_without_an_owner_the_buyers_are_invited(milestone, contract, buyer, commissioner, send):
    send(milestone_met, milestone=milestone)
    assert mail.outbox[0].to == [buyer.email]


def test_contract_ended_invites_only_once_it_has_ended(contract, buyer, send):
    send(contract_ended, contract=contract)
    assert not ReviewInvitation.objects.exists()
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.COMPLETED)
    send(contract_ended, contract=contract)
    assert ReviewInvitation.objects.get().stage == "contract_end"


def test_the_dashboard_task_goes_once_the_stage_is_reviewed(milestone, contract, buyer, send):
    send(milestone_met, milestone=milestone)
    request = RequestFactory().get("/")
    request.user = buyer
    context = selectors.buyer_dashboard_context(request)
    assert [i.milestone for i in context["to_write"]] == [milestone]
    ReviewFactory(milestone=milestone)
    assert selectors.buyer_dashboard_context(request) is None


def test_another_organisation_sees_no_task(milestone, send):
    send(milestone_met, milestone=milestone)
    other = buyer_user_for(met_milestone().contract)
    request = RequestFactory().get("/")
    request.user = other
    assert selectors.buyer_dashboard_context(request) is None
