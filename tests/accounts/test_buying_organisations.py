"""Registering a buying organisation, and platform admins verifying or rejecting it."""

import pytest
from django.core import mail

from marketplace.accounts import services_buyers
from marketplace.accounts.models import (
    Invitation,
    Membership,
    Organisation,
    PublicSectorDomain,
    Role,
)
from marketplace.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from marketplace.core.models import AuditEvent
from tests.conftest import mfa_login
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.accounts import PendingBuyerOrganisationFactory

pytestmark = pytest.mark.django_db

Status = Organisation.VerificationStatus
REGISTER = "/organisations/register/"
CHECK = "/organisations/register/check/"
ANSWERS = {
    "name": "Kirklees Council",
    "buyer_type": "local_authority",
    "website": "https://www.kirklees.gov.uk",
    "job_title": "Head of digital",
}


def review_url(organisation):
    return f"/cms/buyer-registrations/review/{organisation.pk}/"


@pytest.fixture
def council_officer(db):
    return UserFactory(email="jo.bloggs@kirklees.gov.uk", full_name="Jo Bloggs")


@pytest.fixture
def officer_client(client, council_officer):
    client.force_login(council_officer)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    mfa_login(client, staff_user)
    return client


def register(client, **answers):
    """Fill in the form and send it from the check-your-answers page."""
    response = client.post(REGISTER, {**ANSWERS, **answers})
    assert response.status_code == 302 and response["Location"] == CHECK, response.content
    return client.post(CHECK)


# --- The allow-list ---------------------------------------------------------------------------


def test_seeded_domains_include_the_common_public_sector_suffixes():
    seeded = set(PublicSectorDomain.objects.values_list("domain", flat=True))
    assert {"gov.uk", "nhs.uk", "nhs.net", "police.uk", "mod.uk", "gov.scot"} <= seeded
    assert {"gov.wales", "llyw.cymru", "gov.ni"} <= seeded


@pytest.mark.parametrize(
    ("email", "matched"),
    [
        ("jo@kirklees.gov.uk", "gov.uk"),
        ("jo@leedsth.nhs.uk", "nhs.uk"),
        ("jo@nhs.net", "nhs.net"),
        ("JO@West-Yorkshire.Police.UK", "police.uk"),
        ("jo@gov.scot", "gov.scot"),
        ("jo@example.org", ""),
        ("jo@notgov.uk", ""),  # a parent domain must match a whole label, not a suffix
        ("jo@gov.uk.example.com", ""),
    ],
)
def test_recognised_domain_matches_the_domain_or_a_parent(email, matched):
    assert services_buyers.recognised_domain(email) == matched


def test_most_specific_domain_wins():
    PublicSectorDomain.objects.create(domain="kirklees.gov.uk", organisation_hint="Kirklees")
    assert services_buyers.recognised_domain("jo@kirklees.gov.uk") == "kirklees.gov.uk"


# --- Registering ------------------------------------------------------------------------------


def test_register_check_and_confirm(
    officer_client, council_officer, django_capture_on_commit_callbacks
):
    response = officer_client.get(REGISTER)
    assert response.status_code == 200
    assert "jo.bloggs@kirklees.gov.uk" in response.content.decode()
    officer_client.post(REGISTER, ANSWERS)
    check = officer_client.get(CHECK).content.decode()
    assert "Check your answers" in check and "Kirklees Council" in check
    assert "Local authority" in check and "Head of digital" in check
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(CHECK)
    organisation = Organisation.objects.get(name="Kirklees Council")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/registrations/{organisation.pk}/"
    assert organisation.kind == Organisation.Kind.BUYER
    assert organisation.buyer_type == "local_authority"
    assert organisation.website == "https://www.kirklees.gov.uk"
    assert organisation.verification_status == Status.PENDING
    assert organisation.requested_by == council_officer
    assert organisation.requester_job_title == "Head of digital"
    assert organisation.requested_at is not None
    # Nobody is a member until a platform admin verifies it.
    assert not Membership.objects.filter(organisation=organisation).exists()
    assert AuditEvent.objects.filter(
        verb="organisation.registration_requested", object_id=str(organisation.pk)
    ).exists()
    (email,) = mail.outbox
    assert email.to == ["jo.bloggs@kirklees.gov.uk"]
    assert "Kirklees Council" in email.subject
    page = officer_client.get(response["Location"]).content.decode()
    assert "We are checking your organisation. This usually takes 2 working days." in page


