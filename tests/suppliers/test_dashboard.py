"""The signed-in dashboard shows each supplier organisation's profile, its status and where to
go next, and only for organisations the person belongs to."""

import pytest

from suppliers.models import SupplierProfile
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db

Status = SupplierProfile.Status


def _dashboard(client, user):
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("status", "link_text", "path"),
    [
        (Status.DRAFT, "Continue", "/suppliers/join/{slug}/"),
        (Status.CHANGES_REQUESTED, "Continue", "/suppliers/join/{slug}/"),
        (Status.APPROVED, "Update", "/suppliers/join/{slug}/"),
        (Status.SUBMITTED, "Check status", "/suppliers/join/{slug}/status/"),
        (Status.SUSPENDED, "Check status", "/suppliers/join/{slug}/status/"),
        (Status.REJECTED, "Check status", "/suppliers/join/{slug}/status/"),
    ],
)
def test_supplier_sees_profile_status_and_next_step(
    client, supplier_org, supplier_admin, status, link_text, path
):
    if status == Status.APPROVED:
        profile = SupplierProfileFactory(organisation=supplier_org, approved=True)
    else:
        profile = SupplierProfileFactory(organisation=supplier_org, status=status)
    html = _dashboard(client, supplier_admin)
    assert "Supplier profile" in html
    assert profile.get_status_display() in html
    assert f'href="{path.format(slug=profile.slug)}">{link_text}<' in html
    public = f'href="/suppliers/{profile.slug}/"'
    assert (public in html) is (status == Status.APPROVED)


def test_other_suppliers_profiles_are_not_shown(
    client, supplier_org, competitor_org, supplier_admin
):
    SupplierProfileFactory(organisation=supplier_org, legal_name="Acme Sensors Ltd")
    rival = SupplierProfileFactory(organisation=competitor_org, status=Status.SUBMITTED)
    html = _dashboard(client, supplier_admin)
    assert rival.slug not in html
    assert "Rival Data Ltd" not in html


def test_buyer_dashboard_has_no_supplier_profile_row(client, buyer):
    html = _dashboard(client, buyer)
    assert "Supplier profile" not in html


def test_anonymous_visitor_is_sent_to_sign_in(client, supplier_org):
    SupplierProfileFactory(organisation=supplier_org)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
