"""Invitation services: who may invite, which roles fit, accepting, revoking, removing members."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from marketplace.accounts import services
from marketplace.accounts.models import Invitation, Membership, Organisation, Role
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from tests.factories import InvitationFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _admin(organisation):
    role = Role.SUPPLIER_ADMIN if organisation.kind == Organisation.Kind.SUPPLIER else Role.BUYER
    return MembershipFactory(organisation=organisation, role=role).user


# --- invitation_create ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (Organisation.Kind.BUYER, Role.BUYER),
        (Organisation.Kind.BUYER, Role.COMMISSIONER),
        (Organisation.Kind.BUYER, Role.ASSESSOR),
        (Organisation.Kind.PROGRAMME, Role.ASSESSOR),
        (Organisation.Kind.SUPPLIER, Role.SUPPLIER_ADMIN),
        (Organisation.Kind.SUPPLIER, Role.SUPPLIER_MEMBER),
    ],
)
def test_admin_invites_with_a_role_that_fits(kind, role, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(kind=kind)
    admin = _admin(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=organisation, email=" New.Person@Example.org ", role=role, by=admin
        )
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.email == "new.person@example.org"
    assert invitation.invited_by == admin
    event = AuditEvent.objects.get(verb="invitation.created")
    assert event.actor == admin and event.object_id == str(invitation.pk)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    assert f"/invitations/{invitation.token}/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (Organisation.Kind.BUYER, Role.SUPPLIER_ADMIN),
        (Organisation.Kind.BUYER, Role.SUPPLIER_MEMBER),
        (Organisation.Kind.SUPPLIER, Role.BUYER),
        (Organisation.Kind.SUPPLIER, Role.ASSESSOR),
        (Organisation.Kind.PROGRAMME, Role.SUPPLIER_MEMBER),
        (Organisation.Kind.BUYER, "emperor"),
    ],
)
def test_role_must_fit_the_organisation(kind, role):
    organisation = OrganisationFactory(kind=kind)
    with pytest.raises(ValidationFailed, match="Choose one of the roles listed"):
        services.invitation_create(
            organisation=organisation, email="a@example.org", role=role, by=_admin(organisation)
        )
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        (Organisation.Kind.BUYER, Role.COMMISSIONER),
        (Organisation.Kind.BUYER, Role.ASSESSOR),
        (Organisation.Kind.SUPPLIER, Role.SUPPLIER_MEMBER),
    ],
)
def test_members_without_admin_role_cannot_invite(kind, role):
    organisation = OrganisationFactory(kind=kind)
    member = MembershipFactory(organisation=organisation, role=role).user
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=organisation, email="a@example.org", role=role, by=member
        )
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_admin_of_another_organisation_cannot_invite(buyer_org, other_buyer):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=buyer_org, email="a@example.org", role=Role.ASSESSOR, by=other_buyer
        )


def test_no_duplicate_pending_invitation(buyer_org, buyer):
    services.invitation_create(
        organisation=buyer_org, email="a@example.org", role=Role.ASSESSOR, by=buyer
    )
    with pytest.raises(ValidationFailed, match="already has an invitation waiting"):
        services.invitation_create(
            organisation=buyer_org, email="A@example.org", role=Role.COMMISSIONER, by=buyer
        )
    assert Invitation.objects.count() == 1


def test_database_also_refuses_two_pending_invitations(buyer_org):
    InvitationFactory(organisation=buyer_org, email="a@example.org")
    with pytest.raises(IntegrityError):
        InvitationFactory(organisation=buyer_org, email="a@example.org")


def test_cannot_invite_an_existing_member(buyer_org, buyer):
    member = MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR).user
    with pytest.raises(ValidationFailed, match="already a member"):
        services.invitation_create(
            organisation=buyer_org, email=member.email.upper(), role=Role.COMMISSIONER, by=buyer
        )


def test_can_invite_again_after_revoking(buyer_org, buyer):
    first = services.invitation_create(
        organisation=buyer_org, email="a@example.org", role=Role.ASSESSOR, by=buyer
    )
    services.invitation_revoke(invitation=first, by=buyer)
    second = services.invitation_create(
        organisation=buyer_org, email="a@example.org", role=Role.ASSESSOR, by=buyer
    )
    assert second.pk != first.pk


# --- invitation_accept ------------------------------------------------------------------


def test_accept_creates_membership_and_is_idempotent(buyer_org):
    invitation = InvitationFactory(organisation=buyer_org, role=Role.ASSESSOR)
    user = UserFactory(email=invitation.email)
    membership = services.invitation_accept(invitation=invitation, user=user)
    assert (membership.user, membership.organisation, membership.role) == (
        user,
        buyer_org,
        Role.ASSESSOR,
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert AuditEvent.objects.filter(verb="invitation.accepted").count() == 1

    again = services.invitation_accept(invitation=invitation, user=user)
    assert again.pk == membership.pk
    assert Membership.objects.filter(user=user).count() == 1
    assert AuditEvent.objects.filter(verb="invitation.accepted").count() == 1


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Invitation.Status.PENDING, True),
        (Invitation.Status.ACCEPTED, False),
        (Invitation.Status.REVOKED, False),
    ],
)
def test_accept_allowed_only_from_pending(buyer_org, status, allowed):
    invitation = InvitationFactory(organisation=buyer_org)
    extra = (
        {"accepted_at": timezone.now(), "accepted_by": UserFactory()}
        if status == "accepted"
        else {}
    )
    Invitation.objects.filter(pk=invitation.pk).update(status=status, **extra)
    user = UserFactory(email=invitation.email)
    if allowed:
        services.invitation_accept(invitation=invitation, user=user)
        assert Membership.objects.filter(user=user, organisation=buyer_org).exists()
    else:
        with pytest.raises(InvalidTransition, match="Ask the person who invited you"):
            services.invitation_accept(invitation=invitation, user=user)
        assert not Membership.objects.filter(user=user).exists()


def test_expired_invitation_cannot_be_accepted(buyer_org):
    invitation = InvitationFactory(
        organisation=buyer_org, expires_at=timezone.now() - timedelta(minutes=1)
    )
    user = UserFactory(email=invitation.email)
    with pytest.raises(InvalidTransition, match="expired"):
        services.invitation_accept(invitation=invitation, user=user)
    assert not Membership.objects.filter(user=user).exists()


def test_wrong_email_cannot_accept(buyer_org):
    invitation = InvitationFactory(organisation=buyer_org)
    with pytest.raises(PermissionDenied, match=invitation.email):
        services.invitation_accept(invitation=invitation, user=UserFactory())
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_unverified_email_cannot_accept(buyer_org):
    invitation = InvitationFactory(organisation=buyer_org)
    user = UserFactory(email=invitation.email, verified=False)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=user)


def test_accept_is_atomic(buyer_org, monkeypatch):
    """If the audit write fails, neither the membership nor the status change is kept."""
    invitation = InvitationFactory(organisation=buyer_org)
    user = UserFactory(email=invitation.email)

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        services.invitation_accept(invitation=invitation, user=user)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Membership.objects.filter(user=user).exists()


# --- invitation_revoke ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Invitation.Status.PENDING, True),
        (Invitation.Status.ACCEPTED, False),
        (Invitation.Status.REVOKED, False),
    ],
)
def test_revoke_allowed_only_from_pending(buyer_org, buyer, status, allowed):
    invitation = InvitationFactory(organisation=buyer_org)
    extra = {"accepted_at": timezone.now()} if status == "accepted" else {}
    Invitation.objects.filter(pk=invitation.pk).update(status=status, **extra)
    if allowed:
        services.invitation_revoke(invitation=invitation, by=buyer)
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.REVOKED
        assert invitation.revoked_at is not None
        assert AuditEvent.objects.filter(verb="invitation.revoked", actor=buyer).exists()
    else:
        with pytest.raises(InvalidTransition):
            services.invitation_revoke(invitation=invitation, by=buyer)
        invitation.refresh_from_db()
        assert invitation.status == status


def test_revoke_needs_admin_of_that_organisation(buyer_org, other_buyer):
    invitation = InvitationFactory(organisation=buyer_org)
    assessor = MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR).user
    for user in (other_buyer, assessor):
        with pytest.raises(PermissionDenied):
            services.invitation_revoke(invitation=invitation, by=user)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_revoked_invitation_email_task_sends_nothing(buyer_org, buyer):
    from marketplace.notifications.tasks import send_invitation_email_task

    invitation = InvitationFactory(organisation=buyer_org)
    services.invitation_revoke(invitation=invitation, by=buyer)
    assert send_invitation_email_task(invitation.pk) == 0
    assert mail.outbox == []


# --- membership_remove ------------------------------------------------------------------


def test_admin_removes_a_member(buyer_org, buyer):
    membership = MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR)
    services.membership_remove(membership=membership, by=buyer)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(verb="membership.removed")
    assert event.payload["email"] == membership.user.email


def test_cannot_remove_the_last_admin(buyer_org, buyer):
    membership = Membership.objects.get(user=buyer, organisation=buyer_org)
    with pytest.raises(InvalidTransition, match="last admin"):
        services.membership_remove(membership=membership, by=buyer)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_can_remove_an_admin_when_another_remains(supplier_org, supplier_admin):
    second = MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_ADMIN)
    services.membership_remove(membership=second, by=supplier_admin)
    assert not Membership.objects.filter(pk=second.pk).exists()


def test_non_admin_and_other_org_cannot_remove(buyer_org, buyer, other_buyer):
    target = MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR)
    commissioner = MembershipFactory(organisation=buyer_org, role=Role.COMMISSIONER).user
    for user in (other_buyer, commissioner):
        with pytest.raises(PermissionDenied):
            services.membership_remove(membership=target, by=user)
    assert Membership.objects.filter(pk=target.pk).exists()
