"""Email tasks render templates, send once per call and are safe to retry."""

import pytest
from django.core import mail

from marketplace.accounts.models import Invitation, Role
from marketplace.notifications.tasks import send_email_task, send_invitation_email_task
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_send_email_task_renders_subject_and_body(buyer_org):
    sent = send_email_task.delay(
        "invitation",
        ["a@example.org"],
        {
            "organisation": "Leeds City Council",
            "role": "Assessor",
            "invited_by": "Bea Buyer",
            "accept_url": "http://testserver/invitations/abc/",
            "expires_at": "2027-03-27",
        },
    ).get()
    assert sent == 1
    message = mail.outbox[0]
    assert message.subject == (
        "You have been invited to join Leeds City Council on Innovation Marketplace"
    )
    assert "Bea Buyer has invited you to join Leeds City Council" in message.body
    assert "http://testserver/invitations/abc/" in message.body


def test_tasks_acknowledge_late_and_retry_network_errors():
    for task in (send_email_task, send_invitation_email_task):
        assert task.acks_late is True
        assert OSError in task.autoretry_for
        assert task.retry_backoff
        assert task.max_retries == 5


def test_invitation_email_has_the_link_and_inviter(buyer_org):
    admin = MembershipFactory(
        organisation=buyer_org, role=Role.BUYER, user__full_name="Bea Buyer"
    ).user
    invitation = InvitationFactory(organisation=buyer_org, invited_by=admin, role=Role.ASSESSOR)
    assert send_invitation_email_task.delay(invitation.pk).get() == 1
    message = mail.outbox[0]
    assert message.to == [invitation.email]
    assert f"http://testserver/invitations/{invitation.token}/" in message.body
    assert "Bea Buyer has invited you to join Leeds City Council" in message.body
    assert "Your role will be: Assessor." in message.body


@pytest.mark.parametrize("status", [Invitation.Status.REVOKED, Invitation.Status.ACCEPTED])
def test_invitation_email_not_sent_once_no_longer_pending(buyer_org, status):
    from django.utils import timezone

    invitation = InvitationFactory(organisation=buyer_org)
    Invitation.objects.filter(pk=invitation.pk).update(status=status, accepted_at=timezone.now())
    assert send_invitation_email_task(invitation.pk) == 0
    assert mail.outbox == []


def test_invitation_email_for_missing_invitation_is_a_no_op():
    assert send_invitation_email_task(999_999) == 0
    assert mail.outbox == []


def test_email_send_failure_is_retried(buyer_org, settings, monkeypatch):
    """A network failure makes Celery retry (eagerly here), so the second try sends."""
    from django.core.mail.backends.locmem import EmailBackend

    calls = {"n": 0}
    real_send = EmailBackend.send_messages

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionRefusedError("SMTP server not answering")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    monkeypatch.setattr(send_invitation_email_task, "retry_backoff", False)
    invitation = InvitationFactory(organisation=buyer_org)
    result = send_invitation_email_task.apply(args=[invitation.pk], throw=False)
    assert result.get() == 1
    assert calls["n"] == 2
    assert len(mail.outbox) == 1
