from django.db import transaction

from marketplace.accounts.models import Membership, Role

EMAILS = "feedback/emails/"
SUPPLIER_ROLES = (Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER)


def emails_of(organisation_id: int, roles) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation_id=organisation_id, role__in=roles, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def email_after_commit(template: str, to: list[str], context: dict) -> None:
    """Queue one templated email once the transaction commits (nothing to send, nothing queued)."""
    from marketplace.notifications.tasks import send_email_task

    if not to:
        return
    transaction.on_commit(lambda: send_email_task.delay(EMAILS + template, to, context))


def link(name: str, *args) -> str:
    from django.urls import reverse

    from marketplace.notifications.services import absolute_url

    return absolute_url(reverse(name, args=args))
