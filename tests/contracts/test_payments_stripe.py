"""Stripe payments against a real localstripe server: billing set-up (Customer, SetupIntent,
PaymentMethod), the off-session PaymentIntent with its idempotency key and metadata, declined
cards, reconciliation, and retry after Stripe could not be reached."""

import datetime

import pytest
from django.utils import timezone

from contracts.models import BuyerBillingAccount, Payment, WebhookEvent
from contracts.providers.stripe import client
from contracts.services.claims import claim_approve
from contracts.services.payments import (
    billing_setup_complete,
    billing_setup_start,
    payment_execute,
    payment_retry,
    payments_reconcile,
)
from marketplace.core.errors import PermissionDenied, ValidationFailed
from tests.contracts.conftest import WEBHOOK_SECRET, save_card
from tests.factories.contracts import ContractFactory, buyer_user_for, commissioner_for
from tests.factories.contracts_c2 import milestone_claim

pytestmark = pytest.mark.django_db

DECLINED_CARD = "4000000000000341"  # attaches, then every charge is declined


def _approved(card="4242424242424242"):
    claim, admin, commissioner = milestone_claim()
    if card:
        save_card(claim.contract.buyer, commissioner, card=card)
    payment = claim_approve(claim=claim, by=commissioner)
    return payment, commissioner


def test_billing_set_up_saves_a_card_for_the_organisation(localstripe):
    contract = ContractFactory()
    commissioner = commissioner_for(contract)
    account = save_card(contract.buyer, commissioner)
    assert account.stripe_customer_id.startswith("cus_")
    assert account.payment_method_id.startswith("pm_")
    assert account.ready
    customer = client().v1.customers.retrieve(account.stripe_customer_id)
    assert customer.name == contract.buyer.name
    # Starting again keeps the same Customer.
    again = billing_setup_start(organisation=contract.buyer, by=commissioner)
    assert again.stripe_customer_id == account.stripe_customer_id


def test_only_a_commissioner_of_the_organisation_sets_up_billing(localstripe):
    contract = ContractFactory()
    for user in (buyer_user_for(contract), commissioner_for(ContractFactory())):
        with pytest.raises(PermissionDenied):
            billing_setup_start(organisation=contract.buyer, by=user)
    assert not BuyerBillingAccount.objects.exists()


def test_a_setup_intent_of_another_organisation_is_refused(localstripe):
    mine, theirs = ContractFactory(), ContractFactory()
    me = commissioner_for(mine)
    billing_setup_start(organisation=mine.buyer, by=me)
    their_account = save_card(theirs.buyer, commissioner_for(theirs))
    with pytest.raises(ValidationFailed, match="does not belong to your organisation"):
        billing_setup_complete(
            organisation=mine.buyer, by=me, setup_intent_id=their_account.setup_intent_id
        )


def test_an_unconfirmed_setup_intent_is_refused(localstripe):
    contract = ContractFactory()
    commissioner = commissioner_for(contract)
    account = billing_setup_start(organisation=contract.buyer, by=commissioner)
    with pytest.raises(ValidationFailed, match="not been confirmed"):
        billing_setup_complete(
            organisation=contract.buyer, by=commissioner, setup_intent_id=account.setup_intent_id
        )


def test_a_payment_is_an_off_session_payment_intent_with_metadata(localstripe):
    payment, _ = _approved()
    assert payment.provider == Payment.Provider.STRIPE
    payment = payment_execute(payment_id=payment.pk)
    assert payment.status == Payment.Status.SUBMITTED
    assert payment.provider_payment_id.startswith("pi_")
    intent = client().v1.payment_intents.retrieve(payment.provider_payment_id)
    account = BuyerBillingAccount.objects.get(organisation=payment.contract.buyer)
    assert (intent.amount, intent.currency, intent.status) == (2_000_000, "gbp", "succeeded")
    assert (intent.customer, intent.payment_method) == (
        account.stripe_customer_id,
        account.payment_method_id,
    )
    assert intent.metadata.to_dict() == {
        "contract": payment.contract.reference,
        "milestone": str(payment.claim.milestone_id),
        "claim": payment.claim.reference,
        "payment": str(payment.pk),
    }
    # Executing again sends nothing new.
    assert payment_execute(payment_id=payment.pk).provider_payment_id == intent.id


def test_reconciliation_moves_a_submitted_payment_to_paid(localstripe):
    payment, _ = _approved()
    payment_execute(payment_id=payment.pk)
    assert payments_reconcile() == 0  # not waited long enough
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert payments_reconcile(now=later) == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert payment.paid_at is not None


