"""Emails about buying-organisation registrations, sent through ``marketplace.notifications``.

The task takes ids, re-fetches, and sends only while the organisation is still in the status
the event led to, so a retry after a later decision never sends stale news.
"""

from celery import shared_task
from django.urls import reverse

from marketplace.notifications.services import absolute_url, email_send

from .models import Organisation

Status = Organisation.VerificationStatus

# event -> status the organisation must still be in
EVENTS = {
    "requested": Status.PENDING,
    "verified": Status.VERIFIED,
    "rejected": Status.REJECTED,
}


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),  # SMTP and network failures; template errors are bugs.
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_buyer_organisation_email(organisation_id: int, event: str) -> int:
    """Email the person who registered ``organisation_id`` about ``event``. Returns emails sent."""
    if event not in EVENTS:
        raise ValueError(f"Unknown buying organisation event {event!r}")
    organisation = (
        Organisation.objects.select_related("requested_by").filter(pk=organisation_id).first()
    )
    if organisation is None or organisation.verification_status != EVENTS[event]:
        return 0
    requester = organisation.requested_by
    if requester is None or not requester.is_active:
        return 0
    return email_send(
        template=f"buyer_organisation_{event}",
        to=[requester.email],
        context={
            "organisation": organisation.name,
            "reason": organisation.rejection_reason,
            "dashboard_url": absolute_url(reverse("accounts:dashboard")),
            "team_url": absolute_url(reverse("accounts:team", args=[organisation.slug])),
        },
    )
