"""Contract page reads: scoping to the user's organisations, dashboards, and the navigation."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from contracts import selectors
from contracts.models import Claim, Contract, Milestone, Payment
from marketplace.core.registry import DashboardPanel, NavItem, contributions
from tests.factories.accounts import UserFactory
from tests.factories.contracts import ClaimFactory, ContractFactory, contract_with_plan
from tests.factories.contracts_c3 import parties_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return contract_with_plan()


@pytest.fixture
def people(contract):
    return parties_for(contract)


def test_list_is_scoped_to_the_users_organisations(contract, people):
    ContractFactory(active=True)  # someone else's
    assert list(selectors.contract_list_for_user(people.supplier_member)) == [contract]
    assert list(selectors.contract_list_for_user(people.buyer)) == [contract]
    assert list(selectors.contract_list_for_user(people.other_buyer)) == []
    assert list(selectors.contract_list_for_user(people.competitor)) == []
    assert list(selectors.contract_list_for_user(UserFactory())) == []


def test_next_due_is_the_earliest_open_milestone(contract, people):
    first, second = contract.milestones.order_by("due_on")
    row = selectors.contract_list_for_user(people.supplier_admin).get()
    assert row.next_due_on == first.due_on
    Milestone.objects.filter(pk=first.pk).update(status=Milestone.Status.MET)
    row = selectors.contract_list_for_user(people.supplier_admin).get()
    assert row.next_due_on == second.due_on


@pytest.mark.parametrize("who", ["other_buyer", "other_commissioner", "competitor"])
def test_scoped_lookups_refuse_outsiders(contract, people, who):
    claim = ClaimFactory(milestone=contract.milestones.first())
    user = getattr(people, who)
    with pytest.raises(Contract.DoesNotExist):
        selectors.contract_for_user(user, contract.reference)
    with pytest.raises(Claim.DoesNotExist):
        selectors.claim_for_user(user, claim.reference)


def test_contract_page_sums_payments_received_and_expected(contract):
    milestones = list(contract.milestones.order_by("order"))
    for milestone, status in zip(
        milestones, (Payment.Status.PAID, Payment.Status.SUBMITTED), strict=True
    ):
        claim = ClaimFactory(
            milestone=milestone,
            status=Claim.Status.APPROVED,
            approved_pence=milestone.value_pence,
            reviewed_at=timezone.now(),
        )
        Payment.objects.create(
            claim=claim,
            contract=contract,
            amount_pence=milestone.value_pence,
            status=status,
            provider=Payment.Provider.LEDGER,
            idempotency_key=f"pay-{claim.pk}",
            approved_at=timezone.now(),
            paid_at=timezone.now() if status == Payment.Status.PAID else None,
        )
    page = selectors.contract_page(contract)
    assert page.received_pence == 2_000_000
    assert page.expected_pence == 3_000_000
    assert milestones[0].pk in {m.pk for m in page.milestones if m.latest_claim}


def test_supplier_dashboard_says_what_is_due_and_what_is_expected(contract, people):
    summary = selectors.supplier_contracts_summary(people.supplier_admin)
    assert summary["contracts"] == [contract]
    assert [m.title for m in summary["due_milestones"]] == ["Discovery report", "Working prototype"]
    assert summary["received_pence"] == 0
    assert selectors.supplier_contracts_summary(people.buyer) is None
    assert selectors.supplier_contracts_summary(people.competitor) is None


def test_commissioner_dashboard_lists_waiting_claims_oldest_first(contract, people):
    first, second = contract.milestones.order_by("order")
    older = ClaimFactory(milestone=first, submitted_at=timezone.now() - datetime.timedelta(days=9))
    newer = ClaimFactory(milestone=second)
    summary = selectors.commissioner_review_summary(people.commissioner)
    assert [c.pk for c in summary["claims"]] == [older.pk, newer.pk]
    assert summary["claims"][0].days_waiting == 9
    assert summary["total"] == 2
    assert selectors.commissioner_review_summary(people.buyer) is None
    assert selectors.commissioner_review_summary(people.other_commissioner)["claims"] == []


def test_navigation_and_panels_are_registered_for_the_right_people(contract, people):
    nav = next(item for item in contributions(NavItem) if item.key == "contracts")
    request = RequestFactory().get("/")
    request.user = people.supplier_member
    assert nav.visible(request)
    request.user = UserFactory()
    assert not nav.visible(request)
    keys = {panel.key for panel in contributions(DashboardPanel)}
    assert {"contracts.supplier", "contracts.commissioner"} <= keys


def test_dashboard_shows_both_panels(client, contract, people, mfa_login):
    ClaimFactory(milestone=contract.milestones.first())
    client.force_login(people.supplier_admin)
    body = client.get("/dashboard/").content.decode()
    assert "Your contracts" in body
    assert "Discovery report" in body
    mfa_login(client, people.commissioner)
    body = client.get("/dashboard/").content.decode()
    assert "Claims waiting for review" in body


def test_payment_set_up_is_offered_to_who_does_it_and_only_with_stripe(
    client, contract, people, mfa_login, settings
):
    from contracts.models import BuyerBillingAccount, SupplierPayoutAccount

    settings.PAYMENT_PROVIDER = "ledger"
    assert selectors.payment_setup(people.supplier_admin) == {"payouts": None, "billing": None}
    # With the ledger there is nothing to set up: the pages are not there either.
    client.force_login(people.supplier_admin)
    assert client.get("/payouts/").status_code == 404
    assert client.post(f"/payouts/{contract.supplier_id}/start/").status_code == 404
    mfa_login(client, people.commissioner)
    assert client.get("/billing/").status_code == 404

    settings.PAYMENT_PROVIDER = "stripe"
    assert selectors.payment_setup(people.supplier_admin) == {
        "payouts": {"needed": True},
        "billing": None,
    }
    assert selectors.payment_setup(people.commissioner) == {
        "payouts": None,
        "billing": {"needed": True},
    }
    # A supplier's ordinary member, a buyer without the commissioner role, a stranger.
    for user in (people.supplier_member, people.buyer, UserFactory()):
        assert selectors.payment_setup(user) == {"payouts": None, "billing": None}

    client.force_login(people.supplier_admin)
    body = client.get("/dashboard/").content.decode()
    assert "Set up how you get paid" in body and 'href="/payouts/"' in body
    assert "Set up how you get paid" in client.get("/contracts/").content.decode()

    SupplierPayoutAccount.objects.create(
        supplier=contract.supplier, stripe_account_id="acct_1", onboarding_complete=True
    )
    BuyerBillingAccount.objects.create(
        organisation=contract.buyer, stripe_customer_id="cus_1", payment_method_id="pm_1"
    )
    assert selectors.payment_setup(people.supplier_admin)["payouts"] == {"needed": False}
    assert selectors.payment_setup(people.commissioner)["billing"] == {"needed": False}
    body = client.get("/dashboard/").content.decode()
    assert "Set up how you get paid" not in body and "How you get paid" in body

    mfa_login(client, people.commissioner)
    body = client.get("/dashboard/").content.decode()
    assert "How your organisation pays" in body and 'href="/billing/"' in body
