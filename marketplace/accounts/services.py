"""Writes for organisations, memberships and invitations. Every change is audited."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from marketplace.core.audit import audit
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed

from .models import (
    ADMIN_ROLE_BY_KIND,
    ROLES_BY_KIND,
    Invitation,
    Membership,
    Organisation,
    Role,
    User,
)
from .permissions import can_manage_members


def _ensure_admin(*, user, organisation: Organisation) -> None:
    if not can_manage_members(user=user, organisation=organisation):
        raise PermissionDenied(
            f"Only an admin of {organisation.name} can manage its team. Ask one of them to do it."
        )


def roles_for_kind(kind: str) -> list[str]:
    """Roles that fit an organisation kind, in the order ``Role`` declares them."""
    allowed = ROLES_BY_KIND.get(kind, set())
    return [r for r in Role.values if r in allowed]


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, role: str, by: User) -> Invitation:
    """Invite ``email`` to join ``organisation`` with ``role``. Emails them a link after commit."""
    _ensure_admin(user=by, organisation=organisation)
    email = (email or "").strip().lower()
    if role not in ROLES_BY_KIND.get(organisation.kind, set()):
        raise ValidationFailed(
            f"A {Role(role).label.lower() if role in Role.values else role} cannot belong to a "
            f"{organisation.get_kind_display().lower()} organisation. Choose one of the roles listed.",
            field="role",
        )
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationFailed(
            f"{email} is already a member of {organisation.name}.", field="email"
        )
    # Lock the organisation row so two admins cannot invite the same person at once.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if Invitation.objects.filter(
        organisation=organisation, email__iexact=email, status=Invitation.Status.PENDING
    ).exists():
        raise ValidationFailed(
            f"{email} already has an invitation waiting. Revoke it first if you want to send a "
            "new one.",
            field="email",
        )
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=by)
    invitation.full_clean()
    invitation.save()
    audit(by, "invitation.created", invitation, email=email, role=role)
    from marketplace.notifications.tasks import send_invitation_email_task

    transaction.on_commit(lambda: send_invitation_email_task.delay(invitation.pk))
    return invitation


def _verified_emails(user: User) -> set[str]:
    return {
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organisation. Accepting again as the same person returns the same membership."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.email.lower() not in _verified_emails(user):
        raise PermissionDenied(
            f"This invitation was sent to {invitation.email}. Sign in with that email address, "
            "or ask for a new invitation to your own address."
        )
    if invitation.status == Invitation.Status.ACCEPTED and invitation.accepted_by_id == user.pk:
        return Membership.objects.get(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
    if not Invitation.TRANSITIONS.can("accept", invitation.status):
        raise InvalidTransition(
            f"This invitation has been {invitation.get_status_display().lower()} and cannot be "
            "used. Ask the person who invited you to send a new one."
        )
    if invitation.is_expired:
        raise InvalidTransition(
            "This invitation has expired. Ask the person who invited you to send a new one."
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.status = Invitation.TRANSITIONS["accept"].target
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.full_clean()
    invitation.save()
    user.__dict__.pop("_roles_cache", None)
    user.__dict__.pop("_all_roles", None)
    audit(
        user,
        Invitation.TRANSITIONS.event("accept"),
        invitation,
        membership_id=membership.pk,
        role=invitation.role,
    )
    return membership


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Cancel a pending invitation so its link stops working."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    _ensure_admin(user=by, organisation=invitation.organisation)
    if not Invitation.TRANSITIONS.can("revoke", invitation.status):
        raise InvalidTransition(
            f"This invitation has already been {invitation.get_status_display().lower()}, so it "
            "cannot be revoked."
        )
    invitation.status = Invitation.TRANSITIONS["revoke"].target
    invitation.revoked_at = timezone.now()
    invitation.full_clean()
    invitation.save()
    audit(by, Invitation.TRANSITIONS.event("revoke"), invitation, email=invitation.email)
    return invitation


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Take a role away from a member. An organisation always keeps at least one admin."""
    membership = Membership.objects.select_related("organisation", "user").get(pk=membership.pk)
    organisation = membership.organisation
    _ensure_admin(user=by, organisation=organisation)
    admin_role = ADMIN_ROLE_BY_KIND.get(organisation.kind)
    if membership.role == admin_role:
        # Lock the admins so two simultaneous removals cannot leave nobody in charge.
        admins = list(
            Membership.objects.select_for_update()
            .filter(organisation=organisation, role=admin_role)
            .values_list("pk", flat=True)
        )
        if admins == [membership.pk]:
            raise InvalidTransition(
                f"You cannot remove the last admin of {organisation.name}. Invite another admin "
                "first."
            )
    audit(
        by,
        "membership.removed",
        organisation,
        user_id=membership.user_id,
        email=membership.user.email,
        role=membership.role,
    )
    membership.delete()
    by.__dict__.pop("_roles_cache", None)
