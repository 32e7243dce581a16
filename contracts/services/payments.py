"""Payments: executing them through the provider, moving them to paid or failed, the ledger's
remittance file, Stripe webhooks, and setting up billing (buyers) and payouts (suppliers).

A payment is created pending by the claim review (``contracts.services.claims``) and executed
after commit by ``contracts.payment_tasks.execute_payment_task``:

- ledger: marked submitted; the finance team pays from the remittance CSV and marks it paid.
- stripe: a PaymentIntent charges the buyer's saved card off-session (idempotency key
  ``payment.idempotency_key``); the ``payment_intent.succeeded`` webhook (or reconciliation)
  marks it paid, and a Connect transfer then pays the supplier.

A provider that cannot be reached leaves the payment pending with ``attempts``, ``last_error``
and ``next_attempt_at`` set; the task retries with backoff and reconciliation picks up anything
left. A payment is never executed twice: the row is locked while it is sent, its status is
re-read under the lock, and the provider sees the same idempotency key every time.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import time

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.accounts.models import Organisation, Role, User
from marketplace.accounts.permissions import has_role
from marketplace.core.audit import audit
from marketplace.core.errors import DomainError, PermissionDenied, ValidationFailed

from ..models import (
    BuyerBillingAccount,
    Payment,
    SupplierPayoutAccount,
    WebhookEvent,
)
from ..providers import CardDeclined, ProviderUnavailable, get_provider
from ..providers import stripe as stripe_provider
from ._common import (
    commissioner_emails,
    email_context,
    queue_email,
    supplier_admin_emails,
    transition,
)

logger = logging.getLogger(__name__)

Status = Payment.Status
# Reconciliation looks at payments that have waited at least this long.
RECONCILE_AFTER = datetime.timedelta(minutes=15)
MAX_BACKOFF_SECONDS = 6 * 60 * 60


class WebhookRejected(DomainError):
    """A webhook we cannot trust (unsigned, wrong signature, too old, not JSON): answer 400."""


def backoff_seconds(attempts: int) -> int:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most 6 hours."""
    return min(60 * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def _lock_payment(payment_id: int) -> Payment:
    return Payment.objects.select_for_update(of=("self",)).get(pk=payment_id)


def _payment_context(payment: Payment) -> dict:
    from django.utils.formats import date_format

    from marketplace.core.money import format_gbp

    context = email_context(payment.contract)
    context.update(
        claim=payment.claim.reference,
        amount=format_gbp(payment.amount_pence, show_pence=True),
        status=payment.get_status_display(),
        reason=payment.failure_reason,
        paid_on=date_format(timezone.localtime(payment.paid_at), "j F Y")
        if payment.paid_at
        else "",
    )
    return context


# --- Moving a payment --------------------------------------------------------------------------


def _mark_submitted(payment: Payment, *, provider_payment_id: str = "", by=None) -> None:
    transition(
        payment,
        "submit",
        by=by,
        changes={
            "submitted_at": timezone.now(),
            "provider_payment_id": provider_payment_id or payment.provider_payment_id,
            "attempts": payment.attempts + 1,
            "last_error": "",
            "next_attempt_at": None,
        },
        provider=payment.provider,
        provider_payment_id=provider_payment_id,
    )


def _mark_paid(payment: Payment, *, by=None, provider_payment_id: str = "", source: str) -> None:
    transition(
        payment,
        "pay",
        by=by,
        changes={
            "paid_at": timezone.now(),
            "provider_payment_id": payment.provider_payment_id or provider_payment_id,
            "last_error": "",
            "next_attempt_at": None,
        },
        source=source,
    )
    queue_email("payment_paid", supplier_admin_emails(payment.contract), _payment_context(payment))
    if payment.provider == Payment.Provider.STRIPE:
        _queue_execute(payment)  # the Connect transfer to the supplier


def _mark_failed(payment: Payment, *, reason: str, by=None, provider_payment_id: str = "") -> None:
    transition(
        payment,
        "fail",
        by=by,
        changes={
            "failed_at": timezone.now(),
            "failure_reason": reason[:2000],
            "provider_payment_id": payment.provider_payment_id or provider_payment_id,
            "next_attempt_at": None,
        },
        reason=reason,
    )
    queue_email("payment_failed", commissioner_emails(payment.contract), _payment_context(payment))


def _record_unavailable(payment: Payment, error: Exception) -> None:
    """The provider could not be reached: stay pending and say when to try again."""
    attempts = payment.attempts + 1
    payment.attempts = attempts
    payment.last_error = str(error)[:2000]
    payment.next_attempt_at = timezone.now() + datetime.timedelta(seconds=backoff_seconds(attempts))
    payment.save(update_fields=["attempts", "last_error", "next_attempt_at", "updated_at"])
    audit(None, "payment.attempt_failed", payment, attempts=attempts, error=payment.last_error)


def _queue_execute(payment: Payment) -> None:
    from ..payment_tasks import execute_payment_task

    payment_id = payment.pk
    # Robust: a broker that is down must not turn a committed approval into an error page;
    # reconciliation (every 15 minutes) sends any payment whose task was never queued.
    transaction.on_commit(lambda: execute_payment_task.delay(payment_id), robust=True)


def _apply(payment: Payment, outcome, *, source: str) -> bool:
    """Move ``payment`` as the provider's ``outcome`` says. Returns whether it moved."""
    if outcome.status == "submitted" and Payment.TRANSITIONS.can("submit", payment.status):
        _mark_submitted(payment, provider_payment_id=outcome.provider_payment_id)
        return True
    if outcome.status == "paid" and Payment.TRANSITIONS.can("pay", payment.status):
        _mark_paid(payment, provider_payment_id=outcome.provider_payment_id, source=source)
        return True
    if outcome.status == "failed" and Payment.TRANSITIONS.can("fail", payment.status):
        _mark_failed(
            payment, reason=outcome.reason, provider_payment_id=outcome.provider_payment_id
        )
        return True
    return False


@transaction.atomic
def payment_execute(*, payment_id: int) -> Payment:
    """Send a pending payment to its provider, or transfer a paid Stripe payment to the supplier.

    Safe to call any number of times: the payment row is locked while the provider is called and
    anything not pending (or paid and untransferred) is left alone.
    """
    payment = _lock_payment(payment_id)
    provider = get_provider(payment.provider)
    if payment.status == Status.PENDING:
        try:
            outcome = provider.execute(payment)
        except ProviderUnavailable as error:
            _record_unavailable(payment, error)
            return payment
        except CardDeclined as error:
            payment.attempts += 1
            _mark_failed(payment, reason=str(error))
            return payment
        _apply(payment, outcome, source="execute")
        if payment.status == Status.PENDING:  # nothing moved: count the attempt all the same
            payment.attempts += 1
            payment.save(update_fields=["attempts", "updated_at"])
        return payment
    if (
        payment.status == Status.PAID
        and payment.provider == Payment.Provider.STRIPE
        and not payment.provider_transfer_id
    ):
        _transfer(payment, provider)
    return payment


def _transfer(payment: Payment, provider) -> None:
    try:
        transfer_id = provider.transfer(payment)
    except ProviderUnavailable as error:
        _record_unavailable(payment, error)
        return
    except CardDeclined as error:
        payment.last_error = f"Transfer to the supplier refused: {error}"[:2000]
        payment.save(update_fields=["last_error", "updated_at"])
        audit(None, "payment.transfer_refused", payment, error=str(error))
        return
    if transfer_id:
        payment.provider_transfer_id = transfer_id
        payment.last_error = ""
        payment.next_attempt_at = None
        payment.save(
            update_fields=["provider_transfer_id", "last_error", "next_attempt_at", "updated_at"]
        )
        audit(None, "payment.transferred", payment, transfer=transfer_id)


@transaction.atomic
def payment_check(*, payment_id: int) -> Payment:
    """Ask the provider where a submitted payment stands and move it to paid or failed."""
    payment = _lock_payment(payment_id)
    if payment.status != Status.SUBMITTED:
        return payment
    try:
        outcome = get_provider(payment.provider).check(payment)
    except (ProviderUnavailable, CardDeclined) as error:
        _record_unavailable(payment, error)
        return payment
    _apply(payment, outcome, source="reconciliation")
    return payment


def payments_reconcile(*, now: datetime.datetime | None = None) -> int:
    """Retry pending payments that are due, check submitted Stripe payments with Stripe and
    transfer paid ones still owed to the supplier. Each payment in its own transaction.
    Returns how many payments changed status."""
    now = now or timezone.now()
    waited = now - RECONCILE_AFTER
    due = Payment.objects.filter(status=Status.PENDING).filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, approved_at__lte=waited)
    )
    submitted = Payment.objects.filter(
        status=Status.SUBMITTED, provider=Payment.Provider.STRIPE, submitted_at__lte=waited
    )
    untransferred = Payment.objects.filter(
        status=Status.PAID,
        provider=Payment.Provider.STRIPE,
        provider_transfer_id="",
        contract__supplier__payout_account__onboarding_complete=True,
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    moved = 0
    for ids, step in (
        (list(due.values_list("pk", flat=True)[:500]), payment_execute),
        (list(submitted.values_list("pk", flat=True)[:500]), payment_check),
        (list(untransferred.values_list("pk", flat=True)[:500]), payment_execute),
    ):
        for payment_id in ids:
            before = Payment.objects.filter(pk=payment_id).values_list("status", flat=True).first()
            try:
                after = step(payment_id=payment_id).status
            except Exception:  # one bad payment must not stop the others
                logger.exception("Reconciling payment %s failed", payment_id)
                continue
            moved += int(after != before)
    return moved


# --- People acting on payments -----------------------------------------------------------------


def _ensure_finance(by: User, payment: Payment) -> None:
    if getattr(by, "is_staff", False) and by.is_active:
        return
    if has_role(by, payment.contract.buyer, (Role.COMMISSIONER,)):
        return
    raise PermissionDenied(
        "Only a commissioner of the organisation paying, or a platform admin, can do this"
    )


@transaction.atomic
def payment_mark_paid(*, payment: Payment, by: User) -> Payment:
    """The finance team paid a ledger payment from the remittance file."""
    payment = _lock_payment(payment.pk)
    _ensure_finance(by, payment)
    if payment.provider != Payment.Provider.LEDGER:
        raise ValidationFailed("Stripe payments are marked paid by Stripe, not by hand")
    Payment.TRANSITIONS.ensure(payment, "pay")
    _mark_paid(payment, by=by, source="finance")
    return payment


@transaction.atomic
def payment_retry(*, payment: Payment, by: User) -> Payment:
    """Try a failed payment again once its cause is fixed (a new card, say).

    It gets a new idempotency key: the provider remembers the refusal under the old one.
    """
    payment = _lock_payment(payment.pk)
    _ensure_finance(by, payment)
    retries = 1 + payment.idempotency_key.count("-retry")
    transition(
        payment,
        "retry",
        by=by,
        changes={
            "idempotency_key": f"payment-{payment.claim_id}-retry{retries}",
            "failed_at": None,
            "failure_reason": "",
            "last_error": "",
            "next_attempt_at": None,
            "provider_payment_id": "",
        },
    )
    _queue_execute(payment)
    return payment


# --- Ledger remittance -------------------------------------------------------------------------

REMITTANCE_COLUMNS = [
    "supplier",
    "bank reference",
    "amount",
    "contract reference",
    "milestone or metric",
    "claim reference",
    "payment id",
]


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def remittance_csv(*, payments) -> str:
    """The remittance file the finance team imports: one row per payment, amounts in pounds."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REMITTANCE_COLUMNS)
    rows = payments.select_related(
        "contract__supplier__payout_account", "claim__milestone", "claim__metric"
    ).order_by("approved_at", "pk")
    for payment in rows:
        supplier = payment.contract.supplier
        account = getattr(supplier, "payout_account", None)
        pounds, pence = divmod(payment.amount_pence, 100)
        writer.writerow(
            [
                _cell(supplier.display_name),
                _cell(account.bank_reference if account else ""),
                f"{pounds}.{pence:02d}",
                _cell(payment.contract.reference),
                _cell(str(payment.claim.target)),
                _cell(payment.claim.reference),
                payment.pk,
            ]
        )
    return out.getvalue()


@transaction.atomic
def remittance_export(*, payments, by: User) -> str:
    """The remittance CSV, recording when each payment was first exported."""
    text = remittance_csv(payments=payments)
    first_time = payments.filter(exported_at__isnull=True)
    ids = list(first_time.values_list("pk", flat=True))
    if ids:
        Payment.objects.filter(pk__in=ids).update(exported_at=timezone.now())
        audit(by, "payment.remittance_exported", None, payments=ids)
    return text


# --- Stripe webhooks ---------------------------------------------------------------------------


def webhook_handle(*, payload: bytes, signature: str) -> str:
    """Verify a Stripe webhook and act on it once. Returns what was done, in a word.

    Raises ``WebhookRejected`` for anything that is not a correctly signed, recent event. A
    repeated event id is answered "already processed" without acting again; an event about an
    object already in the state it reports (another event id) changes nothing either.
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise WebhookRejected("Stripe webhooks are not configured")
    if not signature:
        raise WebhookRejected("The Stripe-Signature header is missing")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError as error:
        raise WebhookRejected(f"The signature does not match: {error}") from error
    except ValueError as error:
        raise WebhookRejected("The payload is not a Stripe event") from error
    event = stripe_provider.plain(event)
    obj = (event.get("data") or {}).get("object")
    if not isinstance(obj, dict) or not event.get("id") or not event.get("type"):
        raise WebhookRejected("The event has no object")
    object_id = str(obj.get("id") or "")[:100]
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    event_id=str(event["id"])[:100],
                    type=str(event["type"])[:100],
                    object_id=object_id,
                )
        except IntegrityError:
            return "already processed"
        handler = WEBHOOK_HANDLERS.get(event["type"])
        if handler is None:
            return "ignored"
        return handler(obj)


