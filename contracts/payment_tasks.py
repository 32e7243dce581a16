"""Celery tasks for payments. They take ids, call a service and retry with backoff; the rules
live in ``contracts.services.payments``."""

from __future__ import annotations

from celery import shared_task

from .models import Payment

MAX_RETRIES = 10


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def execute_payment_task(self, payment_id: int) -> str:
    """Send a payment to its provider. When the provider cannot be reached the payment stays
    pending and this task runs again after the payment's ``next_attempt_at``."""
    from .services.payments import backoff_seconds, payment_execute

    payment = payment_execute(payment_id=payment_id)
    waiting = payment.status == Payment.Status.PENDING and payment.next_attempt_at is not None
    # Run eagerly (tests, ``make run``) a retry would loop at once; beat's reconciliation
    # picks the payment up instead.
    if waiting and not self.request.is_eager and self.request.retries < MAX_RETRIES:
        raise self.retry(countdown=backoff_seconds(payment.attempts))
    return payment.status


@shared_task(acks_late=True)
def reconcile_payments_task() -> int:
    """Every 15 minutes (beat): retry due payments and check submitted ones with the provider."""
    from .services.payments import payments_reconcile

    return payments_reconcile()
