from django.db.models import QuerySet

from .models import ADMIN_ROLE_BY_KIND, Invitation, Membership, Organisation


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


def membership_in(*, organisation: Organisation, pk: int) -> Membership | None:
    """One membership of ``organisation``, with its user, or None."""
    return (
        Membership.objects.select_related("user").filter(pk=pk, organisation=organisation).first()
    )


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


def dashboard_organisations(*, user) -> list[dict]:
    """One entry per organisation the user belongs to: its roles and whether they manage it."""

    grouped: dict[int, dict] = {}
    for membership in memberships_for(user=user):
        entry = grouped.setdefault(
            membership.organisation_id,
            {"organisation": membership.organisation, "memberships": [], "can_manage": False},
        )
        entry["memberships"].append(membership)
        if membership.role == ADMIN_ROLE_BY_KIND.get(membership.organisation.kind):
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
    from .permissions import can_manage_members

    return {
        "organisation": organisation,
        "members": list(organisation_members(organisation=organisation)),
        "invitations": list(pending_invitations(organisation=organisation)),
        "can_manage": can_manage_members(user=user, organisation=organisation),
        "admin_role": ADMIN_ROLE_BY_KIND.get(organisation.kind),
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


# --- Buying organisation registrations ------------------------------------------------------

# Roles that let a member of a verified buying organisation see what only buyers see.
BUYING_ROLES = ("buyer", "commissioner", "assessor")


def buyer_registrations_for(*, user) -> list[Organisation]:
    """The user's own registrations still waiting, or turned down, for their dashboard."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Organisation.objects.filter(
            requested_by=user,
            kind=Organisation.Kind.BUYER,
            verification_status__in=[
                Organisation.VerificationStatus.PENDING,
                Organisation.VerificationStatus.REJECTED,
            ],
        )
        .exclude(memberships__user=user)
        .order_by("-requested_at")
    )


def buyer_registration_for_requester(*, pk: int, user) -> Organisation | None:
    """A registration, only for the person who made it (anyone else gets None, so a 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Organisation.objects.filter(
        pk=pk, requested_by=user, kind=Organisation.Kind.BUYER
    ).first()


def is_verified_buyer(*, user) -> bool:
    """Staff, or a buyer, commissioner or assessor of a verified buying organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    cached = user.__dict__.get("_is_verified_buyer")
    if cached is None:
        cached = Membership.objects.filter(
            user=user,
            role__in=BUYING_ROLES,
            organisation__kind__in=[Organisation.Kind.BUYER, Organisation.Kind.PROGRAMME],
            organisation__verification_status=Organisation.VerificationStatus.VERIFIED,
        ).exists()
        user.__dict__["_is_verified_buyer"] = cached
    return cached


def registrations_for_review() -> QuerySet[Organisation]:
    """Every buying organisation registered by its own staff, for platform admins to decide."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.BUYER, requested_by__isnull=False
    ).select_related("requested_by", "verified_by", "rejected_by")


def buyer_dashboard_panel(request) -> dict | None:
    """The dashboard's buying-organisation panel: the person's registrations waiting or turned
    down, and the way to register one while they belong to no organisation."""
    from django.urls import reverse

    user = request.user
    registrations = buyer_registrations_for(user=user)
    waiting = any(r.is_verification_pending for r in registrations)
    belongs = bool(user_roles(user=user))  # cached for the request (two-factor check)
    register_url = "" if waiting or belongs else reverse("accounts:buyer_register")
    if not registrations and not register_url:
        return None
    return {"registrations": registrations, "register_url": register_url}


def buyer_registration_queue_summary() -> tuple[int, object]:
    """(how many registrations wait for a decision, when the oldest was sent) for staff."""
    from django.db.models import Count, Min

    summary = (
        registrations_for_review()
        .filter(verification_status=Organisation.VerificationStatus.PENDING)
        .aggregate(count=Count("pk"), oldest=Min("requested_at"))
    )
    return summary["count"], summary["oldest"]
