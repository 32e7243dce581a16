"""Platform admin review in the Wagtail admin (/cms/): listing, filters, decisions, taxonomy."""

import pytest
from django.core import mail
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.core.models import AuditEvent
from suppliers.models import Capability, SupplierProfile
from tests.conftest import mfa_login
from tests.factories import MembershipFactory
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db
Status = SupplierProfile.Status
INDEX = "supplier_review:index"


def review_url(profile):
    return reverse("supplier_review:edit", args=[profile.pk])


@pytest.fixture
def staff_client(client, staff_user):
    mfa_login(client, staff_user)
    return client


@pytest.fixture
def submitted():
    profile = SupplierProfileFactory(legal_name="Submitted Widgets Ltd", status=Status.SUBMITTED)
    MembershipFactory(organisation=profile.organisation, role=Role.SUPPLIER_ADMIN)
    return profile


def test_index_lists_filters_and_searches(staff_client, submitted, django_assert_max_num_queries):
    SupplierProfileFactory(legal_name="Draft Gadgets Ltd")
    SupplierProfileFactory(legal_name="Approved Things Ltd", approved=True)
    with django_assert_max_num_queries(40):
        response = staff_client.get(reverse(INDEX), {"status": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Submitted Widgets Ltd" in body and "Draft Gadgets Ltd" in body
    assert review_url(submitted) in body
    filtered = staff_client.get(reverse(INDEX), {"status": "submitted"}).content.decode()
    assert "Submitted Widgets Ltd" in filtered and "Draft Gadgets Ltd" not in filtered
    searched = staff_client.get(reverse(INDEX), {"q": "Gadgets"}).content.decode()
    assert "Draft Gadgets Ltd" in searched and "Submitted Widgets Ltd" not in searched
    by_band = staff_client.get(reverse(INDEX), {"size_band": "large"}).content.decode()
    assert "Submitted Widgets Ltd" not in by_band
    by_region = staff_client.get(reverse(INDEX), {"region": "TLE"}).content.decode()
    assert "Submitted Widgets Ltd" in by_region


def test_no_generic_add_or_delete_for_profiles(staff_client, submitted):
    body = staff_client.get(reverse(INDEX)).content.decode()
    assert "/cms/suppliers/review/new/" not in body
    assert staff_client.get("/cms/suppliers/review/new/").status_code == 404
    assert staff_client.get(f"/cms/suppliers/review/delete/{submitted.pk}/").status_code == 404


def test_review_page_shows_profile(staff_client, submitted):
    response = staff_client.get(review_url(submitted))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Submitted Widgets Ltd" in body
    assert "£1,500,000" in body
    assert 'value="approve"' in body and 'value="suspend"' not in body
    assert 'id="audit-history"' in body


def test_review_page_shows_audit_history(staff_client, staff_user, submitted):
    from suppliers import services

    services.profile_request_changes(
        profile=submitted, by=staff_user, reasons="Fix the <i>summary</i>"
    )
    body = staff_client.get(review_url(submitted)).content.decode()
    history = body[body.index('id="audit-history"') :]
    assert "<td>Changes requested</td>" in history
    assert "supplier.changes_requested" not in history
    assert "Fix the &lt;i&gt;summary&lt;/i&gt;" in history


def test_review_history_reads_in_words(staff_client, staff_user, submitted):
    from marketplace.core.audit import audit

    audit(staff_user, "supplier.submitted", submitted, previous_status="draft")
    audit(staff_user, "supplier.profile_updated", submitted, fields=["summary"])
    body = staff_client.get(review_url(submitted)).content.decode()
    history = body[body.index('id="audit-history"') :]
    assert "<td>Submitted for review</td>" in history
    assert "<td>Profile details changed</td>" in history
    assert "supplier.profile_updated" not in history


def test_review_list_opens_on_profiles_waiting_for_review(staff_client, submitted):
    SupplierProfileFactory(legal_name="Draft Gadgets Ltd")
    SupplierProfileFactory(legal_name="Approved Things Ltd", approved=True)
    body = staff_client.get(reverse(INDEX)).content.decode()
    assert "Submitted Widgets Ltd" in body
    assert "Draft Gadgets Ltd" not in body and "Approved Things Ltd" not in body
    everything = staff_client.get(reverse(INDEX), {"status": ""}).content.decode()
    assert "Draft Gadgets Ltd" in everything and "Approved Things Ltd" in everything


def test_approve_through_admin(
    staff_client, staff_user, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(review_url(submitted), {"action": "approve", "reasons": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert submitted.reviewed_by == staff_user
    assert mail.outbox[0].subject == "Your supplier profile has been approved"
    assert f"http://testserver/suppliers/{submitted.slug}/\n" in mail.outbox[0].body
    assert AuditEvent.objects.filter(verb="supplier.approved", actor=staff_user).exists()


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        (
            "request_changes",
            Status.CHANGES_REQUESTED,
            "Changes are needed to your supplier profile",
        ),
        ("reject", Status.REJECTED, "Your supplier profile has been rejected"),
    ],
)
def test_decisions_with_reasons_email_the_supplier(
    staff_client, submitted, action, status, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            review_url(submitted), {"action": action, "reasons": "Your summary is empty."}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == status
    assert submitted.review_reasons == "Your summary is empty."
    assert mail.outbox[0].subject == message
    assert "Your summary is empty." in mail.outbox[0].body


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("request_changes", "Enter what the supplier needs to change"),
        ("reject", "Enter why the profile is rejected"),
    ],
)
def test_reasons_required_in_admin(staff_client, submitted, action, message):
    response = staff_client.post(review_url(submitted), {"action": action, "reasons": "  "})
    assert response.status_code == 200
    assert message in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_suspend_and_reinstate_through_admin(staff_client, django_capture_on_commit_callbacks):
    profile = SupplierProfileFactory(approved=True)
    MembershipFactory(organisation=profile.organisation, role=Role.SUPPLIER_ADMIN)
    body = staff_client.get(review_url(profile)).content.decode()
    assert 'value="suspend"' in body and 'value="approve"' not in body
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(review_url(profile), {"action": "suspend", "reasons": "Fraud check"})
    profile.refresh_from_db()
    assert profile.status == Status.SUSPENDED
    assert profile.suspension_reason == "Fraud check"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(review_url(profile), {"action": "reinstate", "reasons": "Cleared"})
    profile.refresh_from_db()
    assert profile.status == Status.APPROVED
    assert [m.subject for m in mail.outbox] == [
        "Your supplier profile has been suspended",
        "Your supplier profile has been reinstated",
    ]
    assert "Cleared" in mail.outbox[1].body


def test_action_not_allowed_from_status_is_refused(staff_client):
    draft = SupplierProfileFactory()
    response = staff_client.post(review_url(draft), {"action": "approve"})
    assert response.status_code == 200
    assert "There is no decision to make while the profile is draft" in response.content.decode()
    assert response.context["form"].errors["action"] == ["Select a decision from the list"]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize("payload", [{}, {"action": "x" * 10240, "reasons": "y" * 10240}])
def test_review_form_empty_or_junk(staff_client, submitted, payload):
    response = staff_client.post(review_url(submitted), payload)
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


@pytest.mark.parametrize("who", ["supplier_admin", "buyer", "anonymous"])
def test_non_staff_cannot_review(client, submitted, who, request):
    if who != "anonymous":
        mfa_login(client, request.getfixturevalue(who))
    response = client.post(review_url(submitted), {"action": "approve"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login" in response.url
    assert client.get(reverse(INDEX)).status_code in (302, 403)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_staff_edit_capability_taxonomy(staff_client):
    heading = Capability.objects.filter(parent__isnull=True).first()
    response = staff_client.get(reverse("capabilities:index"))
    assert response.status_code == 200
    response = staff_client.post(
        reverse("capabilities:add"),
        {
            "name": "Drone surveys",
            "slug": "drone-surveys",
            "parent": heading.pk,
            "description": "",
            "order": 5,
        },
    )
    assert response.status_code == 302
    assert Capability.objects.get(slug="drone-surveys").parent == heading


def test_cms_home_shows_what_is_waiting_for_review(staff_client, submitted):
    from datetime import timedelta

    from django.utils import timezone

    SupplierProfile.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.now() - timedelta(days=3)
    )
    body = staff_client.get("/cms/").content.decode()
    panel = body[body.index('id="waiting-for-review-table"') :]
    assert "Waiting for review" in body
    row = panel[panel.index("Supplier profiles") :]
    assert "<td>1</td>" in row and "3 days" in row
    assert f'href="{reverse(INDEX)}?status=submitted"' in panel


def test_review_page_links_company_number_and_website_and_shows_the_logo(staff_client, submitted):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    submitted.logo.save("logo.png", ContentFile(buffer.getvalue()), save=False)
    submitted.website = "https://widgets.example.org"
    submitted.save()

    body = staff_client.get(review_url(submitted)).content.decode()
    companies_house = (
        "https://find-and-update.company-information.service.gov.uk/company/"
        f"{submitted.company_number}"
    )
    assert f'href="{companies_house}"' in body
    assert 'href="https://widgets.example.org"' in body
    assert f'src="{submitted.logo.url}"' in body
    assert f'alt="{submitted.display_name} logo"' in body