def _payment_for_intent(intent) -> Payment | None:
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .filter(provider=Payment.Provider.STRIPE, provider_payment_id=intent["id"])
        .first()
    )
    if payment is None:
        metadata = intent.get("metadata") or {}
        payment_id = str(metadata.get("payment") or "")
        if payment_id.isdigit():
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .filter(provider=Payment.Provider.STRIPE, pk=int(payment_id))
                .filter(Q(provider_payment_id="") | Q(provider_payment_id=intent["id"]))
                .first()
            )
    if payment is not None and intent.get("amount") not in (None, payment.amount_pence):
        logger.error("PaymentIntent %s amount does not match payment %s", intent["id"], payment.pk)
        return None
    return payment


def _on_payment_intent_succeeded(intent) -> str:
    payment = _payment_for_intent(intent)
    if payment is None:
        return "unknown payment"
    if not Payment.TRANSITIONS.can("pay", payment.status):
        return f"already {payment.status}"
    _mark_paid(payment, provider_payment_id=intent["id"], source="webhook")
    return "paid"


def _on_payment_intent_failed(intent) -> str:
    payment = _payment_for_intent(intent)
    if payment is None:
        return "unknown payment"
    if not Payment.TRANSITIONS.can("fail", payment.status):
        return f"already {payment.status}"
    error = intent.get("last_payment_error") or {}
    reason = (error.get("message") if hasattr(error, "get") else "") or "The payment was declined"
    _mark_failed(payment, reason=reason, provider_payment_id=intent["id"])
    return "failed"


