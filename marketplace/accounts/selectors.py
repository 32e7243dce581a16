from django.apps import apps
from django.db.models import QuerySet
from django.urls import reverse

from .models import Invitation, Membership, Organisation


def memberships_for(*, user) -> QuerySet[Membership]:
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def organisations_for(*, user, kind: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.filter(memberships__user=user).distinct().order_by("name")
    return qs.filter(kind=kind) if kind else qs


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__email", "role")


def pending_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(status=Invitation.Status.PENDING).select_related(
        "invited_by"
    )


def user_roles(*, user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = user.__dict__.get("_all_roles")
    if cached is None:
        cached = set(Membership.objects.filter(user=user).values_list("role", flat=True))
        user.__dict__["_all_roles"] = cached
    return cached


def navigation_for(request) -> list[dict]:
    """Service navigation items for the header, marking the current section as active."""
    path = request.path
    items = []
    # Sections appear in the header only once their app is installed, so no link leads nowhere.
    if apps.is_installed("challenges"):
        items.append({"text": "Challenges", "href": "/challenges/"})
    items += [
        {"text": "Suppliers", "href": "/suppliers/"},
        {"text": "Guidance", "href": "/guidance/"},
    ]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items.append({"text": "Your dashboard", "href": reverse("accounts:dashboard")})
    for item in items:
        item["active"] = path.startswith(item["href"])
    return items


def dashboard_organisations(*, user) -> list[dict]:
    """One entry per organisation the user belongs to: its roles and whether they manage it."""
    from .services import INVITING_ROLE_BY_KIND

    grouped: dict[int, dict] = {}
    for membership in memberships_for(user=user):
        entry = grouped.setdefault(
            membership.organisation_id,
            {"organisation": membership.organisation, "memberships": [], "can_manage": False},
        )
        entry["memberships"].append(membership)
        if membership.role == INVITING_ROLE_BY_KIND.get(membership.organisation.kind):
            entry["can_manage"] = True
    return list(grouped.values())


def invitation_by_token(*, token: str) -> Invitation | None:
    if not token or len(token) > 64:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    )


def team_for(*, organisation: Organisation, user) -> dict:
    """Everything the team page shows: members, pending invitations and what ``user`` may do."""
    from .services import INVITING_ROLE_BY_KIND, can_manage_members

    return {
        "organisation": organisation,
        "members": list(organisation_members(organisation=organisation)),
        "invitations": list(pending_invitations(organisation=organisation)),
        "can_manage": can_manage_members(user=user, organisation=organisation),
        "admin_role": INVITING_ROLE_BY_KIND.get(organisation.kind),
    }


def invitations_waiting_for(*, user) -> list[Invitation]:
    """Pending, unexpired invitations sent to any of the user's confirmed email addresses."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    if not getattr(user, "is_authenticated", False):
        return []
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return list(
        Invitation.objects.filter(
            email__in=[e.lower() for e in emails],
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )
