"""Celery tasks for email. They take ids or plain values, re-fetch, and are safe to retry."""

from celery import shared_task

from .services import absolute_url, email_send

# The one retry policy for email: every app's email task uses it.
RETRY_POLICY = {
    "acks_late": True,
    "autoretry_for": (OSError,),  # SMTP and network failures; rendering errors are bugs.
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRY_POLICY)
def send_email_task(template: str, to: list[str], context: dict) -> int:
    """Send one templated email. ``context`` must be JSON-serialisable."""
    return email_send(template=template, to=list(to), context=context)


@shared_task(**RETRY_POLICY)
def send_invitation_email_task(invitation_id: int) -> int:
    """Email an invitation link. Does nothing once the invitation is no longer pending."""
    from django.urls import reverse

    from marketplace.accounts.models import Invitation

    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return 0
    return email_send(
        template="invitation",
        to=[invitation.email],
        context={
            "organisation": invitation.organisation.name,
            "role": invitation.get_role_display(),
            "invited_by": str(invitation.invited_by) if invitation.invited_by else "",
            "accept_url": absolute_url(
                reverse("accounts:invitation_accept", args=[invitation.token])
            ),
            "expires_at": invitation.expires_at,
        },
    )
