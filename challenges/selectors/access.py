"""Who belongs to the organisations running a challenge: reads that services, selectors and
permissions share."""

from __future__ import annotations

from marketplace.accounts.models import Membership, Organisation, Role, User

from ..models import Challenge


def buyer_org_ids(user: User) -> set[int]:
    """Organisations where ``user`` is a buyer."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, role=Role.BUYER).values_list(
            "organisation_id", flat=True
        )
    )


def challenge_org_ids(challenge: Challenge) -> set[int]:
    """The lead buyer and every co-funding buyer organisation."""
    return {challenge.buyer_id, *challenge.co_funders.values_list("pk", flat=True)}


def is_challenge_buyer(user: User, challenge: Challenge) -> bool:
    """A buyer of the lead or a co-funding organisation."""
    return bool(buyer_org_ids(user) & challenge_org_ids(challenge))


def is_programme_member(user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user, organisation__kind=Organisation.Kind.PROGRAMME
    ).exists()
