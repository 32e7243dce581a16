"""Edits made by staff in the Django admin and the Wagtail admin leave audit events."""

import pytest

from marketplace.accounts.models import Membership, Role
from marketplace.core.models import AuditEvent
from suppliers.models import Capability
from tests.conftest import mfa_login
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    mfa_login(client, staff_user)
    return client


def _events(verb):
    return list(AuditEvent.objects.filter(verb=verb).order_by("pk"))


def _organisation_form(org, **overrides):
    # The admin names an inline formset after the reverse accessor, as inline formsets do.
    prefix = Membership._meta.get_field("organisation").remote_field.get_accessor_name()
    data = {
        "name": org.name,
        "slug": org.slug,
        "kind": org.kind,
        "buyer_type": org.buyer_type,
        "website": org.website,
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return prefix, data


def test_django_admin_change_is_audited_with_the_changed_fields(
    staff_client, staff_user, buyer_org
):
    _, data = _organisation_form(buyer_org, name="Leeds City Council (renamed)")
    response = staff_client.post(
        f"/django-admin/accounts/organisation/{buyer_org.pk}/change/", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    [event] = _events("admin.changed")
    assert event.actor == staff_user
    assert event.object_id == str(buyer_org.pk)
    assert event.payload == {
        "model": "accounts.Organisation",
        "via": "django-admin",
        "fields": ["name"],
    }


def test_django_admin_save_without_changes_writes_nothing(staff_client, buyer_org):
    _, data = _organisation_form(buyer_org)
    response = staff_client.post(
        f"/django-admin/accounts/organisation/{buyer_org.pk}/change/", data
    )
    assert response.status_code == 302
    assert not _events("admin.changed")


def test_django_admin_inline_rows_are_audited(staff_client, buyer_org):
    member = MembershipFactory(organisation=buyer_org, role=Role.ASSESSOR)
    newcomer = UserFactory()
    prefix, data = _organisation_form(buyer_org)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(member.pk),
            f"{prefix}-0-organisation": str(buyer_org.pk),
            f"{prefix}-0-user": str(member.user.pk),
            f"{prefix}-0-role": Role.ASSESSOR,
            f"{prefix}-0-DELETE": "on",
            f"{prefix}-1-organisation": str(buyer_org.pk),
            f"{prefix}-1-user": str(newcomer.pk),
            f"{prefix}-1-role": Role.BUYER,
        }
    )
    response = staff_client.post(
        f"/django-admin/accounts/organisation/{buyer_org.pk}/change/", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    [added] = _events("admin.added")
    assert added.payload["model"] == "accounts.Membership"
    assert added.object_id == str(Membership.objects.get(user=newcomer).pk)
    [deleted] = _events("admin.deleted")
    assert deleted.payload["model"] == "accounts.Membership"
    assert str(member.user) in deleted.payload["object"]
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_django_admin_delete_and_bulk_delete_are_audited(staff_client):
    heading = Capability.objects.filter(parent=None).first()
    one = Capability.objects.create(name="Quantum sensing", slug="quantum-sensing", parent=heading)
    two = Capability.objects.create(name="Drone delivery", slug="drone-delivery", parent=heading)
    three = Capability.objects.create(name="Soil robotics", slug="soil-robotics", parent=heading)

    response = staff_client.post(
        f"/django-admin/suppliers/capability/{one.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    response = staff_client.post(
        "/django-admin/suppliers/capability/",
        {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
    )
    assert response.status_code == 302

    deleted = _events("admin.deleted")
    assert sorted(e.object_id for e in deleted) == sorted(str(c.pk) for c in (one, two, three))
    assert {e.payload["model"] for e in deleted} == {"suppliers.Capability"}
    assert not Capability.objects.filter(pk__in=[one.pk, two.pk, three.pk]).exists()


def test_wagtail_admin_create_edit_and_delete_are_audited(staff_client, staff_user):
    heading = Capability.objects.filter(parent=None).first()
    response = staff_client.post(
        "/cms/suppliers/capabilities/new/",
        {
            "name": "Digital twins",
            "slug": "digital-twins",
            "parent": heading.pk,
            "description": "",
            "order": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Capability.objects.get(slug="digital-twins")
    [added] = _events("admin.added")
    assert (added.object_id, added.actor, added.payload["via"]) == (
        str(created.pk),
        staff_user,
        "wagtail-admin",
    )

    response = staff_client.post(
        f"/cms/suppliers/capabilities/edit/{created.pk}/",
        {
            "name": "Digital twins of places",
            "slug": "digital-twins",
            "parent": heading.pk,
            "description": "",
            "order": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [changed] = _events("admin.changed")
    assert changed.payload["fields"] == ["name"]

    response = staff_client.post(f"/cms/suppliers/capabilities/delete/{created.pk}/")
    assert response.status_code == 302
    [deleted] = _events("admin.deleted")
    assert deleted.object_id == str(created.pk)
    assert not Capability.objects.filter(pk=created.pk).exists()


def test_wagtail_organisation_edit_is_audited(staff_client, buyer_org):
    response = staff_client.post(
        f"/cms/organisations/edit/{buyer_org.pk}/",
        {
            "name": buyer_org.name,
            "slug": buyer_org.slug,
            "kind": buyer_org.kind,
            "buyer_type": "nhs",
            "website": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [changed] = _events("admin.changed")
    assert changed.payload == {
        "model": "accounts.Organisation",
        "via": "wagtail-admin",
        "fields": ["buyer_type"],
    }
