"""Celery tasks for feedback. They take ids, re-fetch, call a service, and are safe to retry."""

from celery import shared_task

from marketplace.notifications.tasks import RETRY_POLICY


@shared_task(**RETRY_POLICY)
def invite_review_task(contract_id: int, milestone_id: int | None = None) -> int | None:
    """Invite the buyer to review the supplier at a contract stage (idempotent)."""
    from .services.invitations import review_invite

    invitation = review_invite(contract_id=contract_id, milestone_id=milestone_id)
    return invitation.pk if invitation else None