def test_a_declined_card_fails_the_payment_with_the_reason(
    localstripe, django_capture_on_commit_callbacks, mailoutbox
):
    payment, commissioner = _approved(card=DECLINED_CARD)
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_execute(payment_id=payment.pk)
    assert payment.status == Payment.Status.FAILED
    assert "declined" in payment.failure_reason.lower()
    assert commissioner.email in mailoutbox[-1].to
    assert "failed" in mailoutbox[-1].subject


def test_without_a_saved_card_the_payment_fails_and_says_what_to_do(localstripe):
    payment, _ = _approved(card=None)
    payment = payment_execute(payment_id=payment.pk)
    assert payment.status == Payment.Status.FAILED
    assert "set up billing" in payment.failure_reason


def test_stripe_unreachable_leaves_the_payment_pending_then_it_goes_through(
    localstripe_server, stripe_unreachable, settings
):
    settings.STRIPE_API_BASE = localstripe_server
    payment, _ = _approved()
    settings.STRIPE_API_BASE = stripe_unreachable
    payment = payment_execute(payment_id=payment.pk)
    assert payment.status == Payment.Status.PENDING
    assert payment.attempts == 1
    assert "could not be reached" in payment.last_error
    assert payment.next_attempt_at > timezone.now()
    assert payment.provider_payment_id == ""
    # Nothing is due yet; once it is, reconciliation retries it against a working Stripe.
    settings.STRIPE_API_BASE = localstripe_server
    assert payments_reconcile() == 0
    assert payments_reconcile(now=payment.next_attempt_at + datetime.timedelta(seconds=1)) == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUBMITTED
    assert payment.attempts == 2
    assert payment.last_error == ""
    assert payment.provider_payment_id.startswith("pi_")


def test_a_failed_payment_can_be_retried_with_a_new_key(localstripe):
    payment, commissioner = _approved(card=DECLINED_CARD)
    payment_execute(payment_id=payment.pk)
    save_card(payment.contract.buyer, commissioner)
    payment = payment_retry(payment=payment, by=commissioner)
    assert payment.status == Payment.Status.PENDING
    assert payment.idempotency_key == f"payment-{payment.claim_id}-retry1"
    payment = payment_execute(payment_id=payment.pk)
    assert payment.status == Payment.Status.SUBMITTED


def test_the_task_leaves_an_unreachable_payment_pending_for_reconciliation(
    localstripe_server, stripe_unreachable, settings
):
    from contracts.payment_tasks import execute_payment_task, reconcile_payments_task

    settings.STRIPE_API_BASE = localstripe_server
    payment, _ = _approved()
    settings.STRIPE_API_BASE = stripe_unreachable
    # Run eagerly, the task does not loop on retries: one attempt, then beat's reconciliation.
    assert execute_payment_task.delay(payment.pk).get() == Payment.Status.PENDING
    payment.refresh_from_db()
    assert (payment.status, payment.attempts) == (Payment.Status.PENDING, 1)
    settings.STRIPE_API_BASE = localstripe_server
    Payment.objects.filter(pk=payment.pk).update(next_attempt_at=timezone.now())
    assert reconcile_payments_task.delay().get() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_localstripe_webhook_moves_the_payment_to_paid(localstripe, live_server):
    """The whole path: approval, PaymentIntent in localstripe, then localstripe's own signed
    ``payment_intent.succeeded`` webhook to our endpoint marks the payment paid."""
    import time

    import requests

    hook = f"{localstripe}/_config/webhooks/marketplace-test"
    answer = requests.post(
        hook,
        data={"url": f"{live_server.url}/payments/webhook/stripe", "secret": WEBHOOK_SECRET},
        timeout=5,
    )
    assert answer.status_code == 200
    try:
        # The approval commits for real here, so its on-commit task sends the PaymentIntent.
        payment, _ = _approved()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            payment.refresh_from_db()
            if payment.status == Payment.Status.PAID:
                break
            time.sleep(0.2)
        assert payment.status == Payment.Status.PAID
        assert payment.provider_payment_id.startswith("pi_")
        assert WebhookEvent.objects.filter(
            type="payment_intent.succeeded", object_id=payment.provider_payment_id
        ).exists()
    finally:
        # Point the hook somewhere harmless so later tests' events go nowhere.
        requests.post(hook, data={"url": "http://127.0.0.1:9/", "secret": "x"}, timeout=5)
