"""Django admin and Wagtail admin screens for accounts and the audit log."""

import pytest
from django.db import transaction

from marketplace.accounts.models import Invitation, Role
from marketplace.core.audit import audit
from marketplace.core.models import AuditEvent
from tests.conftest import mfa_login
from tests.factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    mfa_login(client, staff_user)
    return client


@pytest.fixture
def events(buyer_org, staff_user):
    with transaction.atomic():
        audit(staff_user, "invitation.created", buyer_org, email="a@example.org")
        audit(staff_user, "membership.removed", buyer_org, email="b@example.org")


@pytest.mark.parametrize(
    "path",
    [
        "/django-admin/accounts/user/",
        "/django-admin/accounts/user/add/",
        "/django-admin/accounts/organisation/",
        "/django-admin/accounts/invitation/",
        "/django-admin/core/auditevent/",
        "/django-admin/core/auditevent/?verb=invitation.created",
        "/django-admin/core/auditevent/?q=a%40example.org",
    ],
)
def test_django_admin_pages(admin_client, events, path):
    assert admin_client.get(path).status_code == 200


def test_django_admin_change_pages(admin_client, buyer_org, staff_user, events):
    MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR)
    invitation = InvitationFactory(organisation=buyer_org)
    assert (
        admin_client.get(f"/django-admin/accounts/organisation/{buyer_org.pk}/change/").status_code
        == 200
    )
    assert (
        admin_client.get(f"/django-admin/accounts/user/{staff_user.pk}/change/").status_code == 200
    )
    assert (
        admin_client.get(f"/django-admin/accounts/invitation/{invitation.pk}/change/").status_code
        == 200
    )
    event = AuditEvent.objects.first()
    html = admin_client.get(f"/django-admin/core/auditevent/{event.pk}/change/").content.decode()
    assert 'name="_save"' not in html  # read-only


def test_audit_events_cannot_be_added_changed_or_deleted_in_django_admin(admin_client, events):
    event = AuditEvent.objects.first()
    assert admin_client.get("/django-admin/core/auditevent/add/").status_code == 403
    admin_client.post(f"/django-admin/core/auditevent/{event.pk}/change/", {"verb": "tampered"})
    admin_client.post(f"/django-admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})
    event.refresh_from_db()
    assert event.verb != "tampered"


def test_invitations_cannot_be_edited_in_django_admin(admin_client, buyer_org):
    invitation = InvitationFactory(organisation=buyer_org)
    admin_client.post(
        f"/django-admin/accounts/invitation/{invitation.pk}/change/", {"status": "accepted"}
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_wagtail_audit_log_lists_and_filters(admin_client, events):
    response = admin_client.get("/cms/audit_log/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "invitation.created" in html and "membership.removed" in html
    html = admin_client.get("/cms/audit_log/?verb=membership.removed").content.decode()
    assert "membership.removed" in html
    results = admin_client.get("/cms/audit_log/results/?verb=membership.removed").content.decode()
    assert "membership.removed" in results
    assert "invitation.created" not in results
    event = AuditEvent.objects.get(verb="membership.removed")
    assert admin_client.get(f"/cms/audit_log/inspect/{event.pk}/").status_code == 200


def test_wagtail_audit_log_is_read_only(admin_client, events):
    event = AuditEvent.objects.first()
    assert admin_client.get("/cms/audit_log/new/").status_code in (302, 403)
    admin_client.post(f"/cms/audit_log/edit/{event.pk}/", {"verb": "tampered"})
    admin_client.post(f"/cms/audit_log/delete/{event.pk}/")
    event.refresh_from_db()
    assert event.verb != "tampered"


def test_wagtail_organisations(admin_client, buyer_org):
    html = admin_client.get("/cms/organisations/").content.decode()
    assert buyer_org.name in html
    assert admin_client.get(f"/cms/organisations/edit/{buyer_org.pk}/").status_code == 200


def test_non_staff_cannot_reach_admin(client, supplier_admin):
    client.force_login(supplier_admin)
    for path in ("/cms/audit_log/", "/cms/organisations/", "/django-admin/core/auditevent/"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert "login" in response["Location"]


def test_cms_sends_nothing_to_gravatar(admin_client):
    html = admin_client.get("/cms/").content.decode()
    assert "gravatar" not in html.lower()
