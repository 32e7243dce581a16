"""Stripe: the buyer organisation is charged off-session (a PaymentIntent on its saved card),
then the supplier is paid by a Connect transfer to its connected account.

Every call goes through a ``StripeClient`` built per call from settings (``STRIPE_API_BASE``
points it at a local ``localstripe`` in tests), so nothing depends on module-level state. Every
create call carries an idempotency key derived from our own ids: a retry after a timeout can
never charge or transfer twice.
"""

from __future__ import annotations

import stripe
from django.conf import settings

from .base import CardDeclined, Outcome, Provider, ProviderUnavailable

# PaymentIntent statuses, grouped by what they mean for our payment.
PAID_STATUSES = {"succeeded"}
FAILED_STATUSES = {"requires_payment_method", "canceled"}
WAITING_STATUSES = {"processing", "requires_capture", "requires_confirmation"}


def client() -> stripe.StripeClient:
    """A client configured from settings. Stripe's own network retries are off: our payment
    task retries with backoff and the same idempotency key."""
    options: dict = {"max_network_retries": 0}
    if settings.STRIPE_API_BASE:
        base = settings.STRIPE_API_BASE.rstrip("/")
        options["base_addresses"] = {"api": base, "connect": base, "files": base}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY or "sk_test_unset", **options)


def is_temporary(error: stripe.StripeError) -> bool:
    """Connection problems, rate limits, 5xx and bad keys are worth trying again later."""
    if isinstance(
        error,
        stripe.APIConnectionError
        | stripe.RateLimitError
        | stripe.APIError
        | stripe.AuthenticationError,
    ):
        return True
    status = getattr(error, "http_status", None)
    return status is None or status >= 500 or status == 429


def plain(obj):
    """A Stripe object as plain dicts and lists (Stripe objects are not dicts any more)."""
    return obj.to_dict() if hasattr(obj, "to_dict") else obj


def call(fn, *args, **kwargs) -> dict:
    """Run one Stripe call, turning its errors into ours; returns the object as a dict."""
    try:
        return plain(fn(*args, **kwargs))
    except stripe.CardError as error:
        raise CardDeclined(error.user_message or "The card was declined") from error
    except stripe.StripeError as error:
        if is_temporary(error):
            raise ProviderUnavailable(f"Stripe could not be reached: {error}") from error
        raise CardDeclined(
            error.user_message or str(error) or "Stripe refused the payment"
        ) from error


def _metadata(payment) -> dict:
    claim = payment.claim
    target = claim.milestone if claim.milestone_id else claim.metric
    return {
        "contract": payment.contract.reference,
        "claim": claim.reference,
        "payment": str(payment.pk),
        ("milestone" if claim.milestone_id else "metric"): str(target.pk),
    }


def _error_message(intent) -> str:
    error = intent.get("last_payment_error") or {}
    return (error.get("message") if hasattr(error, "get") else "") or "The payment was declined"


class StripeProvider(Provider):
    name = "stripe"

    def execute(self, payment) -> Outcome:
        from ..models import BuyerBillingAccount

        billing = BuyerBillingAccount.objects.filter(
            organisation_id=payment.contract.buyer_id
        ).first()
        if billing is None or not billing.ready:
            raise CardDeclined(
                "The buying organisation has not set up a card for payments. "
                "A commissioner must set up billing, then the payment can be tried again."
            )
        intent = call(
            client().v1.payment_intents.create,
            params={
                "amount": payment.amount_pence,
                "currency": payment.currency,
                "customer": billing.stripe_customer_id,
                "payment_method": billing.payment_method_id,
                "off_session": True,
                "confirm": True,
                "metadata": _metadata(payment),
            },
            options={"idempotency_key": payment.idempotency_key},
        )
        return self._outcome(intent, sent=True)

    def check(self, payment) -> Outcome:
        if not payment.provider_payment_id:
            return Outcome(status="")
        intent = call(client().v1.payment_intents.retrieve, payment.provider_payment_id)
        return self._outcome(intent, sent=False)

    def _outcome(self, intent, *, sent: bool) -> Outcome:
        status = intent.get("status")
        if status in PAID_STATUSES:
            # Paid once Stripe tells us so (webhook or reconciliation), never from the create
            # response alone: one path moves payments to paid.
            return Outcome(status="submitted" if sent else "paid", provider_payment_id=intent["id"])
        if status in FAILED_STATUSES:
            return Outcome(
                "failed", provider_payment_id=intent["id"], reason=_error_message(intent)
            )
        if status == "requires_action":
            return Outcome(
                "failed",
                provider_payment_id=intent["id"],
                reason="The card issuer asked the buyer to confirm the payment, which cannot happen "
                "while they are away. Set up billing with a different card, then try again.",
            )
        return Outcome(status="submitted" if sent else "", provider_payment_id=intent["id"])

    def transfer(self, payment) -> str:
        """Transfer the amount to the supplier's connected account, once it can receive it."""
        from ..models import SupplierPayoutAccount

        account = SupplierPayoutAccount.objects.filter(
            supplier_id=payment.contract.supplier_id
        ).first()
        if account is None or not account.stripe_account_id or not account.onboarding_complete:
            return ""
        stripe_client = client()
        params = {
            "amount": payment.amount_pence,
            "currency": payment.currency,
            "destination": account.stripe_account_id,
            "transfer_group": payment.contract.reference,
            "metadata": _metadata(payment),
        }
        if payment.provider_payment_id:
            intent = call(stripe_client.v1.payment_intents.retrieve, payment.provider_payment_id)
            charge = intent.get("latest_charge")
            if charge:
                params["source_transaction"] = charge if isinstance(charge, str) else charge["id"]
        transfer = call(
            stripe_client.v1.transfers.create,
            params=params,
            options={"idempotency_key": f"{payment.idempotency_key}-transfer"},
        )
        return transfer["id"]
