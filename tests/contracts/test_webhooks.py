"""The Stripe webhook: signatures (unsigned, wrong secret, old timestamp -> 400), idempotency on
the event id and on the object, and dispatch by event type. Payloads are signed locally with the
webhook secret, exactly as Stripe signs them."""

import time

import pytest
from django.urls import path
from django.utils import timezone

from contracts.models import BuyerBillingAccount, Payment, WebhookEvent
from contracts.services.claims import claim_approve
from contracts.webhooks import stripe_webhook
from marketplace.core.models import AuditEvent
from tests.contracts.conftest import WEBHOOK_SECRET, stripe_event
from tests.factories.contracts_c2 import milestone_claim

# The view on its own URL: these tests are about the view and the service, not the site's URLs.
urlpatterns = [path("payments/webhook/stripe", stripe_webhook)]
URL = "/payments/webhook/stripe"

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def stripe_settings(settings):
    settings.PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return settings


@pytest.fixture
def submitted_payment(stripe_settings):
    claim, _, commissioner = milestone_claim()
    payment = claim_approve(claim=claim, by=commissioner)
    Payment.objects.filter(pk=payment.pk).update(
        status=Payment.Status.SUBMITTED, submitted_at=timezone.now(), provider_payment_id="pi_1"
    )
    payment.refresh_from_db()
    return payment


def _intent(payment, *, intent_id="pi_1", **extra):
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": payment.amount_pence,
        "currency": "gbp",
        "status": "succeeded",
        "metadata": {"payment": str(payment.pk), "claim": payment.claim.reference},
        **extra,
    }


def _post(client, payload: bytes, header: str | None):
    headers = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(URL, data=payload, content_type="application/json", **headers)


def _paid_events(payment):
    return AuditEvent.objects.filter(verb="payment.paid", object_id=str(payment.pk)).count()


@pytest.mark.parametrize("case", ["unsigned", "wrong secret", "old timestamp", "tampered"])
def test_untrusted_webhooks_are_refused(client, sign_webhook, submitted_payment, case):
    event = stripe_event("payment_intent.succeeded", _intent(submitted_payment))
    if case == "unsigned":
        payload, header = sign_webhook(event)[0], None
    elif case == "wrong secret":
        payload, header = sign_webhook(event, secret="whsec_someone_else")
    elif case == "old timestamp":
        payload, header = sign_webhook(event, timestamp=int(time.time()) - 600)
    else:
        payload, header = sign_webhook(event)
        payload = payload.replace(b'"succeeded"', b'"succeeded" ', 1)
    response = _post(client, payload, header)
    assert response.status_code == 400
    submitted_payment.refresh_from_db()
    assert submitted_payment.status == Payment.Status.SUBMITTED
    assert not WebhookEvent.objects.exists()


def test_a_replay_of_a_signed_event_with_an_old_timestamp_is_refused(
    client, sign_webhook, submitted_payment
):
    event = stripe_event("payment_intent.succeeded", _intent(submitted_payment))
    old = int(time.time()) - 3600
    assert _post(client, *sign_webhook(event, timestamp=old)).status_code == 400


def test_webhooks_are_refused_when_no_secret_is_configured(
    client, sign_webhook, submitted_payment, settings
):
    settings.STRIPE_WEBHOOK_SECRET = ""
    event = stripe_event("payment_intent.succeeded", _intent(submitted_payment))
    assert _post(client, *sign_webhook(event)).status_code == 400


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_succeeded_marks_the_payment_paid_once(
    client, sign_webhook, submitted_payment, django_capture_on_commit_callbacks, mailoutbox
):
    event = stripe_event("payment_intent.succeeded", _intent(submitted_payment))
    payload, header = sign_webhook(event)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, payload, header)
    assert (response.status_code, response.content) == (200, b"paid")
    submitted_payment.refresh_from_db()
    assert submitted_payment.status == Payment.Status.PAID
    assert submitted_payment.paid_at is not None
    assert "has been paid" in mailoutbox[-1].subject

    # The same event again (Stripe retries): 200, nothing done.
    again = _post(client, payload, header)
    assert (again.status_code, again.content) == (200, b"already processed")
    # The same object in a different event: 200, no second transition.
    other = stripe_event("payment_intent.succeeded", _intent(submitted_payment))
    response = _post(client, *sign_webhook(other))
    assert (response.status_code, response.content) == (200, b"already paid")
    assert _paid_events(submitted_payment) == 1
    assert WebhookEvent.objects.count() == 2


def test_failed_marks_the_payment_failed_with_the_reason(client, sign_webhook, submitted_payment):
    error = {"code": "card_declined", "message": "Your card was declined."}
    event = stripe_event(
        "payment_intent.payment_failed",
        _intent(submitted_payment, status="requires_payment_method", last_payment_error=error),
    )
    response = _post(client, *sign_webhook(event))
    assert (response.status_code, response.content) == (200, b"failed")
    submitted_payment.refresh_from_db()
    assert submitted_payment.status == Payment.Status.FAILED
    assert submitted_payment.failure_reason == "Your card was declined."
    # A late success for a failed payment does not make it paid behind a person's back.
    late = stripe_event("payment_intent.succeeded", _intent(submitted_payment))
    assert _post(client, *sign_webhook(late)).content == b"already failed"


def test_payment_is_found_by_metadata_when_the_intent_id_was_not_stored(
    client, sign_webhook, submitted_payment
):
    Payment.objects.filter(pk=submitted_payment.pk).update(provider_payment_id="")
    event = stripe_event("payment_intent.succeeded", _intent(submitted_payment, intent_id="pi_9"))
    assert _post(client, *sign_webhook(event)).content == b"paid"
    submitted_payment.refresh_from_db()
    assert (submitted_payment.status, submitted_payment.provider_payment_id) == ("paid", "pi_9")


def test_an_intent_for_another_amount_moves_nothing(client, sign_webhook, submitted_payment):
    event = stripe_event("payment_intent.succeeded", {**_intent(submitted_payment), "amount": 1})
    assert _post(client, *sign_webhook(event)).content == b"unknown payment"
    submitted_payment.refresh_from_db()
    assert submitted_payment.status == Payment.Status.SUBMITTED


def test_other_event_types_are_acknowledged_and_ignored(client, sign_webhook, stripe_settings):
    event = stripe_event("charge.refunded", {"id": "ch_1", "object": "charge"})
    response = _post(client, *sign_webhook(event))
    assert (response.status_code, response.content) == (200, b"ignored")


def test_setup_intent_succeeded_saves_the_card(client, sign_webhook, stripe_settings, buyer_org):
    account = BuyerBillingAccount.objects.create(organisation=buyer_org, stripe_customer_id="cus_1")
    event = stripe_event(
        "setup_intent.succeeded",
        {"id": "seti_1", "object": "setup_intent", "customer": "cus_1", "payment_method": "pm_1"},
    )
    assert _post(client, *sign_webhook(event)).content == b"card saved"
    account.refresh_from_db()
    assert account.ready and account.payment_method_id == "pm_1"
