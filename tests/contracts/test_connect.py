"""Stripe Connect (not in localstripe): onboarding links, the account.updated webhook and the
transfer to the supplier, against an HTTP stub answering Stripe-shaped JSON. The real ``stripe``
client and our provider code make the requests; the stub records what they sent."""

import pytest
from django.urls import reverse
from django.utils import timezone

from contracts.models import BuyerBillingAccount, Payment, SupplierPayoutAccount
from contracts.services.claims import claim_approve
from contracts.services.payments import (
    payment_execute,
    payout_account_refresh,
    payout_onboarding_link,
    webhook_handle,
)
from marketplace.accounts.models import Role
from marketplace.core.errors import PermissionDenied
from tests.contracts.conftest import stripe_event
from tests.factories.accounts import MembershipFactory
from tests.factories.contracts import (
    ContractFactory,
    buyer_user_for,
    commissioner_for,
    supplier_admin_for,
)
from tests.factories.contracts_c2 import milestone_claim

pytestmark = pytest.mark.django_db

RETURN = "https://marketplace.test/payouts/1/return/"
REFRESH = "https://marketplace.test/payouts/1/refresh/"


def test_onboarding_creates_one_connected_account_and_a_link(connect_stub):
    contract = ContractFactory()
    admin = supplier_admin_for(contract)
    url = payout_onboarding_link(
        supplier=contract.supplier, by=admin, return_url=RETURN, refresh_url=REFRESH
    )
    account = SupplierPayoutAccount.objects.get(supplier=contract.supplier)
    assert account.stripe_account_id.startswith("acct_")
    assert url == f"https://connect.stripe.com/setup/e/{account.stripe_account_id}/onboard"
    [created] = connect_stub.calls("POST", "/v1/accounts")
    assert created["type"] == "express" and created["country"] == "GB"
    assert created["capabilities[transfers][requested]"] == "true"
    assert created["metadata[supplier]"] == str(contract.supplier.pk)
    headers = [h for m, p, _, h in connect_stub.requests if p == "/v1/accounts"]
    assert headers[0]["Idempotency-Key"] == f"payout-account-{contract.supplier.pk}"
    [link] = connect_stub.calls("POST", "/v1/account_links")
    assert link == {
        "account": account.stripe_account_id,
        "refresh_url": REFRESH,
        "return_url": RETURN,
        "type": "account_onboarding",
    }
    # Again (an expired link): a new link for the same account.
    payout_onboarding_link(
        supplier=contract.supplier, by=admin, return_url=RETURN, refresh_url=REFRESH
    )
    assert len(connect_stub.calls("POST", "/v1/accounts")) == 1
    assert len(connect_stub.calls("POST", "/v1/account_links")) == 2


@pytest.mark.parametrize("who", ["member", "competitor", "commissioner"])
def test_only_the_suppliers_admins_set_up_payouts(connect_stub, who):
    contract = ContractFactory()
    user = {
        "member": lambda: (
            MembershipFactory(
                organisation=contract.supplier.organisation, role=Role.SUPPLIER_MEMBER
            ).user
        ),
        "competitor": lambda: supplier_admin_for(ContractFactory()),
        "commissioner": lambda: commissioner_for(contract),
    }[who]()
    with pytest.raises(PermissionDenied):
        payout_onboarding_link(
            supplier=contract.supplier, by=user, return_url=RETURN, refresh_url=REFRESH
        )
    assert connect_stub.requests == []


def _paid_payment(connect_stub):
    claim, admin, commissioner = milestone_claim()
    payment = claim_approve(claim=claim, by=commissioner)
    Payment.objects.filter(pk=payment.pk).update(
        status=Payment.Status.PAID, paid_at=timezone.now(), provider_payment_id="pi_stub1"
    )
    connect_stub.payment_intents["pi_stub1"] = {
        "id": "pi_stub1",
        "object": "payment_intent",
        "amount": payment.amount_pence,
        "currency": "gbp",
        "status": "succeeded",
        "latest_charge": "ch_stub1",
        "metadata": {"payment": str(payment.pk)},
    }
    payment.refresh_from_db()
    return payment, admin