def _account_ready(account) -> bool:
    capabilities = account.get("capabilities") or {}
    transfers = capabilities.get("transfers") if hasattr(capabilities, "get") else None
    return bool(account.get("payouts_enabled")) or transfers == "active"


def _on_account_updated(account) -> str:
    payout = (
        SupplierPayoutAccount.objects.select_for_update()
        .filter(stripe_account_id=account["id"])
        .first()
    )
    if payout is None:
        return "unknown account"
    ready = _account_ready(account)
    if ready == payout.onboarding_complete:
        return "unchanged"
    payout.onboarding_complete = ready
    payout.save(update_fields=["onboarding_complete", "updated_at"])
    audit(None, "payout_account.updated", payout, onboarding_complete=ready)
    if ready:
        for payment in Payment.objects.filter(
            contract__supplier_id=payout.supplier_id,
            provider=Payment.Provider.STRIPE,
            status=Status.PAID,
            provider_transfer_id="",
        ):
            _queue_execute(payment)
    return "ready" if ready else "not ready"


def _on_setup_intent_succeeded(setup_intent) -> str:
    account = (
        BuyerBillingAccount.objects.select_for_update()
        .filter(stripe_customer_id=setup_intent.get("customer") or "-")
        .first()
    )
    method = setup_intent.get("payment_method")
    if account is None or not method:
        return "unknown customer"
    method = method if isinstance(method, str) else method["id"]
    if account.payment_method_id == method:
        return "unchanged"
    account.payment_method_id = method
    account.setup_intent_id = setup_intent["id"]
    account.save(update_fields=["payment_method_id", "setup_intent_id", "updated_at"])
    audit(None, "billing.card_saved", account, setup_intent=setup_intent["id"])
    return "card saved"