def test_dashboard_offers_both_routes_then_says_what_is_happening(officer_client):
    page = officer_client.get("/dashboard/").content.decode()
    assert "You do not belong to an organisation" in page
    assert 'href="/organisations/register/"' in page and "Register a buying organisation" in page
    assert "Join as a supplier" in page
    register(officer_client)
    page = officer_client.get("/dashboard/").content.decode()
    assert "Kirklees Council" in page
    assert "We are checking your organisation. This usually takes 2 working days." in page


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the name of your organisation"),
        ({"name": "x" * 201}, "name", "The name must be 200 characters or fewer"),
        ({"name": "Kirk\u202elees"}, "name", "Remove hidden formatting characters"),
        ({"buyer_type": ""}, "buyer_type", "Select the type of organisation"),
        ({"buyer_type": "supplier"}, "buyer_type", "Select one of the types listed"),
        ({"website": "not a website"}, "website", "Enter the website address in the correct"),
        ({"job_title": ""}, "job_title", "Enter your job title"),
    ],
)
def test_bad_answers_are_shown_with_how_to_fix_them(officer_client, answers, field, message):
    response = officer_client.post(REGISTER, {**ANSWERS, **answers})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not Organisation.objects.filter(requested_by__isnull=False).exists()


def test_check_page_without_answers_goes_back_to_the_form(officer_client):
    response = officer_client.get(CHECK)
    assert response.status_code == 302 and response["Location"] == REGISTER
    assert officer_client.post(CHECK)["Location"] == REGISTER
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("status", [Status.PENDING, Status.VERIFIED])
def test_a_name_already_registered_is_refused(officer_client, status):
    factory = PendingBuyerOrganisationFactory if status == Status.PENDING else OrganisationFactory
    factory(name="KIRKLEES council")
    response = register(officer_client)
    assert response.status_code == 200
    assert "Kirklees Council is already registered" in response.content.decode()
    assert Organisation.objects.filter(name__iexact="kirklees council").count() == 1


def test_a_rejected_name_can_be_registered_again(officer_client):
    PendingBuyerOrganisationFactory(name="Kirklees Council", rejected=True)
    assert register(officer_client).status_code == 302
    assert Organisation.objects.filter(
        name="Kirklees Council", verification_status=Status.PENDING
    ).exists()


def test_double_post_makes_one_registration(officer_client, council_officer):
    officer_client.post(REGISTER, ANSWERS)
    first = officer_client.post(CHECK)
    second = officer_client.post(CHECK)  # the answers are gone from the session now
    (organisation,) = Organisation.objects.filter(requested_by=council_officer)
    assert (
        first["Location"]
        == second["Location"]
        == (f"/organisations/registrations/{organisation.pk}/")
    )


def test_the_service_returns_the_same_registration_when_sent_twice(council_officer):
    first = services_buyers.buyer_organisation_register(by=council_officer, **ANSWERS)
    again = services_buyers.buyer_organisation_register(by=council_officer, **ANSWERS)
    assert first.pk == again.pk
    assert Organisation.objects.filter(requested_by=council_officer).count() == 1


def test_one_registration_waiting_at_a_time(council_officer):
    services_buyers.buyer_organisation_register(by=council_officer, **ANSWERS)
    with pytest.raises(InvalidTransition, match="already asked us to register Kirklees"):
        services_buyers.buyer_organisation_register(
            by=council_officer, **{**ANSWERS, "name": "Calderdale Council"}
        )


def test_an_unconfirmed_email_address_cannot_register(db):
    person = UserFactory(email="new@kirklees.gov.uk", verified=False)
    with pytest.raises(PermissionDenied, match="Confirm your email address"):
        services_buyers.buyer_organisation_register(by=person, **ANSWERS)
    assert not Organisation.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (REGISTER, CHECK):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Recognised and unrecognised email domains ------------------------------------------------


def test_recognised_domain_is_recorded_and_shown_to_staff(council_officer, client, staff_user):
    organisation = services_buyers.buyer_organisation_register(by=council_officer, **ANSWERS)
    assert organisation.email_domain_recognised is True
    assert organisation.matched_domain == "gov.uk"
    assert organisation.verification_status == Status.PENDING  # staff still decide
    mfa_login(client, staff_user)
    page = client.get(review_url(organisation)).content.decode()
    assert "Email domain recognised" in page and "Manual review needed" not in page