def test_onboarding_completes_by_webhook_and_the_supplier_is_paid_by_transfer(
    connect_stub, sign_webhook, django_capture_on_commit_callbacks
):
    payment, admin = _paid_payment(connect_stub)
    supplier = payment.contract.supplier
    payout_onboarding_link(supplier=supplier, by=admin, return_url=RETURN, refresh_url=REFRESH)
    account = SupplierPayoutAccount.objects.get(supplier=supplier)
    # Not ready yet: nothing is transferred.
    assert payment_execute(payment_id=payment.pk).provider_transfer_id == ""
    assert connect_stub.calls("POST", "/v1/transfers") == []

    stub_account = connect_stub.accounts[account.stripe_account_id]
    stub_account.update(payouts_enabled=True, capabilities={"transfers": "active"})
    payload, header = sign_webhook(stripe_event("account.updated", stub_account))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_handle(payload=payload, signature=header) == "ready"
    account.refresh_from_db()
    assert account.onboarding_complete

    payment.refresh_from_db()
    assert payment.provider_transfer_id.startswith("tr_")
    [transfer] = connect_stub.calls("POST", "/v1/transfers")
    assert transfer["amount"] == str(payment.amount_pence)
    assert transfer["currency"] == "gbp"
    assert transfer["destination"] == account.stripe_account_id
    assert transfer["source_transaction"] == "ch_stub1"
    assert transfer["metadata[payment]"] == str(payment.pk)
    keys = [h["Idempotency-Key"] for m, p, _, h in connect_stub.requests if p == "/v1/transfers"]
    assert keys == [f"{payment.idempotency_key}-transfer"]
    # Executing again never transfers twice.
    payment_execute(payment_id=payment.pk)
    assert len(connect_stub.calls("POST", "/v1/transfers")) == 1


def test_a_transfer_stripe_cannot_take_is_tried_again(connect_stub):
    payment, _ = _paid_payment(connect_stub)
    SupplierPayoutAccount.objects.create(
        supplier=payment.contract.supplier, stripe_account_id="acct_ready", onboarding_complete=True
    )
    connect_stub.fail_next = 1  # the PaymentIntent lookup answers 500
    payment = payment_execute(payment_id=payment.pk)
    assert payment.status == Payment.Status.PAID
    assert payment.provider_transfer_id == ""
    assert payment.attempts == 1 and payment.next_attempt_at is not None
    payment = payment_execute(payment_id=payment.pk)
    assert payment.provider_transfer_id.startswith("tr_")


def test_back_from_onboarding_the_account_is_checked(connect_stub):
    contract = ContractFactory()
    admin = supplier_admin_for(contract)
    payout_onboarding_link(
        supplier=contract.supplier, by=admin, return_url=RETURN, refresh_url=REFRESH
    )
    account = payout_account_refresh(supplier=contract.supplier, by=admin)
    assert not account.onboarding_complete
    connect_stub.accounts[account.stripe_account_id]["payouts_enabled"] = True
    account = payout_account_refresh(supplier=contract.supplier, by=admin)
    assert account.onboarding_complete


# --- Pages ---------------------------------------------------------------------------------------


def test_payouts_pages_are_for_the_suppliers_admins_only(
    client, connect_stub, mfa_login, with_totp
):
    contract = ContractFactory()
    supplier = contract.supplier
    start = reverse("contracts:payouts_start", args=[supplier.pk])
    assert client.get(reverse("contracts:payouts")).status_code == 302  # to sign in
    assert client.post(start).status_code == 302
    assert "/accounts/login/" in client.post(start)["Location"]
    for outsider in (commissioner_for(contract), supplier_admin_for(ContractFactory())):
        mfa_login(client, with_totp(outsider))
        assert client.post(start).status_code == 404
        assert (
            client.get(reverse("contracts:payouts_return", args=[supplier.pk])).status_code == 404
        )
    mfa_login(client, with_totp(commissioner_for(contract)))
    assert client.get(reverse("contracts:payouts")).status_code == 404
    assert connect_stub.requests == []


