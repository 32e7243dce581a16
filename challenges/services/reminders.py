"""Deadline reminders: 7 days and 1 day before a phase closes, to suppliers with drafts.

A ``DeadlineReminder`` row per (application, days) is written in the same transaction as the
email is queued, and the unique constraint means a reminder is never sent twice, however often
beat runs.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts.models import Membership
from marketplace.notifications.services import absolute_url

from ..models import Application, Challenge, DeadlineReminder
from ..selectors.applications import SUPPLIER_ROLES
from .applications import format_deadline

REMINDER_DAYS = (7, 1)
# Where the application side keeps its email wording (sent through notifications).
EMAILS = "challenges/applications/emails/"


def supplier_emails(supplier_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation__supplier_profile=supplier_id, role__in=SUPPLIER_ROLES
            ).values_list("user__email", flat=True)
        )
    )


def _due_days(closes_at: datetime.datetime, now: datetime.datetime) -> int | None:
    """Which reminder is due now: 1 inside the last day, 7 inside the last week, else None."""
    left = closes_at - now
    if left <= datetime.timedelta(0):
        return None
    for days in sorted(REMINDER_DAYS):
        if left <= datetime.timedelta(days=days):
            return days
    return None


def deadline_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Queue the reminders that are due. Returns how many were queued."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=max(REMINDER_DAYS))
    drafts = Application.objects.filter(
        status=Application.Status.DRAFT,
        phase__challenge__status=Challenge.Status.OPEN,
        phase__closes_at__gt=now,
        phase__closes_at__lte=horizon,
    ).select_related("phase", "phase__challenge")
    sent = 0
    for application in drafts:
        days = _due_days(application.phase.closes_at, now)
        if days is None:
            continue
        if _reminder_record(application, days):
            sent += 1
    return sent


@transaction.atomic
def _reminder_record(application: Application, days: int) -> bool:
    try:
        with transaction.atomic():
            DeadlineReminder.objects.create(application=application, days_before=days)
    except IntegrityError:
        return False
    recipients = supplier_emails(application.supplier_id)
    if not recipients:
        return True
    context = {
        "challenge": application.phase.challenge.title,
        "phase": str(application.phase),
        "deadline": format_deadline(application.phase.closes_at),
        "days": days,
        "link": absolute_url(reverse("challenges:application_tasks", args=[application.pk])),
    }
    from marketplace.notifications.tasks import send_email_task

    transaction.on_commit(
        lambda: send_email_task.delay(EMAILS + "deadline_reminder", recipients, context)
    )
    return True