def test_unrecognised_domain_needs_manual_review(client, staff_user):
    person = UserFactory(email="jo@kirklees-council.example.com")
    organisation = services_buyers.buyer_organisation_register(by=person, **ANSWERS)
    assert organisation.email_domain_recognised is False
    assert organisation.matched_domain == ""
    assert organisation.verification_status == Status.PENDING
    mfa_login(client, staff_user)
    page = client.get(review_url(organisation)).content.decode()
    assert "Manual review needed" in page and "Email domain recognised" not in page


def test_staff_add_a_domain_in_the_admin(staff_client, staff_user):
    response = staff_client.post(
        "/cms/public-sector-domains/new/",
        {"domain": "kirklees-council.example.com", "organisation_hint": "Kirklees"},
    )
    assert response.status_code == 302, response.content
    domain = PublicSectorDomain.objects.get(domain="kirklees-council.example.com")
    assert domain.added_by == staff_user
    assert services_buyers.recognised_domain("jo@kirklees-council.example.com") == domain.domain
    response = staff_client.post("/cms/public-sector-domains/new/", {"domain": "@bad domain"})
    assert response.status_code == 200
    assert "Enter a domain in lower case" in response.content.decode()


# --- Staff decide -----------------------------------------------------------------------------


@pytest.fixture
def pending(council_officer):
    return services_buyers.buyer_organisation_register(by=council_officer, **ANSWERS)


def test_staff_list_registrations(staff_client, pending):
    OrganisationFactory(name="Made By Staff Council")
    PendingBuyerOrganisationFactory(name="Rejected Council", rejected=True)
    page = staff_client.get("/cms/buyer-registrations/").content.decode()
    assert "Kirklees Council" in page and "Rejected Council" in page
    assert "Made By Staff Council" not in page
    waiting = staff_client.get("/cms/buyer-registrations/?verification_status=pending")
    assert waiting.status_code == 200
    assert "Kirklees Council" in waiting.content.decode()
    assert "Rejected Council" not in waiting.content.decode()


def test_staff_dashboard_counts_registrations_waiting(staff_client, pending):
    page = staff_client.get("/dashboard/").content.decode()
    assert "Buying organisation registrations" in page
    assert "/cms/buyer-registrations/?verification_status=pending" in page


