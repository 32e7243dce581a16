"""Identity changes on an approved profile wait for a platform admin; other answers do not."""

import pytest
from django.core import mail
from django.urls import reverse

from marketplace.accounts.models import Role
from marketplace.core.errors import InvalidTransition, ValidationFailed
from marketplace.core.models import AuditEvent
from suppliers import selectors, services
from suppliers.filters import SupplierFilters
from suppliers.models import SupplierProfile
from suppliers.services import identity
from tests.conftest import mfa_login
from tests.factories import MembershipFactory
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db
Status = SupplierProfile.Status


@pytest.fixture
def approved(supplier_org):
    return SupplierProfileFactory(
        organisation=supplier_org,
        slug=supplier_org.slug,
        legal_name="Bright Sparks Ltd",
        company_number="01234567",
        approved=True,
    )


def _rename(profile, by, **fields):
    return services.profile_update(profile=profile, by=by, step="name", **fields)


def _public(profile):
    return selectors.supplier_get_public(slug=profile.slug)


# --- Services ---------------------------------------------------------------------------------


def test_identity_change_on_an_approved_profile_is_held(approved, supplier_admin):
    _rename(approved, supplier_admin, legal_name="NHS England", trading_name="NHS")
    services.profile_update(
        profile=approved, by=supplier_admin, company_number="SC123456", vat_number=""
    )
    approved.refresh_from_db()
    assert approved.pending_identity == {
        "legal_name": "NHS England",
        "trading_name": "NHS",
        "company_number": "SC123456",
    }
    assert approved.identity_submitted_at is not None
    assert (approved.legal_name, approved.trading_name) == ("Bright Sparks Ltd", "")
    assert approved.company_number == "01234567"
    assert approved.organisation.name != "NHS England"
    public = _public(approved)
    assert public.display_name == "Bright Sparks Ltd"
    assert public.company_number == "01234567"
    listed = selectors.supplier_list_public(filters=SupplierFilters(text="NHS England"))
    assert not listed.exists()
    event = AuditEvent.objects.filter(verb="supplier.identity_change_requested").first()
    assert event.payload["old"]["legal_name"] == "Bright Sparks Ltd"
    assert event.payload["new"]["legal_name"] == "NHS England"


def test_other_answers_on_an_approved_profile_change_at_once(approved, supplier_admin):
    services.profile_update(
        profile=approved,
        by=supplier_admin,
        summary="We now make drones.",
        legal_name="Bright Sparks Ltd",
    )
    approved.refresh_from_db()
    assert approved.summary == "We now make drones."
    assert approved.pending_identity == {}
    assert _public(approved).summary == "We now make drones."


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CHANGES_REQUESTED])
def test_unapproved_profiles_edit_identity_directly(supplier_org, supplier_admin, status):
    profile = SupplierProfileFactory(organisation=supplier_org, status=status)
    _rename(profile, supplier_admin, legal_name="New Name Ltd")
    profile.refresh_from_db()
    assert profile.legal_name == "New Name Ltd"
    assert profile.pending_identity == {}


def test_typing_the_approved_value_again_withdraws_the_change(approved, supplier_admin):
    _rename(approved, supplier_admin, legal_name="Other Ltd")
    _rename(approved, supplier_admin, legal_name="Bright Sparks Ltd")
    approved.refresh_from_db()
    assert approved.pending_identity == {}
    assert approved.identity_submitted_at is None