def test_supplier_admin_is_sent_to_stripe_onboarding_and_back(
    client, connect_stub, mfa_login, with_totp
):
    contract = ContractFactory()
    supplier = contract.supplier
    mfa_login(client, with_totp(supplier_admin_for(contract)))
    page = client.get(reverse("contracts:payouts"))
    assert page.status_code == 200
    assert "Set up payouts" in page.content.decode()
    response = client.post(reverse("contracts:payouts_start", args=[supplier.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("https://connect.stripe.com/setup/e/acct_")
    [link] = connect_stub.calls("POST", "/v1/account_links")
    assert link["return_url"].endswith(f"/payouts/{supplier.pk}/return/")
    assert link["refresh_url"].endswith(f"/payouts/{supplier.pk}/refresh/")
    # An expired link: Stripe sends the person to refresh_url for a new one.
    again = client.get(reverse("contracts:payouts_refresh", args=[supplier.pk]))
    assert again["Location"].startswith("https://connect.stripe.com/")
    account = SupplierPayoutAccount.objects.get(supplier=supplier)
    connect_stub.accounts[account.stripe_account_id]["payouts_enabled"] = True
    back = client.get(reverse("contracts:payouts_return", args=[supplier.pk]), follow=True)
    assert "Payouts set up" in back.content.decode()
    assert "Ready to receive payments" in back.content.decode()


def test_billing_pages_are_for_commissioners_of_the_organisation(
    client, connect_stub, mfa_login, with_totp
):
    contract = ContractFactory()
    start = reverse("contracts:billing_start", args=[contract.buyer.slug])
    assert client.get(reverse("contracts:billing")).status_code == 302
    assert "/accounts/login/" in client.post(start)["Location"]
    other = ContractFactory()
    for outsider in (
        buyer_user_for(contract),
        commissioner_for(other),
        supplier_admin_for(contract),
    ):
        mfa_login(client, with_totp(outsider))
        assert client.post(start).status_code == 404
        done = reverse("contracts:billing_done", args=[contract.buyer.slug])
        assert client.get(done + "?session_id=cs_x").status_code == 404
    mfa_login(client, with_totp(commissioner_for(other)))
    page = client.get(reverse("contracts:billing")).content.decode()
    assert other.buyer.name in page and contract.buyer.name not in page
    assert connect_stub.requests == []


def test_commissioner_saves_a_card_through_checkout(client, connect_stub, mfa_login, with_totp):
    contract = ContractFactory()
    mfa_login(client, with_totp(commissioner_for(contract)))
    page = client.get(reverse("contracts:billing"))
    assert "Not set up" in page.content.decode()
    response = client.post(reverse("contracts:billing_start", args=[contract.buyer.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    [session] = connect_stub.calls("POST", "/v1/checkout/sessions")
    assert session["mode"] == "setup"
    assert session["success_url"].endswith("/done/?session_id={CHECKOUT_SESSION_ID}")
    session_id = response["Location"].rsplit("/", 1)[1]
    done = reverse("contracts:billing_done", args=[contract.buyer.slug])
    back = client.get(f"{done}?session_id={session_id}", follow=True)
    assert "Card saved" in back.content.decode()
    account = BuyerBillingAccount.objects.get(organisation=contract.buyer)
    assert account.ready
    # Someone else's session is refused.
    theirs = ContractFactory()
    mfa_login(client, with_totp(commissioner_for(theirs)))
    client.post(reverse("contracts:billing_start", args=[theirs.buyer.slug]))
    other_done = reverse("contracts:billing_done", args=[theirs.buyer.slug])
    refused = client.get(f"{other_done}?session_id={session_id}", follow=True)
    assert "does not belong to your organisation" in refused.content.decode()