def test_staff_verify_and_the_person_becomes_buyer_admin(
    staff_client, staff_user, pending, council_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(review_url(pending), {"decision": "verify"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_status == Status.VERIFIED
    assert pending.verified_by == staff_user and pending.verified_at is not None
    assert Membership.objects.filter(
        user=council_officer, organisation=pending, role=Role.BUYER
    ).exists()
    event = AuditEvent.objects.get(verb="organisation.verified", object_id=str(pending.pk))
    assert event.actor == staff_user and event.payload["previous_status"] == "pending"
    (email,) = mail.outbox
    assert email.to == [council_officer.email] and "verified" in email.subject
    assert f"/organisations/{pending.slug}/team/" in email.body


def test_staff_reject_with_a_reason(
    staff_client, staff_user, pending, council_officer, django_capture_on_commit_callbacks
):
    response = staff_client.post(review_url(pending), {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    assert "Enter why the organisation is rejected" in response.content.decode()
    pending.refresh_from_db()
    assert pending.verification_status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            review_url(pending), {"decision": "reject", "reason": "We could not find this council"}
        )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.verification_status == Status.REJECTED
    assert pending.rejected_by == staff_user and pending.rejected_at is not None
    assert pending.rejection_reason == "We could not find this council"
    assert not Membership.objects.filter(organisation=pending).exists()
    (email,) = mail.outbox
    assert email.to == [council_officer.email]
    assert "We could not find this council" in email.body


@pytest.mark.parametrize("decided", [Status.VERIFIED, Status.REJECTED])
@pytest.mark.parametrize("action", ["verify", "reject"])
def test_a_decided_registration_cannot_be_decided_again(staff_user, pending, decided, action):
    if decided == Status.VERIFIED:
        services_buyers.buyer_organisation_verify(organisation=pending, by=staff_user)
    else:
        services_buyers.buyer_organisation_reject(organisation=pending, by=staff_user, reason="No")
    with pytest.raises(InvalidTransition, match="cannot be decided again"):
        if action == "verify":
            services_buyers.buyer_organisation_verify(organisation=pending, by=staff_user)
        else:
            services_buyers.buyer_organisation_reject(
                organisation=pending, by=staff_user, reason="No"
            )
    pending.refresh_from_db()
    assert pending.verification_status == decided


def test_verification_is_atomic(staff_user, pending, monkeypatch):
    """If the audit write fails, the status and the membership are not half-written."""

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services_buyers, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        services_buyers.buyer_organisation_verify(organisation=pending, by=staff_user)
    pending.refresh_from_db()
    assert pending.verification_status == Status.PENDING
    assert not Membership.objects.filter(organisation=pending).exists()


@pytest.mark.parametrize("who", ["council_officer", "buyer", "supplier_admin"])
def test_non_staff_cannot_decide(client, pending, who, request):
    user = request.getfixturevalue(who)
    mfa_login(client, user)
    response = client.post(review_url(pending), {"decision": "verify"})
    assert response.status_code in (302, 403)
    assert client.get("/cms/buyer-registrations/").status_code in (302, 403)
    with pytest.raises(PermissionDenied):
        services_buyers.buyer_organisation_verify(organisation=pending, by=user)
    with pytest.raises(PermissionDenied):
        services_buyers.buyer_organisation_reject(organisation=pending, by=user, reason="No")
    pending.refresh_from_db()
    assert pending.verification_status == Status.PENDING


def test_anonymous_cannot_decide(client, pending):
    response = client.post(review_url(pending), {"decision": "verify"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    pending.refresh_from_db()
    assert pending.verification_status == Status.PENDING


def test_review_screen_is_only_for_registrations(staff_client):
    made_by_staff = OrganisationFactory()
    assert staff_client.get(review_url(made_by_staff)).status_code == 404


# --- After verification -----------------------------------------------------------------------


def test_new_buyer_admin_can_invite_a_commissioner(
    client, staff_user, pending, council_officer, with_totp, django_capture_on_commit_callbacks
):
    services_buyers.buyer_organisation_verify(organisation=pending, by=staff_user)
    with_totp(council_officer)  # buyers must use two-factor authentication
    mfa_login(client, council_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/organisations/{pending.slug}/team/invite/",
            {"email": "sam@kirklees.gov.uk", "role": Role.COMMISSIONER},
        )
    assert response.status_code == 302, response.content
    invitation = Invitation.objects.get(organisation=pending)
    assert invitation.role == Role.COMMISSIONER and invitation.email == "sam@kirklees.gov.uk"
    assert mail.outbox[-1].to == ["sam@kirklees.gov.uk"]


def test_pending_registration_gives_no_team_access(officer_client, pending):
    # Refused (403, or 404 where the team pages hide organisations from non-members).
    assert officer_client.get(f"/organisations/{pending.slug}/team/").status_code in (403, 404)
    assert officer_client.get(f"/organisations/{pending.slug}/team/invite/").status_code in (
        403,
        404,
    )


# --- Who can see a registration ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_person", "buyer", "supplier_admin"])
def test_other_users_cannot_see_a_pending_registration(client, pending, who, request):
    user = UserFactory() if who == "other_person" else request.getfixturevalue(who)
    mfa_login(client, user)
    response = client.get(f"/organisations/registrations/{pending.pk}/")
    assert response.status_code == 404
    assert "Kirklees Council" not in client.get("/dashboard/").content.decode()


def test_anonymous_cannot_see_a_registration(client, pending):
    response = client.get(f"/organisations/registrations/{pending.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_rejected_registration_shows_the_reason_to_its_requester(
    officer_client, staff_user, pending
):
    services_buyers.buyer_organisation_reject(
        organisation=pending, by=staff_user, reason="We could not find this council"
    )
    page = officer_client.get(f"/organisations/registrations/{pending.pk}/").content.decode()
    assert "We could not verify Kirklees Council" in page
    assert "We could not find this council" in page
    assert "We could not find this council" in officer_client.get("/dashboard/").content.decode()


def test_validation_in_the_service(council_officer):
    with pytest.raises(ValidationFailed):
        services_buyers.buyer_organisation_register(
            by=council_officer, **{**ANSWERS, "buyer_type": "supplier"}
        )