def test_approve_applies_clears_audits_and_emails(
    approved, supplier_admin, staff_user, django_capture_on_commit_callbacks
):
    _rename(approved, supplier_admin, legal_name="Bright Sparks Group Ltd")
    services.profile_update(profile=approved, by=supplier_admin, company_number="SC123456")
    SupplierProfile.objects.filter(pk=approved.pk).update(company_number_verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.supplier_identity_approve(profile=approved, by=staff_user)
    approved.refresh_from_db()
    assert approved.legal_name == "Bright Sparks Group Ltd"
    assert approved.company_number == "SC123456"
    assert approved.company_number_verified is False
    assert approved.pending_identity == {}
    assert approved.identity_submitted_at is None
    assert approved.organisation.name == "Bright Sparks Group Ltd"
    assert _public(approved).legal_name == "Bright Sparks Group Ltd"
    event = AuditEvent.objects.get(verb="supplier.identity_approved")
    assert event.payload["old"] == {"legal_name": "Bright Sparks Ltd", "company_number": "01234567"}
    assert [m.to for m in mail.outbox] == [[supplier_admin.email]]
    assert mail.outbox[0].subject == "Your new organisation details have been approved"


def test_reject_clears_and_keeps_the_approved_values(
    approved, supplier_admin, staff_user, django_capture_on_commit_callbacks
):
    _rename(approved, supplier_admin, legal_name="NHS England")
    with pytest.raises(ValidationFailed):
        services.supplier_identity_reject(profile=approved, by=staff_user, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.supplier_identity_reject(
            profile=approved, by=staff_user, reason="You are not NHS England."
        )
    approved.refresh_from_db()
    assert approved.legal_name == "Bright Sparks Ltd"
    assert approved.pending_identity == {}
    event = AuditEvent.objects.get(verb="supplier.identity_rejected")
    assert event.payload["rejected"] == {"legal_name": "NHS England"}
    assert "You are not NHS England." in mail.outbox[0].body


@pytest.mark.parametrize("service", ["approve", "reject"])
def test_nothing_pending_is_refused(approved, staff_user, service):
    with pytest.raises(InvalidTransition):
        if service == "approve":
            services.supplier_identity_approve(profile=approved, by=staff_user)
        else:
            services.supplier_identity_reject(profile=approved, by=staff_user, reason="No")


def test_approve_refuses_a_company_number_taken_meanwhile(approved, supplier_admin, staff_user):
    services.profile_update(profile=approved, by=supplier_admin, company_number="SC123456")
    SupplierProfileFactory(company_number="SC123456")
    with pytest.raises(ValidationFailed, match="already joined"):
        services.supplier_identity_approve(profile=approved, by=staff_user)
    approved.refresh_from_db()
    assert approved.company_number == "01234567"
    assert approved.pending_identity == {"company_number": "SC123456"}


def test_approve_is_atomic(approved, supplier_admin, staff_user, monkeypatch):
    _rename(approved, supplier_admin, legal_name="Bright Sparks Group Ltd")

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(identity, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        services.supplier_identity_approve(profile=approved, by=staff_user)
    approved.refresh_from_db()
    assert approved.legal_name == "Bright Sparks Ltd"
    assert approved.organisation.name != "Bright Sparks Group Ltd"
    assert approved.pending_identity == {"legal_name": "Bright Sparks Group Ltd"}


def test_holding_is_atomic_with_the_other_answers(approved, supplier_admin, monkeypatch):
    from suppliers.services import profile as profile_services

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(profile_services, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        services.profile_update(
            profile=approved, by=supplier_admin, legal_name="NHS England", summary="Changed"
        )
    approved.refresh_from_db()
    assert approved.pending_identity == {}
    assert approved.summary != "Changed"
    assert not AuditEvent.objects.filter(verb="supplier.identity_change_requested").exists()


# --- Pages ------------------------------------------------------------------------------------


def test_edit_page_holds_the_change_and_shows_it_waiting(client, approved, supplier_admin):
    client.force_login(supplier_admin)
    url = reverse("suppliers:join_step", args=[approved.slug, "name"])
    response = client.post(url, {"legal_name": "NHS England", "trading_name": ""}, follow=True)
    assert response.status_code == 200
    assert "We will check your new name or company details" in response.content.decode()
    approved.refresh_from_db()
    assert approved.legal_name == "Bright Sparks Ltd"
    page = client.get(url).content.decode()
    assert 'value="NHS England"' in page  # what was typed is not lost
    assert "Waiting for review: new legal name NHS England" in page
    tasks = client.get(reverse("suppliers:join_tasks", args=[approved.slug])).content.decode()
    assert "Waiting for review: new legal name NHS England" in tasks
    public = client.get(reverse("suppliers:detail", args=[approved.slug])).content.decode()
    assert "Bright Sparks Ltd" in public
    assert "NHS England" not in public


def test_staff_approve_and_reject_on_the_review_screen(
    client, approved, supplier_admin, staff_user
):
    MembershipFactory(organisation=approved.organisation, role=Role.SUPPLIER_MEMBER)
    _rename(approved, supplier_admin, legal_name="NHS England")
    mfa_login(client, staff_user)
    url = reverse("supplier_review:edit", args=[approved.pk])
    page = client.get(url).content.decode()
    assert "Name and company details waiting for review" in page
    assert "NHS England" in page and "Bright Sparks Ltd" in page
    refused = client.post(url, {"identity_decision": "reject", "identity_reason": ""})
    assert refused.status_code == 200
    assert "Enter why the name or company details cannot be changed" in refused.content.decode()
    response = client.post(url, {"identity_decision": "reject", "identity_reason": "Not you."})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.pending_identity == {}
    assert approved.legal_name == "Bright Sparks Ltd"

    _rename(approved, supplier_admin, legal_name="Bright Sparks Group Ltd")
    response = client.post(url, {"identity_decision": "approve"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.legal_name == "Bright Sparks Group Ltd"
    assert "waiting for review" not in client.get(url).content.decode()


def test_review_listing_filters_and_counts_pending_identity_changes(
    client, approved, supplier_admin, staff_user
):
    SupplierProfileFactory(legal_name="Quiet Approved Ltd", approved=True)
    _rename(approved, supplier_admin, legal_name="NHS England")
    mfa_login(client, staff_user)
    index = reverse("supplier_review:index")
    body = client.get(index, {"identity_pending": "true"}).content.decode()
    assert "Name or company changes waiting for review (1)" in body
    assert "Bright Sparks Ltd" in body
    assert "Quiet Approved Ltd" not in body
    assert reverse("supplier_review:edit", args=[approved.pk]) in body
