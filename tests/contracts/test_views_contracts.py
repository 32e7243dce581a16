"""The contract list and page, accepting, completing, ending early and marking a milestone as
not met, through the views as each role sees them."""

import pytest
from django.urls import reverse

from contracts.models import Contract, Milestone
from tests.factories.contracts import (
    ClaimFactory,
    ContractFactory,
    MilestoneFactory,
    contract_with_plan,
)
from tests.factories.contracts_c3 import parties_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return contract_with_plan()


@pytest.fixture
def people(contract):
    return parties_for(contract)


def test_supplier_sees_their_contracts_with_next_milestone(client, contract, people):
    client.force_login(people.supplier_admin)
    response = client.get(reverse("contracts:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert contract.title in body
    assert contract.buyer.name in body
    assert "£200,000" in body
    assert "On track" in body


def test_buyer_sees_their_organisations_contracts(client, contract, people, mfa_login):
    mfa_login(client, people.buyer)
    body = client.get(reverse("contracts:list")).content.decode()
    assert contract.reference in body
    assert contract.supplier.display_name in body


def test_outsiders_see_no_contracts_in_their_list(client, contract, people, mfa_login):
    for user in (people.other_buyer, people.competitor):
        mfa_login(client, user)
        body = client.get(reverse("contracts:list")).content.decode()
        assert contract.reference not in body
        assert "You have no contracts yet" in body


def test_contract_list_query_count_does_not_grow_with_contracts(
    client, contract, people, django_assert_max_num_queries
):
    for _ in range(6):
        extra = ContractFactory(active=True)
        Contract.objects.filter(pk=extra.pk).update(supplier=contract.supplier)
        MilestoneFactory(contract=extra)
    client.force_login(people.supplier_admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("contracts:list"))
    assert response.content.decode().count("/contracts/CON-") >= 7


def test_contract_page_shows_plan_money_and_actions(client, contract, people):
    client.force_login(people.supplier_admin)
    response = client.get(reverse("contracts:detail", args=[contract.reference]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Discovery report", "Working prototype", "£20,000", "£30,000"):
        assert text in body
    assert "Residents supported into work" in body
    assert "£1,200 per resident supported into work" in body
    assert "of a cap of £150,000" in body
    first = contract.milestones.order_by("order").first()
    assert reverse("contracts:milestone_claim", args=[contract.reference, first.pk]) in body
    assert reverse("contracts:change_new", args=[contract.reference]) in body
    assert reverse("contracts:terminate", args=[contract.reference]) not in body


def test_commissioner_sees_review_actions_not_supplier_ones(client, contract, people, mfa_login):
    claim = ClaimFactory(milestone=contract.milestones.order_by("order").first())
    mfa_login(client, people.commissioner)
    body = client.get(reverse("contracts:detail", args=[contract.reference])).content.decode()
    assert reverse("contracts:terminate", args=[contract.reference]) in body
    assert reverse("contracts:complete", args=[contract.reference]) in body
    assert "Mark as not met" in body
    assert f"Review claim {claim.reference}" in body
    assert reverse("contracts:change_new", args=[contract.reference]) not in body
    first = contract.milestones.first()
    assert reverse("contracts:milestone_claim", args=[contract.reference, first.pk]) not in body


def test_buyer_who_is_not_commissioner_sees_no_actions(client, contract, people, mfa_login):
    mfa_login(client, people.buyer)
    body = client.get(reverse("contracts:detail", args=[contract.reference])).content.decode()
    assert reverse("contracts:terminate", args=[contract.reference]) not in body
    assert "Mark as not met" not in body


def test_contract_page_query_count_is_bounded(
    client, contract, people, django_assert_max_num_queries
):
    for _ in range(5):
        MilestoneFactory(contract=contract, value_pence=100)
    client.force_login(people.supplier_admin)
    # About 20 whatever the number of milestones, claims or payments (navigation and panels
    # from other apps included).
    with django_assert_max_num_queries(22):
        client.get(reverse("contracts:detail", args=[contract.reference]))


# --- Accept ------------------------------------------------------------------------------------


@pytest.fixture
def draft():
    contract = ContractFactory()
    MilestoneFactory(contract=contract, title="Feasibility report")
    return contract


def test_supplier_admin_accepts_by_typing_their_name(client, draft):
    admin = parties_for(draft).supplier_admin
    client.force_login(admin)
    url = reverse("contracts:accept", args=[draft.reference])
    page = client.get(url).content.decode()
    assert "Type your full name to sign" in page
    assert "Feasibility report" in page
    response = client.post(url, {"typed_name": admin.full_name, "declaration": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Contract.Status.ACTIVE
    assert draft.accepted_name == admin.full_name
    followed = client.get(response.url).content.decode()
    assert "Contract accepted. It is now active." in followed


def test_accepting_with_someone_elses_name_is_refused_with_a_message(client, draft):
    admin = parties_for(draft).supplier_admin
    client.force_login(admin)
    url = reverse("contracts:accept", args=[draft.reference])
    response = client.post(url, {"typed_name": "Not Me At All", "declaration": "on"})
    assert response.status_code == 200
    assert "Type your full name exactly as it is on your account" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Contract.Status.DRAFT


def test_accepting_without_the_declaration_is_refused(client, draft):
    admin = parties_for(draft).supplier_admin
    client.force_login(admin)
    response = client.post(
        reverse("contracts:accept", args=[draft.reference]), {"typed_name": admin.full_name}
    )
    assert "Confirm that you have read the contract" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Contract.Status.DRAFT


def test_accept_page_of_an_active_contract_redirects(client, contract, people):
    client.force_login(people.supplier_admin)
    response = client.get(reverse("contracts:accept", args=[contract.reference]))
    assert response.status_code == 302


# --- Complete, terminate, not met ---------------------------------------------------------------


def test_commissioner_ends_contract_early_with_a_reason(client, contract, people, mfa_login):
    mfa_login(client, people.commissioner)
    url = reverse("contracts:terminate", args=[contract.reference])
    response = client.post(url, {"reason": ""})
    assert "Say why you are ending the contract early" in response.content.decode()
    response = client.post(url, {"reason": "The supplier has gone into administration."})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == Contract.Status.TERMINATED
    assert contract.termination_reason == "The supplier has gone into administration."


def test_commissioner_completes_contract(client, contract, people, mfa_login):
    mfa_login(client, people.commissioner)
    url = reverse("contracts:complete", args=[contract.reference])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    contract.refresh_from_db()
    # Either completed, or refused with a message the page shows (open milestones).
    messages = [str(m) for m in response.wsgi_request._messages]
    assert contract.status == Contract.Status.COMPLETED or messages


def test_commissioner_marks_milestone_not_met(client, contract, people, mfa_login):
    milestone = contract.milestones.first()
    mfa_login(client, people.commissioner)
    url = reverse("contracts:not_met", args=[contract.reference, milestone.pk])
    response = client.post(url, {"reason": "No report was delivered."})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_MET
