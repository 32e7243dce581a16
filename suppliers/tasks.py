"""Emails to a supplier's admins when their profile changes status.

The task takes ids, re-fetches, and sends only while the profile is still in the status the
event led to, so a retry after a later transition never sends stale news.
"""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from marketplace.accounts.models import Role, User
from marketplace.core.models import AuditEvent

from .models import SupplierProfile

Status = SupplierProfile.Status

# event -> (status the profile must still be in, email subject)
EVENTS: dict[str, tuple[str, str]] = {
    "submitted": (Status.SUBMITTED, "We have received your supplier profile"),
    "approved": (Status.APPROVED, "Your supplier profile has been approved"),
    "changes_requested": (
        Status.CHANGES_REQUESTED,
        "Changes are needed to your supplier profile",
    ),
    "rejected": (Status.REJECTED, "Your supplier profile has been rejected"),
    "suspended": (Status.SUSPENDED, "Your supplier profile has been suspended"),
    "reinstated": (Status.APPROVED, "Your supplier profile has been reinstated"),
}


def _latest_reasons(profile: SupplierProfile, event: str) -> str:
    from django.contrib.contenttypes.models import ContentType

    event_row = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(SupplierProfile),
            object_id=str(profile.pk),
            verb=f"supplier.{event}",
        )
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return (event_row.payload.get("reasons") or "") if event_row else ""


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),  # SMTP and network failures; template errors are bugs.
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_profile_status_email(profile_id: int, event: str) -> int:
    """Email the supplier admins of ``profile_id`` about ``event``. Returns messages sent."""
    if event not in EVENTS:
        raise ValueError(f"Unknown supplier profile event {event!r}")
    expected_status, subject = EVENTS[event]
    profile = SupplierProfile.objects.select_related("organisation").filter(pk=profile_id).first()
    if profile is None or profile.status != expected_status:
        return 0
    recipients = list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=profile.organisation_id,
            memberships__role=Role.SUPPLIER_ADMIN,
        )
        .distinct()
        .order_by("email")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    body = render_to_string(
        f"suppliers/emails/{event}.txt",
        {
            "profile": profile,
            "reasons": _latest_reasons(profile, event),
            "service_name": settings.WAGTAIL_SITE_NAME,
            "status_url": base + reverse("suppliers:join_status", args=[profile.slug]),
            "tasks_url": base + reverse("suppliers:join_tasks", args=[profile.slug]),
        },
    )
    return send_mail(
        subject=subject,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
