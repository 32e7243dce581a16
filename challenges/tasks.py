"""Celery tasks for challenges. They take ids, re-fetch, call a service and are safe to run
again. No business rules here."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from marketplace.core.errors import DomainError
from marketplace.notifications.tasks import RETRY_POLICY

logger = logging.getLogger(__name__)


# ===== challenge side ==========================================================================


@shared_task(acks_late=True)
def open_and_close_challenges() -> dict:
    """Every minute (beat): open scheduled challenges whose phase 1 opening time has come,
    close competitions whose closing time has come, and start the next assessment period of
    open calls whose period has ended. Each challenge is its own transaction."""
    from .models import Challenge
    from .selectors.challenges import open_call_ids
    from .services import lifecycle

    now = timezone.now()
    counts = {"opened": 0, "closed": 0, "periods": 0}
    for pk in list(lifecycle.due_to_open(now).values_list("pk", flat=True)):
        try:
            lifecycle.challenge_open(challenge=Challenge(pk=pk))
            counts["opened"] += 1
        except DomainError as exc:  # someone else moved it meanwhile
            logger.info("Challenge %s not opened: %s", pk, exc)
    for pk in list(lifecycle.due_to_close(now).values_list("pk", flat=True)):
        try:
            lifecycle.challenge_close(challenge=Challenge(pk=pk))
            counts["closed"] += 1
        except DomainError as exc:
            logger.info("Challenge %s not closed: %s", pk, exc)
    for pk in open_call_ids():
        counts["periods"] += len(lifecycle.assessment_periods_roll(challenge=Challenge(pk=pk)))
    return counts


@shared_task(**RETRY_POLICY)
def send_opportunity_alerts(challenge_id: int) -> int:
    """Tell matching approved suppliers about a challenge that has opened. Each supplier is
    told once, however often this runs (``OpportunityAlert`` rows)."""
    from .models import Challenge
    from .services.alerts import opportunity_alerts_send

    challenge = Challenge.objects.filter(pk=challenge_id, status=Challenge.Status.OPEN).first()
    if challenge is None:
        return 0
    return opportunity_alerts_send(challenge=challenge)


@shared_task(**RETRY_POLICY)
def send_clarification_published(clarification_id: int) -> int:
    """Tell applicants and watchers that a new answer has been published (batched)."""
    from .services.clarifications import clarification_notify_published

    with transaction.atomic():
        return clarification_notify_published(clarification_id=clarification_id)


# ===== application side ========================================================================


@shared_task(**RETRY_POLICY)
def application_receipt_task(application_id: int) -> int:
    """Make the receipt PDF (once) and email it. Re-running after a failure is safe."""
    from .services.receipts import application_receipt_email, application_receipt_generate

    application = application_receipt_generate(application_id=application_id)
    if application is None:
        return 0
    return application_receipt_email(application=application)


@shared_task(acks_late=True)
def deadline_reminders_task() -> int:
    """Beat (hourly): 7-day and 1-day deadline reminders to suppliers with drafts. Each
    reminder is sent once (``DeadlineReminder`` rows)."""
    from .services.reminders import deadline_reminders_send

    return deadline_reminders_send()
