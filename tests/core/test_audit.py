"""audit() records who did what inside the same transaction as the change."""

import pytest
from django.db import transaction

from marketplace.accounts import services
from marketplace.accounts.models import Invitation, Membership, Role
from marketplace.core.audit import audit
from marketplace.core.models import AuditEvent
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_raises(buyer_org, buyer):
    with pytest.raises(RuntimeError, match="inside a transaction"):
        audit(buyer, "organisation.renamed", buyer_org)
    assert not AuditEvent.objects.exists()


def test_audit_records_actor_object_and_payload(buyer_org, buyer):
    with transaction.atomic():
        event = audit(buyer, "organisation.renamed", buyer_org, old="A", new="B")
    event.refresh_from_db()
    assert event.actor == buyer
    assert event.verb == "organisation.renamed"
    assert event.content_type.model_class() is type(buyer_org)
    assert event.object_id == str(buyer_org.pk)
    assert event.object_repr == buyer_org.name
    assert event.payload == {"old": "A", "new": "B"}
    assert str(event) == f"{buyer.email} organisation.renamed {buyer_org.name}"


def test_anonymous_actor_is_recorded_as_system(buyer_org):
    from django.contrib.auth.models import AnonymousUser

    with transaction.atomic():
        event = audit(AnonymousUser(), "organisation.checked", buyer_org)
    assert event.actor is None
    assert str(event).startswith("system ")


def test_rolled_back_change_leaves_no_event(buyer_org, buyer):
    with pytest.raises(ValueError), transaction.atomic():
        buyer_org.name = "Renamed"
        buyer_org.save()
        audit(buyer, "organisation.renamed", buyer_org)
        raise ValueError("a later step failed")
    buyer_org.refresh_from_db()
    assert buyer_org.name != "Renamed"
    assert not AuditEvent.objects.exists()


def test_service_that_audits_then_fails_keeps_nothing(buyer_org, buyer, monkeypatch):
    """membership_remove audits before deleting; if the delete fails, the event goes too."""
    target = MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR)

    def failing_delete(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Membership, "delete", failing_delete)
    with pytest.raises(RuntimeError):
        services.membership_remove(membership=target, by=buyer)
    assert Membership.objects.filter(pk=target.pk).exists()
    assert not AuditEvent.objects.filter(verb="membership.removed").exists()


def test_revoke_that_fails_after_saving_keeps_nothing(buyer_org, buyer, monkeypatch):
    invitation = InvitationFactory(organisation=buyer_org)
    real_audit = services.audit

    def audit_then_fail(*args, **kwargs):
        real_audit(*args, **kwargs)
        raise RuntimeError("failed after auditing")

    monkeypatch.setattr(services, "audit", audit_then_fail)
    with pytest.raises(RuntimeError):
        services.invitation_revoke(invitation=invitation, by=buyer)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not AuditEvent.objects.exists()
