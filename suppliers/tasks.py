"""Emails to a supplier's admins when their profile changes status.

Sent through ``marketplace.notifications`` (its renderer, its retry policy, its base URL). The
reviewer's reasons are passed in by the service that made the decision. The task takes ids,
re-fetches, and sends only while the profile is still in the status the event led to, so a
retry after a later transition never sends stale news.
"""

from celery import shared_task
from django.urls import reverse

from marketplace.notifications.services import absolute_url, email_send
from marketplace.notifications.tasks import RETRY_POLICY

from . import selectors
from .models import SupplierProfile

TRANSITIONS = SupplierProfile.TRANSITIONS
# Audit event suffix -> the status the profile must still be in for the email to make sense.
EVENTS: dict[str, str] = {t.event: t.target for t in TRANSITIONS.transitions}
# Decisions on identity changes (services.identity), sent while the profile is still approved.
EVENTS.update(identity_approved=SupplierProfile.Status.APPROVED)
EVENTS.update(identity_rejected=SupplierProfile.Status.APPROVED)


@shared_task(**RETRY_POLICY)
def send_profile_status_email(profile_id: int, event: str, reasons: str = "") -> int:
    """Email the supplier admins of ``profile_id`` about ``event``. Returns messages sent."""
    if event not in EVENTS:
        raise ValueError(f"Unknown supplier profile event {event!r}")
    profile = selectors.supplier_get_for_email(pk=profile_id)
    if profile is None or profile.status != EVENTS[event]:
        return 0
    recipients = selectors.supplier_admin_emails(organisation_id=profile.organisation_id)
    if not recipients:
        return 0
    return email_send(
        template=f"suppliers/emails/{event}",
        to=recipients,
        context={
            "profile": profile,
            "reasons": reasons,
            "status_url": absolute_url(reverse("suppliers:join_status", args=[profile.slug])),
            "tasks_url": absolute_url(reverse("suppliers:join_tasks", args=[profile.slug])),
            "profile_url": absolute_url(reverse("suppliers:detail", args=[profile.slug])),
        },
    )
