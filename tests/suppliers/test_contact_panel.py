"""A supplier's contact details are for buyers; its logo is public branding."""

import pytest
from django.urls import reverse

from marketplace.accounts.models import Role
from tests.conftest import mfa_login
from tests.factories.accounts import (
    MembershipFactory,
    PendingBuyerOrganisationFactory,
    UserFactory,
)
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = pytest.mark.django_db

CONTACT = ("Priya Shah", "priya@acme-sensors.example", "0113 496 0000")


@pytest.fixture
def profile(supplier_org):
    return SupplierProfileFactory(
        organisation=supplier_org,
        approved=True,
        contact_name=CONTACT[0],
        contact_email=CONTACT[1],
        contact_phone=CONTACT[2],
        logo="supplier-logos/acme.png",
    )


def page(client, profile) -> str:
    response = client.get(reverse("suppliers:detail", args=[profile.slug]))
    assert response.status_code == 200
    return response.content.decode()


def shows_contact(html: str) -> bool:
    return all(value in html for value in CONTACT)


def hides_contact(html: str) -> bool:
    return not any(value in html for value in CONTACT)


@pytest.mark.parametrize("role", [Role.BUYER, Role.COMMISSIONER, Role.ASSESSOR])
def test_members_of_a_verified_buying_organisation_see_the_contact(
    client, profile, buyer_org, with_totp, role
):
    user = with_totp(MembershipFactory(organisation=buyer_org, role=role).user)
    mfa_login(client, user)
    html = page(client, profile)
    assert shows_contact(html)
    assert 'href="mailto:priya@acme-sensors.example"' in html


def test_staff_see_the_contact(client, profile, staff_user):
    mfa_login(client, staff_user)
    assert shows_contact(page(client, profile))


def test_anonymous_visitors_do_not_see_the_contact(client, profile):
    html = page(client, profile)
    assert hides_contact(html)
    assert "Contact details are shown to buyers" in html


@pytest.mark.parametrize("who", ["supplier_admin", "competitor_admin"])
def test_suppliers_do_not_see_the_contact(client, profile, who, request):
    mfa_login(client, request.getfixturevalue(who))
    assert hides_contact(page(client, profile))


def test_buyer_of_an_unverified_organisation_does_not_see_the_contact(client, profile, with_totp):
    pending = PendingBuyerOrganisationFactory()
    user = with_totp(MembershipFactory(organisation=pending, role=Role.BUYER).user)
    mfa_login(client, user)
    assert hides_contact(page(client, profile))


def test_signed_in_person_without_an_organisation_does_not_see_the_contact(client, profile):
    client.force_login(UserFactory())
    assert hides_contact(page(client, profile))


def test_logo_on_the_profile_page_for_everyone(client, profile):
    html = page(client, profile)
    assert '<img class="app-supplier-logo" src="/media/supplier-logos/acme.png"' in html
    assert f'alt="{profile.display_name} logo"' in html


def test_logo_in_the_directory(client, profile):
    SupplierProfileFactory(approved=True, legal_name="No Logo Ltd")
    html = client.get(reverse("suppliers:directory")).content.decode()
    assert 'src="/media/supplier-logos/acme.png"' in html
    assert f'alt="{profile.display_name} logo"' in html
    assert html.count('<img class="app-supplier-logo') == 1  # no broken image without a logo