# Event type -> handler. Each handler is idempotent on the object it is about.
WEBHOOK_HANDLERS = {
    "payment_intent.succeeded": _on_payment_intent_succeeded,
    "payment_intent.payment_failed": _on_payment_intent_failed,
    "account.updated": _on_account_updated,
    "setup_intent.succeeded": _on_setup_intent_succeeded,
}


# --- Billing (buyers) and payouts (suppliers) ---------------------------------------------------


def _stripe(fn, *args, **kwargs):
    try:
        return stripe_provider.call(fn, *args, **kwargs)
    except ProviderUnavailable as error:
        raise ValidationFailed(
            "Stripe could not be reached. Try again in a few minutes."
        ) from error
    except CardDeclined as error:
        raise ValidationFailed(str(error)) from error


def _ensure_commissioner_of(by: User, organisation: Organisation) -> None:
    if not has_role(by, organisation, (Role.COMMISSIONER,)):
        raise PermissionDenied("Only a commissioner of the organisation can set up billing")


@transaction.atomic
def billing_setup_start(*, organisation: Organisation, by: User) -> BuyerBillingAccount:
    """Make the organisation a Stripe Customer (once) and start a SetupIntent to save a card
    for off-session payments."""
    _ensure_commissioner_of(by, organisation)
    account, _ = BuyerBillingAccount.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    client = stripe_provider.client()
    if not account.stripe_customer_id:
        customer = _stripe(
            client.v1.customers.create,
            params={"name": organisation.name, "metadata": {"organisation": str(organisation.pk)}},
            options={"idempotency_key": f"billing-customer-{organisation.pk}"},
        )
        account.stripe_customer_id = customer["id"]
    setup_intent = _stripe(
        client.v1.setup_intents.create,
        params={
            "customer": account.stripe_customer_id,
            "usage": "off_session",
            "payment_method_types": ["card"],
            "metadata": {"organisation": str(organisation.pk)},
        },
        options={"idempotency_key": f"billing-setup-{organisation.pk}-{time.time_ns()}"},
    )
    account.setup_intent_id = setup_intent["id"]
    account.save()
    audit(by, "billing.setup_started", account, setup_intent=setup_intent["id"])
    return account


