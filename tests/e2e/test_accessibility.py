"""Public pages, on a desktop and a small screen, have no serious or critical accessibility
violations (axe-core), and their core journeys work with JavaScript switched off."""

import pytest

from tests.factories.suppliers import CertificationFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    ("/", "Buy innovation by posting a challenge"),
    ("/guidance/", "Guidance"),
    ("/suppliers/", "Find a supplier"),
    ("/suppliers/?sme=on&region=TLE", "Find a supplier"),
    ("/suppliers/{slug}/", "Acme Sensors Ltd"),
    ("/suppliers/join/", "Join as a supplier"),
    ("/accounts/login/", "Sign in"),
    ("/accounts/signup/", "Create an account"),
    ("/accounts/password/reset/", "Reset your password"),
]


@pytest.fixture
def supplier():
    profile = SupplierProfileFactory(approved=True, legal_name="Acme Sensors Ltd")
    CertificationFactory(profile=profile)
    return profile


def _violations(axe, page):
    return [(v["id"], v["help"], len(v["nodes"])) for v in axe(page)]


@pytest.mark.parametrize(("path", "heading"), PAGES)
@pytest.mark.parametrize("screen", ["desktop", "mobile"])
def test_public_pages_are_accessible(page, mobile_page, axe, supplier, path, heading, screen):
    tab = page if screen == "desktop" else mobile_page
    response = tab.goto(path.format(slug=supplier.slug))
    assert response.status == 200
    assert heading in tab.get_by_role("heading", level=1).inner_text()
    assert _violations(axe, tab) == []


def test_sign_in_errors_are_accessible(page, axe):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert _violations(axe, page) == []


def test_directory_filters_work_without_javascript(no_js_page, supplier):
    SupplierProfileFactory(approved=True, legal_name="Large Systems plc", is_sme=False)
    no_js_page.goto("/suppliers/")
    assert no_js_page.get_by_role("heading", name="2 suppliers").is_visible()
    no_js_page.get_by_label("Small and medium-sized businesses (SMEs) only", exact=False).check()
    no_js_page.get_by_role("button", name="Apply filters").click()
    assert no_js_page.get_by_role("heading", name="1 supplier").is_visible()
    assert no_js_page.get_by_role("link", name="Acme Sensors Ltd").is_visible()


def test_sign_in_and_out_work_without_javascript(no_js_page, supplier):
    from marketplace.accounts.models import Role
    from tests.factories import MembershipFactory
    from tests.factories.accounts import DEFAULT_PASSWORD

    MembershipFactory(
        organisation=supplier.organisation, role=Role.SUPPLIER_ADMIN, user__email="sam@example.org"
    )
    no_js_page.goto("/accounts/login/")
    no_js_page.get_by_label("Email address").fill("sam@example.org")
    no_js_page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    no_js_page.get_by_role("button", name="Sign in").click()
    no_js_page.wait_for_url("**/dashboard/")
    assert no_js_page.get_by_text(supplier.organisation.name).first.is_visible()
    no_js_page.get_by_role("button", name="Sign out").click()
    assert no_js_page.get_by_role("link", name="Sign in").is_visible()
