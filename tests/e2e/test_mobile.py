"""Small screens: at 320 px nothing scrolls sideways on the team page, the dashboard or the
directory, even with real long email addresses; the directory filters fold behind
"Show filters" on small screens and are open on wide ones. Screenshots of each page at 320 and
1280 px go to /tmp/shots/ for a person to look at."""

from pathlib import Path

import pytest

from marketplace.accounts.models import Role
from tests.e2e.conftest import sign_in
from tests.factories import InvitationFactory, MembershipFactory
from tests.factories.accounts import DEFAULT_PASSWORD
from tests.factories.suppliers import SupplierOrganisationFactory, SupplierProfileFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # noqa: S108 - where the screenshots are asked for
NARROW, WIDE = 320, 1280

# Real-world long addresses: a double-barrelled name at a long charity domain, a shared inbox.
ADMIN_EMAIL = "alexandra.montgomery-featherstonehaugh@northern-community-innovation-trust.org.uk"
MEMBER_EMAIL = "procurement.and.commercial.enquiries@yorkshire-and-humber-social-enterprise.co.uk"
INVITEE_EMAIL = "bartholomew.fitzwilliam-cholmondeley@greater-manchester-digital-services.example"


@pytest.fixture
def long_named_supplier():
    """A supplier organisation whose people and profile have long names and addresses."""
    organisation = SupplierOrganisationFactory(
        name="Northern Community Innovation Trust (Social Enterprise) Limited",
        slug="northern-community-innovation-trust",
    )
    admin = MembershipFactory(
        organisation=organisation,
        role=Role.SUPPLIER_ADMIN,
        user__email=ADMIN_EMAIL,
        user__full_name="Alexandra Montgomery-Featherstonehaugh",
    )
    MembershipFactory(
        organisation=organisation,
        role=Role.SUPPLIER_MEMBER,
        user__email=MEMBER_EMAIL,
        user__full_name="Commercial Team",
    )
    InvitationFactory(
        organisation=organisation,
        email=INVITEE_EMAIL,
        role=Role.SUPPLIER_MEMBER,
        invited_by=admin.user,
    )
    SupplierProfileFactory(
        organisation=organisation,
        approved=True,
        contact_email=MEMBER_EMAIL,
        website="https://www.northern-community-innovation-trust.org.uk/what-we-do/",
        summary=(
            "Community-led sensor networks and data dashboards. See "
            "https://www.northern-community-innovation-trust.org.uk/case-studies/air-quality"
        ),
    )
    SupplierProfileFactory(approved=True, legal_name="Supercalifragilisticexpialidocious Ltd")
    return organisation


def _page(browser, live_server, width: int):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture
def narrow_page(browser, live_server):
    context, page = _page(browser, live_server, NARROW)
    yield page
    context.close()


@pytest.fixture
def wide_page(browser, live_server):
    context, page = _page(browser, live_server, WIDE)
    yield page
    context.close()


def _overflow(page) -> dict:
    """How wide the page is against the window, and the widest elements that stick out."""
    return page.evaluate(
        """() => {
          const inner = window.innerWidth;
          const culprits = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > inner + 0.5)
            .slice(0, 5)
            .map(el => el.tagName.toLowerCase() + '.' + el.className + ' ' +
                 Math.round(el.getBoundingClientRect().right));
          return {scroll: document.documentElement.scrollWidth, inner, culprits};
        }"""
    )


def _assert_no_sideways_scroll(page):
    result = _overflow(page)
    assert result["scroll"] <= result["inner"], result


def _shoot(page, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


PAGES = {
    "team": "/organisations/northern-community-innovation-trust/team/",
    "dashboard": "/dashboard/",
    "directory": "/suppliers/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_nothing_scrolls_sideways_at_320_pixels(
    narrow_page, wide_page, long_named_supplier, axe, name
):
    url = PAGES[name]
    for page, width in ((narrow_page, NARROW), (wide_page, WIDE)):
        if name != "directory":
            sign_in(page, ADMIN_EMAIL, DEFAULT_PASSWORD)
            page.wait_for_url("**/dashboard/")
        response = page.goto(url)
        assert response.status == 200
        _shoot(page, name, width)
        _assert_no_sideways_scroll(page)
        violations = axe(page)
        assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    if name == "team":
        # Every address is on the page, whole, even where it wraps.
        text = narrow_page.locator("main").inner_text()
        for email in (ADMIN_EMAIL, MEMBER_EMAIL, INVITEE_EMAIL):
            assert email in text.replace("\n", "")


def test_directory_filters_fold_away_on_small_screens(narrow_page, long_named_supplier):
    narrow_page.goto("/suppliers/")
    apply = narrow_page.get_by_role("button", name="Apply filters")
    assert not apply.is_visible()
    # The results come first.
    assert narrow_page.get_by_role("heading", name="2 suppliers").is_visible()
    narrow_page.get_by_text("Show filters").click()
    assert apply.is_visible()
    _shoot(narrow_page, "directory-filters-open", NARROW)
    _assert_no_sideways_scroll(narrow_page)
    narrow_page.get_by_label("Small and medium-sized businesses (SMEs) only").check()
    apply.click()
    assert narrow_page.get_by_role("heading", name="2 suppliers").is_visible()
    _assert_no_sideways_scroll(narrow_page)


def test_directory_filters_are_open_on_wide_screens(wide_page, long_named_supplier):
    wide_page.goto("/suppliers/")
    assert not wide_page.get_by_text("Show filters").is_visible()
    assert wide_page.get_by_role("button", name="Apply filters").is_visible()
    wide_page.get_by_label("Search by name or description").fill(
        "Supercalifragilisticexpialidocious"
    )
    wide_page.get_by_role("button", name="Apply filters").click()
    assert wide_page.get_by_role("heading", name="1 supplier").is_visible()


def test_directory_filters_work_on_small_screens_without_javascript(
    browser, live_server, long_named_supplier
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": NARROW, "height": 800},
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto("/suppliers/")
        page.get_by_text("Show filters").click()
        page.get_by_label("Search by name or description").fill(
            "Supercalifragilisticexpialidocious"
        )
        page.get_by_role("button", name="Apply filters").click()
        assert page.get_by_role("heading", name="1 supplier").is_visible()
    finally:
        context.close()