def billing_checkout_url(
    *, organisation: Organisation, by: User, success_url: str, cancel_url: str
) -> str:
    """Where to send the commissioner to enter the card: Stripe Checkout in setup mode (no
    Stripe JavaScript on our pages). ``success_url`` gets ``session_id`` added by Stripe."""
    account = billing_setup_start(organisation=organisation, by=by)
    separator = "&" if "?" in success_url else "?"
    session = _stripe(
        stripe_provider.client().v1.checkout.sessions.create,
        params={
            "mode": "setup",
            "customer": account.stripe_customer_id,
            "currency": "gbp",
            "payment_method_types": ["card"],
            "success_url": f"{success_url}{separator}session_id={{CHECKOUT_SESSION_ID}}",
            "cancel_url": cancel_url,
            "metadata": {"organisation": str(organisation.pk)},
        },
        options={"idempotency_key": f"billing-checkout-{organisation.pk}-{time.time_ns()}"},
    )
    return session["url"]


def billing_setup_complete_checkout(
    *, organisation: Organisation, by: User, session_id: str
) -> BuyerBillingAccount:
    """Back from Checkout: save the card its SetupIntent confirmed."""
    _ensure_commissioner_of(by, organisation)
    session = _stripe(stripe_provider.client().v1.checkout.sessions.retrieve, str(session_id)[:200])
    setup_intent = session.get("setup_intent")
    if not setup_intent:
        raise ValidationFailed("The card was not set up. Try again.")
    setup_intent = setup_intent if isinstance(setup_intent, str) else setup_intent["id"]
    return billing_setup_complete(organisation=organisation, by=by, setup_intent_id=setup_intent)


