"""Foundation journeys in a real browser: a buyer signs in with two-factor and sees the dashboard;
the home page has no serious or critical accessibility violations."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from marketplace.accounts.models import Role
from tests.e2e.conftest import sign_in
from tests.factories import MembershipFactory
from tests.factories.accounts import DEFAULT_PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

pytestmark = pytest.mark.django_db(transaction=True)


def test_buyer_signs_in_with_two_factor_and_sees_dashboard(page):
    membership = MembershipFactory(
        role=Role.BUYER, organisation__name="Leeds City Council", user__email="buyer@example.org"
    )
    TOTP.activate(membership.user, SECRET)

    sign_in(page, "buyer@example.org", DEFAULT_PASSWORD, totp_secret=SECRET)

    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your dashboard"
    assert page.get_by_text("Leeds City Council").first.is_visible()


def test_wrong_password_shows_error_summary(page):
    MembershipFactory(role=Role.SUPPLIER_ADMIN, user__email="supplier@example.org")
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill("supplier@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()


def test_home_page_has_no_serious_accessibility_violations(page, axe):
    response = page.goto("/")
    # The page the data migration made, not an error page (transactional tests restore it).
    assert response.status == 200
    assert page.title() == "Innovation Marketplace"
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def test_home_page_works_on_a_small_screen(mobile_page, axe):
    response = mobile_page.goto("/")
    assert response.status == 200
    heading = mobile_page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Buy innovation by posting a challenge"
    assert heading.is_visible()
    violations = axe(mobile_page)
    assert violations == [], [(v["id"], v["help"]) for v in violations]
