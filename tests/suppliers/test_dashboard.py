"""The signed-in dashboard shows each supplier organisation's profile, its status and where to
go next, and only for organisations the person belongs to."""

import pytest

from suppliers.models import SupplierProfile
from tests.conftest import mfa_login
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db

Status = SupplierProfile.Status


def _dashboard(client, user):
    mfa_login(client, user)
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


def test_person_outside_any_supplier_is_offered_the_join_link(client, buyer):
    mfa_login(client, buyer)
    html = client.get("/dashboard/").content.decode()
    assert 'href="/suppliers/join/"' in html
    assert "Join as a supplier" in html


def test_supplier_member_is_not_offered_to_join_again(client, supplier_org, supplier_admin):
    SupplierProfileFactory(organisation=supplier_org)
    assert "Join as a supplier" not in _dashboard(client, supplier_admin)


def test_staff_dashboard_shows_the_review_queue_oldest_first(client, staff_user):
    from datetime import timedelta

    from django.utils import timezone

    SupplierProfileFactory(status=Status.SUBMITTED, submitted_at=timezone.now() - timedelta(days=5))
    SupplierProfileFactory(status=Status.SUBMITTED, submitted_at=timezone.now())
    SupplierProfileFactory(status=Status.DRAFT)
    mfa_login(client, staff_user)
    html = client.get("/dashboard/").content.decode()
    panel = html[html.index('id="waiting-for-review"') :]
    assert "Waiting for review" in html
    assert "2 waiting, the oldest for 5 days" in panel
    assert 'href="/cms/suppliers/review/?status=submitted"' in panel


def test_review_queue_is_not_shown_to_suppliers(client, supplier_org, supplier_admin):
    SupplierProfileFactory(organisation=supplier_org, status=Status.SUBMITTED)
    assert "Waiting for review" not in _dashboard(client, supplier_admin)


@pytest.mark.parametrize(
    ("status", "fields", "heading"),
    [
        ("changes_requested", {"review_reasons": "Add a summary"}, "Changes needed"),
        ("rejected", {"review_reasons": "Add a summary"}, "Why your profile was rejected"),
        ("suspended", {"suspension_reason": "Add a summary"}, "Why your profile was suspended"),
        ("submitted", {"review_reasons": "Add a summary"}, None),
        ("draft", {}, None),
    ],
)
def test_status_page_shows_the_reviewers_reasons_for_the_status(
    client, supplier_org, supplier_admin, status, fields, heading
):
    profile = SupplierProfileFactory(organisation=supplier_org, status=status, **fields)
    client.force_login(supplier_admin)
    html = client.get(f"/suppliers/join/{profile.slug}/status/").content.decode()
    assert ("Add a summary" in html) is (heading is not None)
    if heading:
        assert heading in html
