import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.accounts.models import Role
from suppliers.models import Capability, Listing, Region, SupplierProfile
from tests.conftest import mfa_login
from tests.factories.accounts import MembershipFactory
from tests.factories.suppliers import (
    CaseStudyFactory,
    CertificationFactory,
    ListingFactory,
    SupplierProfileFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("suppliers:directory")
UNAPPROVED = [s for s in SupplierProfile.Status.values if s != SupplierProfile.Status.APPROVED]


def detail_url(profile):
    return reverse("suppliers:detail", args=[profile.slug])


def jsonld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


# --- List ---------------------------------------------------------------------------------


def test_list_shows_only_approved_suppliers(client):
    SupplierProfileFactory(approved=True, legal_name="Approved Sensors Ltd")
    for status in UNAPPROVED:
        SupplierProfileFactory(status=status, legal_name=f"Hidden {status} Ltd")
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Approved Sensors Ltd" in html
    assert "Hidden" not in html
    assert "1 supplier<" in html


def test_list_result_shows_place_summary_and_badges(client):
    profile = SupplierProfileFactory(
        approved=True, legal_name="Badge Ltd", is_vcse=True, vcse_type="cooperative"
    )
    CertificationFactory(profile=profile, scheme="iso_9001")
    CertificationFactory(
        profile=profile,
        scheme="iso_14001",
        expires_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    html = client.get(LIST_URL).content.decode()
    assert "Based in Leeds, Yorkshire and The Humber" in html
    assert "We build sensors and data tools" in html
    assert "Small business (SME)" in html
    assert ">VCSE<" in html
    assert ">ISO 9001</strong>" in html
    assert ">ISO 14001</strong>" not in html  # expired: no badge


def test_filters_apply_from_a_plain_get_form(client):
    SupplierProfileFactory(
        approved=True, legal_name="Cardiff Data Ltd", region=Region.objects.get(code="TLL")
    )
    SupplierProfileFactory(approved=True, legal_name="Leeds Data Ltd")
    html = client.get(LIST_URL, {"region": "TLL"}).content.decode()
    assert "Cardiff Data Ltd" in html
    assert "Leeds Data Ltd" not in html
    assert "1 supplier<" in html
    assert 'method="get"' in html and "Apply filters" in html


def test_capability_filter_offers_headings_and_entries(client):
    html = client.get(LIST_URL).content.decode()
    assert '<optgroup label="IoT and sensors">' in html
    assert 'value="iot-and-sensors"' in html
    assert 'value="environmental-sensors"' in html


def test_empty_state(client):
    SupplierProfileFactory(approved=True)
    html = client.get(LIST_URL, {"text": "nothing matches this"}).content.decode()
    assert "0 suppliers" in html
    assert "No suppliers match your filters" in html


def test_bad_filters_get_an_error_summary_not_a_500(client):
    SupplierProfileFactory(approved=True, legal_name="Still Listed Ltd")
    junk = "<b>" + "x" * 10_000
    response = client.get(
        LIST_URL, {"text": junk, "region": junk, "capability": junk, "size_band": junk}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Search text must be 200 characters or fewer" in html
    assert "Choose a region from the list" in html
    assert "Still Listed Ltd" in html  # the bad filters are ignored, the rest still apply
    assert "<b>xxx" not in html


def test_pagination_uses_govuk_component_and_keeps_filters(client):
    for n in range(45):
        SupplierProfileFactory(
            approved=True, legal_name=f"Supplier {n:02d} Ltd", remote_delivery=True
        )
    html = client.get(LIST_URL, {"remote": "on", "page": 2}).content.decode()
    assert "45 suppliers" in html
    assert 'class="govuk-pagination"' in html
    assert "Supplier 20 Ltd" in html and "Supplier 19 Ltd" not in html
    assert 'href="?remote=on&amp;page=3"' in html
    assert 'aria-current="page">2<' in html
    # Out of range pages show the last page rather than an error.
    assert "Supplier 44 Ltd" in client.get(LIST_URL, {"page": 99}).content.decode()
    assert client.get(LIST_URL, {"page": "junk"}).status_code == 200


def make_rich_suppliers(how_many: int, start: int = 0) -> None:
    capabilities = list(Capability.objects.filter(parent__slug="data-and-ai")[:3])
    regions = list(Region.objects.all()[:3])
    for n in range(start, start + how_many):
        profile = SupplierProfileFactory(approved=True, legal_name=f"Supplier {n:02d} Ltd")
        profile.capabilities.add(*capabilities)
        profile.regions_served.add(*regions)
        CertificationFactory(profile=profile)
        CaseStudyFactory(profile=profile)


# Filter choices 2, count 1, page 1, prefetches 3, site settings up to 5 (created on first use),
# and the filter counts (search.facets): at most one query per facet (size, region, capability,
# certification, VCSE), however the database backend reads them.
LIST_QUERY_BUDGET = 17


@pytest.mark.parametrize("how_many", [5, 30])
def test_list_query_count_is_bounded(client, django_assert_max_num_queries, how_many):
    make_rich_suppliers(how_many)
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        response = client.get(LIST_URL, {"sme": "on", "capability": "data-and-ai"})
    assert f"{how_many} suppliers" in response.content.decode()
    assert response.content.decode().count("Cyber Essentials</strong>") == min(how_many, 20)


def test_list_query_count_does_not_grow_with_suppliers(client):
    make_rich_suppliers(5)
    client.get(LIST_URL)  # warm per-process caches (site settings)
    with CaptureQueriesContext(connection) as five:
        client.get(LIST_URL, {"capability": "data-and-ai"})
    make_rich_suppliers(25, start=5)
    with CaptureQueriesContext(connection) as thirty:
        client.get(LIST_URL, {"capability": "data-and-ai"})
    assert len(five) == len(thirty)


# --- Profile ------------------------------------------------------------------------------


@pytest.fixture
def full_profile():
    profile = SupplierProfileFactory(
        approved=True,
        legal_name="Northern Sensors Limited",
        trading_name="Northern Sensors",
        company_number="09876543",
        website="https://northern-sensors.example",
        serves_whole_uk=False,
        remote_delivery=True,
        has_public_sector_experience=True,
    )
    profile.regions_served.add(Region.objects.get(code="TLE"), Region.objects.get(code="TLC"))
    profile.capabilities.add(
        Capability.objects.get(slug="environmental-sensors"),
        Capability.objects.get(slug="open-data-publishing"),
    )
    CertificationFactory(profile=profile, scheme="cyber_essentials_plus")
    CertificationFactory(
        profile=profile,
        scheme="iso_27001",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    CaseStudyFactory(profile=profile, title="School streets air quality")
    ListingFactory(
        profile=profile,
        title="Sensor network",
        price_pence=250_000,
        price_model=Listing.PriceModel.FIXED,
    )
    ListingFactory(
        profile=profile,
        title="Eight-week trial",
        kind=Listing.Kind.PROOF_OF_CONCEPT,
        price_model=Listing.PriceModel.FIXED,
        price_pence=0,
    )
    return profile


def test_profile_page_shows_everything_public(client, full_profile):
    response = client.get(detail_url(full_profile))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Northern Sensors</h1>' in html
    assert "Small business (SME)" in html
    assert "Cyber Essentials Plus" in html
    assert "ISO 27001" not in html  # expired
    assert "New to public sector" not in html
    assert "Based in Leeds, Yorkshire and The Humber" in html
    assert "<li>North East</li><li>Yorkshire and The Humber</li>" in html
    assert "Can deliver remotely" in html
    assert "School streets air quality" in html
    assert "Sensor network" in html and "Fixed price: £2,500" in html
    assert "Proof-of-concept offer" in html
    assert "IoT and sensors" in html and "Environmental sensors" in html
    assert "Data and AI" in html and "Open data publishing" in html
    assert "No reviews yet" in html
    assert 'class="govuk-breadcrumbs"' in html and "Find a supplier" in html
    assert "This profile is not public yet" not in html


def test_new_to_public_sector_badge(client):
    profile = SupplierProfileFactory(approved=True, has_public_sector_experience=False)
    CaseStudyFactory(profile=profile, is_public_sector=False)
    assert "New to public sector" in client.get(detail_url(profile)).content.decode()
    assert "New to public sector" in client.get(LIST_URL).content.decode()
    CaseStudyFactory(profile=profile, is_public_sector=True)
    assert "New to public sector" not in client.get(detail_url(profile)).content.decode()
    assert "New to public sector" not in client.get(LIST_URL).content.decode()


def test_jsonld_describes_the_organisation(client, full_profile):
    data = jsonld(client.get(detail_url(full_profile)))
    assert data["@type"] == "Organization"
    assert data["name"] == "Northern Sensors"
    assert data["legalName"] == "Northern Sensors Limited"
    assert data["url"] == "http://testserver" + detail_url(full_profile)
    assert data["identifier"]["value"] == "09876543"
    assert data["address"] == {
        "@type": "PostalAddress",
        "postalCode": "LS1",
        "addressLocality": "Leeds",
        "addressRegion": "Yorkshire and The Humber",
        "addressCountry": "GB",
    }
    assert set(data["knowsAbout"]) == {"Environmental sensors", "Open data publishing"}


def test_northern_ireland_jsonld_has_outward_code_only(client):
    profile = SupplierProfileFactory(
        approved=True,
        postcode="BT1 5GS",
        region=Region.objects.get(code="TLN"),
        district_name="Belfast",
        latitude=54.59664,
        longitude=-5.93008,
    )
    html = client.get(detail_url(profile)).content.decode()
    assert jsonld_postcode(html) == "BT1"
    assert "5GS" not in html


def jsonld_postcode(html: str) -> str:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))["address"]["postalCode"]


def test_supplier_text_is_escaped_everywhere(client):
    evil = "<script>alert(1)</script>"
    profile = SupplierProfileFactory(
        approved=True, legal_name=f"Evil {evil} Ltd", summary=f"We {evil} things </script>"
    )
    ListingFactory(profile=profile, title=evil, summary=evil)
    CaseStudyFactory(profile=profile, title=evil, challenge=evil, outcome=evil)
    for url in (LIST_URL, detail_url(profile)):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = client.get(detail_url(profile)).content.decode()
    data = jsonld(client.get(detail_url(profile)))  # still parses
    assert data["legalName"] == f"Evil {evil} Ltd"
    assert data["description"] == f"We {evil} things </script>"
    assert "\\u003Cscript\\u003E" in html


@pytest.mark.parametrize("status", UNAPPROVED)
def test_unapproved_profile_is_404_for_the_public_and_other_users(
    client, status, buyer, competitor_admin, supplier_org
):
    profile = SupplierProfileFactory(organisation=supplier_org, status=status)
    assert client.get(detail_url(profile)).status_code == 404
    for user in (buyer, competitor_admin):
        mfa_login(client, user)
        assert client.get(detail_url(profile)).status_code == 404
    member = MembershipFactory(organisation=supplier_org, role=Role.SUPPLIER_MEMBER).user
    client.force_login(member)
    assert client.get(detail_url(profile)).status_code == 404


@pytest.mark.parametrize("status", UNAPPROVED)
def test_own_admin_can_preview_unapproved_profile(client, status, supplier_admin, supplier_org):
    profile = SupplierProfileFactory(organisation=supplier_org, status=status)
    client.force_login(supplier_admin)
    response = client.get(detail_url(profile))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This profile is not public yet" in html
    assert "application/ld+json" not in html  # nothing for search engines to pick up


def test_approved_profile_has_no_preview_banner_for_its_admin(client, supplier_admin, supplier_org):
    profile = SupplierProfileFactory(organisation=supplier_org, approved=True)
    client.force_login(supplier_admin)
    assert "not public yet" not in client.get(detail_url(profile)).content.decode()


def test_unknown_slug_is_404(client):
    assert client.get("/suppliers/no-such-supplier/").status_code == 404


def test_place_uses_the_everyday_district_name(client):
    profile = SupplierProfileFactory(
        approved=True,
        postcode="BS1 4DJ",
        district_name="Bristol, City of",
        region=Region.objects.get(code="TLK"),
    )
    html = client.get(detail_url(profile)).content.decode()
    assert "Based in Bristol, South West" in html
    assert jsonld(client.get(detail_url(profile)))["address"]["addressLocality"] == "Bristol"


def test_profile_query_count_does_not_grow_with_content(client, full_profile):
    client.get(detail_url(full_profile))  # warm per-process caches (site settings)
    with CaptureQueriesContext(connection) as before:
        client.get(detail_url(full_profile))
    for n in range(6):
        ListingFactory(profile=full_profile, title=f"Listing {n}")
        CaseStudyFactory(profile=full_profile, title=f"Case {n}")
        CertificationFactory(profile=full_profile, scheme="other", other_name=f"Scheme {n}")
    full_profile.capabilities.add(*Capability.objects.filter(parent__slug="transport"))
    with CaptureQueriesContext(connection) as after:
        response = client.get(detail_url(full_profile))
    assert "Listing 5" in response.content.decode()
    # 10 for the profile, plus the reviews section the feedback app adds (rating and reviews).
    assert len(before) == len(after) <= 12


def test_small_screens_can_skip_the_filters_to_the_results(client):
    SupplierProfileFactory(approved=True)
    SupplierProfileFactory(approved=True)
    html = client.get(LIST_URL).content.decode()
    assert 'href="#result-count">Skip to the 2 suppliers</a>' in html
    assert 'id="result-count"' in html