@transaction.atomic
def billing_setup_complete(
    *, organisation: Organisation, by: User, setup_intent_id: str
) -> BuyerBillingAccount:
    """Save the payment method of a confirmed SetupIntent for the organisation's payments."""
    _ensure_commissioner_of(by, organisation)
    account = (
        BuyerBillingAccount.objects.select_for_update().filter(organisation=organisation).first()
    )
    if account is None or not account.stripe_customer_id:
        raise ValidationFailed("Start setting up billing first")
    setup_intent = _stripe(
        stripe_provider.client().v1.setup_intents.retrieve, str(setup_intent_id)[:200]
    )
    customer = setup_intent.get("customer")
    customer = customer if isinstance(customer, str | None) else customer["id"]
    if customer != account.stripe_customer_id:
        raise ValidationFailed("This card set-up does not belong to your organisation")
    if setup_intent.get("status") != "succeeded" or not setup_intent.get("payment_method"):
        raise ValidationFailed("The card has not been confirmed yet. Enter the card details again.")
    method = setup_intent["payment_method"]
    account.payment_method_id = method if isinstance(method, str) else method["id"]
    account.setup_intent_id = setup_intent["id"]
    account.save()
    audit(by, "billing.card_saved", account, setup_intent=setup_intent["id"])
    return account


def _ensure_supplier_admin_of(by: User, supplier) -> None:
    if not has_role(by, supplier.organisation, (Role.SUPPLIER_ADMIN,)):
        raise PermissionDenied("Only an admin of the supplier can set up payouts")


@transaction.atomic
def payout_onboarding_link(*, supplier, by: User, return_url: str, refresh_url: str) -> str:
    """Create the supplier's Stripe connected account (once) and a link to Stripe's onboarding."""
    _ensure_supplier_admin_of(by, supplier)
    account, _ = SupplierPayoutAccount.objects.select_for_update().get_or_create(supplier=supplier)
    client = stripe_provider.client()
    if not account.stripe_account_id:
        connected = _stripe(
            client.v1.accounts.create,
            params={
                "type": "express",
                "country": "GB",
                "business_type": "company",
                "business_profile": {"name": supplier.display_name},
                "capabilities": {"transfers": {"requested": True}},
                "metadata": {"supplier": str(supplier.pk)},
            },
            options={"idempotency_key": f"payout-account-{supplier.pk}"},
        )
        account.stripe_account_id = connected["id"]
        account.save()
        audit(by, "payout_account.created", account, stripe_account=connected["id"])
    link = _stripe(
        client.v1.account_links.create,
        params={
            "account": account.stripe_account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        },
    )
    return link["url"]


@transaction.atomic
def payout_account_refresh(*, supplier, by: User) -> SupplierPayoutAccount:
    """Back from onboarding: ask Stripe whether the account can now receive transfers."""
    _ensure_supplier_admin_of(by, supplier)
    account = SupplierPayoutAccount.objects.select_for_update().filter(supplier=supplier).first()
    if account is None or not account.stripe_account_id:
        raise ValidationFailed("Start setting up payouts first")
    connected = _stripe(stripe_provider.client().v1.accounts.retrieve, account.stripe_account_id)
    _on_account_updated(connected)
    account.refresh_from_db()
    return account
