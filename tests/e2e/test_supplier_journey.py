"""A supplier joins in a real browser, stops half way, comes back, submits; a platform admin asks
for changes in the Wagtail admin; the supplier fixes them and resubmits; the admin approves and
the supplier appears in the public directory."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from suppliers.models import SupplierProfile
from tests.e2e.conftest import sign_in
from tests.factories import UserFactory
from tests.factories.accounts import DEFAULT_PASSWORD

STAFF_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()


def assert_accessible(page, axe):
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.e2e
def test_supplier_joins_is_reviewed_and_appears_in_directory(page, browser, live_server, axe):
    UserFactory(email="founder@example.org", full_name="Grace Founder")
    staff = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(staff, STAFF_SECRET)

    # --- The supplier starts, fills some steps and stops -------------------------------------
    sign_in(page, "founder@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/suppliers/join/")
    assert page.get_by_role("heading", level=1).inner_text() == "Join as a supplier"
    assert_accessible(page, axe)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Legal name").fill("Northern Lights Analytics Ltd")
    save_and_continue(page)

    page.get_by_label("Company number").fill("SC123456")
    save_and_continue(page)

    # A bad website keeps the summary that was typed on the same page.
    page.get_by_label("Summary").fill("We forecast demand for council services.")
    page.get_by_label("Website (optional)").fill("not a website at all")
    save_and_continue(page)
    assert (
        "Enter a website address in the correct format"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert page.get_by_label("Summary").input_value() == "We forecast demand for council services."
    assert_accessible(page, axe)
    page.get_by_label("Website (optional)").fill("northern-lights.example.org")
    page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_url("**/suppliers/join/northern-lights-analytics-ltd/")
    assert "Your answers have been saved" in page.content()
    assert page.locator("#task-submit-status").inner_text() == "Cannot start yet"
    assert_accessible(page, axe)
    sign_out(page)

    # --- Comes back later and resumes ---------------------------------------------------------
    sign_in(page, "founder@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/suppliers/join/")
    page.get_by_role("link", name="Continue with Northern Lights Analytics Ltd").click()
    assert page.locator("#task-about-status").inner_text() == "Completed"
    page.get_by_role("link", name="Contact details").click()
    page.get_by_label("Contact name").fill("Grace Founder")
    page.get_by_label("Email address").fill("grace@northern-lights.example.org")
    save_and_continue(page)

    page.get_by_label("Number of staff").fill("14")
    page.get_by_label("Annual turnover").fill("£1,250,000")
    page.get_by_label("Balance sheet total").fill("400000")
    save_and_continue(page)

    page.get_by_label("Yes, a social enterprise").check()
    save_and_continue(page)

    page.get_by_label("Address line 1").fill("1 Park Row")
    page.get_by_label("Town or city").fill("Leeds")
    page.get_by_label("Postcode").fill("ZZ99 9ZZ")
    save_and_continue(page)
    assert "We could not find that postcode" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Postcode").fill("ls1 4dy")
    save_and_continue(page)

    page.get_by_label("Yorkshire and The Humber").check()
    page.get_by_label("We can deliver work remotely").check()
    save_and_continue(page)

    assert_accessible(page, axe)
    page.locator(".govuk-checkboxes__input").first.check()
    save_and_continue(page)

    page.get_by_label("Incremental", exact=False).check()
    page.get_by_label("Evidence for your claim").fill("Forecasts 30% more accurate in a pilot.")
    save_and_continue(page)

    page.wait_for_url("**/suppliers/join/northern-lights-analytics-ltd/")
    page.get_by_role("link", name="Check your answers and submit").click()
    assert "£1,250,000" in page.locator(".govuk-summary-list").first.inner_text()
    assert "Small (an SME)" in page.content()
    assert_accessible(page, axe)
    page.get_by_role("button", name="Submit your profile").click()
    assert page.get_by_role("heading", name="Profile submitted").is_visible()

    # --- Staff asks for changes in the Wagtail admin, signed in with two-factor ---------------
    staff_context = browser.new_context(base_url=live_server.url)
    staff_context.set_default_timeout(15_000)
    staff_page = staff_context.new_page()
    sign_in(staff_page, "admin@example.org", DEFAULT_PASSWORD, totp_secret=STAFF_SECRET)
    staff_page.wait_for_url("**/dashboard/")
    staff_page.goto("/cms/suppliers/review/?status=submitted")
    staff_page.get_by_role("link", name="Northern Lights Analytics Ltd").first.click()
    staff_page.get_by_label("Ask for changes").check()
    staff_page.get_by_label("Reasons").fill("Add your VAT number.")
    staff_page.get_by_role("button", name="Record decision").click()
    staff_page.wait_for_url("**/cms/suppliers/review/")
    profile = SupplierProfile.objects.get(legal_name="Northern Lights Analytics Ltd")
    assert profile.status == SupplierProfile.Status.CHANGES_REQUESTED

    # --- The supplier sees the reasons, fixes and resubmits -----------------------------------
    page.goto("/suppliers/join/northern-lights-analytics-ltd/status/")
    assert page.locator("#profile-status").inner_text() == "Changes requested"
    assert "Add your VAT number." in page.locator(".app-reasons").inner_text()
    assert_accessible(page, axe)
    page.goto("/suppliers/join/northern-lights-analytics-ltd/check/")
    page.get_by_role("link", name="Change VAT number").click()
    page.get_by_label("VAT number (optional)").fill("GB 980 7806 84")
    save_and_continue(page)
    page.wait_for_url("**/check/")
    assert "GB980780684" in page.content()
    page.get_by_role("button", name="Submit your profile").click()
    assert page.get_by_role("heading", name="Profile submitted").is_visible()

    # --- Staff approves ----------------------------------------------------------------------
    staff_page.goto("/cms/suppliers/review/?status=submitted")
    staff_page.get_by_role("link", name="Northern Lights Analytics Ltd").first.click()
    staff_page.get_by_label("Approve").check()
    staff_page.get_by_role("button", name="Record decision").click()
    staff_page.wait_for_url("**/cms/suppliers/review/")
    staff_context.close()

    page.goto("/suppliers/join/northern-lights-analytics-ltd/status/")
    assert page.locator("#profile-status").inner_text() == "Approved"
    page.goto("/suppliers/")
    assert page.get_by_text("Northern Lights Analytics Ltd").first.is_visible()
