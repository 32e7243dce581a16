"""Helpers shared by the challenge-side services: locking, saving, who may act, emails."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from marketplace.accounts.models import Membership, Role, User
from marketplace.core.dates import uk_datetime
from marketplace.core.errors import PermissionDenied, ValidationFailed

from ..models import Challenge
from ..selectors.access import is_challenge_buyer


def london(value) -> str:
    """A datetime as people in the UK read it: '1 March 2027 at 12pm' (Europe/London)."""
    return uk_datetime(value)


def lock(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)


def save(obj, **kwargs) -> None:
    """Validate and save."""
    obj.full_clean()
    obj.save(**kwargs)


def ensure_challenge_buyer(user: User, challenge: Challenge) -> None:
    if not is_challenge_buyer(user, challenge):
        raise PermissionDenied(
            "Only buyers of the organisations running this challenge can do this"
        )


def ensure_draft(challenge: Challenge) -> None:
    if challenge.status != Challenge.Status.DRAFT:
        raise ValidationFailed(
            "You can only change a challenge while it is a draft. "
            "Ask for it to be returned to draft first."
        )


def buyer_emails(organisation_ids: Iterable[int], *, exclude: User | None = None) -> list[str]:
    qs = Membership.objects.filter(organisation_id__in=list(organisation_ids), role=Role.BUYER)
    if exclude is not None:
        qs = qs.exclude(user=exclude)
    return sorted(set(qs.filter(user__is_active=True).values_list("user__email", flat=True)))


def queue_email(template: str, to: list[str], context: dict) -> None:
    """Send after commit, so nobody is told about a change that was rolled back."""
    if not to:
        return
    from marketplace.notifications.tasks import send_email_task

    to = list(to)
    template = email_template(template)
    transaction.on_commit(lambda: send_email_task.delay(template, to, context))


def email_template(name: str) -> str:
    """Challenge emails live in ``challenges/templates/challenges/emails/``:
    ``"challenge_opened"`` -> ``"challenges/emails/opened"``."""
    return f"challenges/emails/{name.removeprefix('challenge_')}"


def challenge_link(challenge: Challenge, name: str = "challenges:detail") -> str:
    from django.urls import reverse

    from marketplace.notifications.services import absolute_url

    return absolute_url(reverse(name, args=[challenge.slug]))
