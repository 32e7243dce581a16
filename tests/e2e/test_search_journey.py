"""A buyer searches the supplier directory for SMEs near a postcode in a real browser, with and
without JavaScript, and sees the distances in order; then removes a filter with its tag."""

import re

import pytest

from tests.e2e.conftest import sign_in
from tests.search.test_pages import supplier_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def suppliers():
    supplier_at("LS1 4DY", "Leeds Sensors Ltd")
    supplier_at("BD1 1HY", "Bradford Data Ltd")
    supplier_at("YO1 7HH", "York Analytics Ltd")
    supplier_at("LS2 7HY", "Big Leeds Plc", size_band="large", is_sme=False)
    supplier_at("SW1A 2AA", "London Digital Ltd")


def _search_near(page) -> None:
    page.goto("/suppliers/")
    near = page.get_by_label("Near a postcode or town")
    if not near.is_visible():  # filters fold behind "Show filters" on narrow screens
        page.get_by_text("Show filters").click()
    near.fill("LS1 4AP")
    page.get_by_label("Within (miles)").fill("25")
    page.get_by_label("Small and medium-sized businesses (SMEs) only").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*near=LS1\+4AP.*"))


def _names_and_distances(page) -> tuple[list[str], list[float]]:
    names = page.locator(".app-search-result h3 a").all_inner_texts()
    distances = [
        float(text.split()[0]) for text in page.locator(".app-distance strong").all_inner_texts()
    ]
    return names, distances


def _check_results(page) -> None:
    names, distances = _names_and_distances(page)
    assert names == ["Leeds Sensors Ltd", "Bradford Data Ltd", "York Analytics Ltd"]
    assert len(distances) == 3 and distances == sorted(distances)
    assert page.locator("#result-count").inner_text() == "3 suppliers"
    # The URL is the search: it can be shared and reloaded.
    assert "sme=true" in page.url and "radius_miles=25" in page.url


def test_suppliers_near_a_postcode_with_sme_on(page, live_server, suppliers, axe):
    _search_near(page)
    _check_results(page)
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    # Removing the SME tag brings the large Leeds supplier back, still sorted by distance.
    page.get_by_role("button", name=re.compile("Remove filter SMEs only")).click()
    names, distances = _names_and_distances(page)
    assert "Big Leeds Plc" in names and "London Digital Ltd" not in names
    assert distances == sorted(distances)


def test_the_same_search_works_without_javascript(no_js_page, live_server, suppliers):
    _search_near(no_js_page)
    _check_results(no_js_page)
    no_js_page.get_by_label("Sort by").select_option("name")
    no_js_page.get_by_role("button", name="Sort").click()
    names, _ = _names_and_distances(no_js_page)
    assert names == ["Bradford Data Ltd", "Leeds Sensors Ltd", "York Analytics Ltd"]


def test_a_challenge_search_saved_as_an_alert_without_javascript(no_js_page, live_server):
    """A supplier saves the challenge search on screen as an email alert, sees it listed in
    words, and stops it, all without JavaScript."""
    from tests.factories import UserFactory
    from tests.factories.accounts import DEFAULT_PASSWORD

    UserFactory(email="alerts@example.org")
    page = no_js_page
    sign_in(page, "alerts@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/")

    page.goto("/challenges/?region=TLE&q=falls")
    page.get_by_role("button", name="Email me about new challenges like these").click()
    page.wait_for_url("**/search-alerts/")
    assert "We will email you when a new challenge matches" in page.locator("body").inner_text()
    heading = page.get_by_role("heading", name="Search: falls; Region: Yorkshire and The Humber")
    assert heading.is_visible()

    page.get_by_role("button", name=re.compile("Stop these emails")).click()
    page.wait_for_url("**/search-alerts/")
    assert page.get_by_text("You have no search alerts.").is_visible()


def test_the_search_alerts_page_is_accessible(page, live_server, axe):
    from search.models import SearchAlert
    from tests.factories import UserFactory
    from tests.factories.accounts import DEFAULT_PASSWORD

    user = UserFactory(email="alerts@example.org")
    SearchAlert.objects.create(user=user, query="q=falls&region=TLE")
    sign_in(page, "alerts@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto("/search-alerts/")
    assert page.get_by_role("heading", level=1).inner_text() == "Search alerts"
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
