import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.core import geo
from suppliers.models import Capability, Region, SupplierProfile
from tests.factories.suppliers import CertificationFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/suppliers"
UNAPPROVED = [s for s in SupplierProfile.Status.values if s != SupplierProfile.Status.APPROVED]


def get(client, url, params=None):
    response = client.get(url, params or {})
    return response.status_code, response.json()


def test_list_shape_and_fields(client):
    profile = SupplierProfileFactory(
        approved=True,
        legal_name="Pennine Data Ltd",
        company_number="01234567",
        latitude=53.795134,
        longitude=-1.546661,
        remote_delivery=True,
    )
    profile.regions_served.add(Region.objects.get(code="TLD"), Region.objects.get(code="TLE"))
    profile.capabilities.add(Capability.objects.get(slug="open-data-publishing"))
    CertificationFactory(profile=profile, scheme="iso_9001", expires_on=datetime.date(2099, 1, 31))
    CertificationFactory(
        profile=profile,
        scheme="iso_27001",
        expires_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    status, body = get(client, LIST)
    assert status == 200
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    (item,) = body["results"]
    assert item["id"] == profile.pk
    assert item["slug"] == profile.slug
    assert item["name"] == "Pennine Data Ltd"
    assert item["sme"] is True
    assert item["size_band"] == "small"
    assert item["vcse"] is False
    assert item["company_number"] == "01234567"
    assert item["postcode"] == "LS1 4DY"
    assert item["region"] == "TLE"
    assert (item["latitude"], item["longitude"]) == (53.7951, -1.5467)
    assert item["regions_served"] == ["TLD", "TLE"]
    assert item["capabilities"] == ["open-data-publishing"]
    assert sorted(item["certifications"], key=lambda c: c["scheme"]) == [
        {
            "scheme": "iso_27001",
            "name": "ISO 27001",
            "expired": True,
            "expires": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        },
        {"scheme": "iso_9001", "name": "ISO 9001", "expired": False, "expires": "2099-01-31"},
    ]
    assert item["remote_delivery"] is True
    assert item["url"] == f"http://testserver/suppliers/{profile.slug}/"


def test_whole_uk_supplier_serves_all_twelve_regions(client):
    SupplierProfileFactory(approved=True, serves_whole_uk=True)
    _, body = get(client, LIST)
    assert body["results"][0]["regions_served"] == [
        "TLC",
        "TLD",
        "TLE",
        "TLF",
        "TLG",
        "TLH",
        "TLI",
        "TLJ",
        "TLK",
        "TLL",
        "TLM",
        "TLN",
    ]


@pytest.mark.parametrize("status", UNAPPROVED)
def test_unapproved_suppliers_are_not_in_the_api(client, status):
    approved = SupplierProfileFactory(approved=True)
    hidden = SupplierProfileFactory(status=status)
    _, body = get(client, LIST)
    assert [r["id"] for r in body["results"]] == [approved.pk]
    status_code, body = get(client, f"{LIST}/{hidden.pk}")
    assert status_code == 404
    assert body == {"detail": f"There is no approved supplier with id {hidden.pk}"}


def test_detail(client):
    profile = SupplierProfileFactory(approved=True, company_number="07654321")
    status, body = get(client, f"{LIST}/{profile.pk}")
    assert status == 200
    assert body["company_number"] == "07654321"
    assert body["url"].endswith(f"/suppliers/{profile.slug}/")
    assert get(client, f"{LIST}/999999")[0] == 404


def test_northern_ireland_coordinates_are_district_level(client):
    profile = SupplierProfileFactory(
        approved=True,
        postcode="BT1 5GS",
        latitude=54.59664,
        longitude=-5.93008,
        district_code="N09000003",
        district_name="Belfast",
        region=Region.objects.get(code="TLN"),
        country="Northern Ireland",
    )
    place = geo.lookup_postcode("BT1 5GS")
    _, body = get(client, f"{LIST}/{profile.pk}")
    assert body["postcode"] == "BT1"
    assert (body["latitude"], body["longitude"]) == (place.public_latitude, place.public_longitude)
    assert (body["latitude"], body["longitude"]) != (
        round(place.latitude, 4),
        round(place.longitude, 4),
    )
    assert body["region"] == "TLN"


def test_filters(client):
    cardiff = SupplierProfileFactory(
        approved=True,
        legal_name="Cardiff Sensors Ltd",
        region=Region.objects.get(code="TLL"),
        is_vcse=True,
        vcse_type="charity",
    )
    cardiff.capabilities.add(Capability.objects.get(slug="environmental-sensors"))
    big = SupplierProfileFactory(
        approved=True, legal_name="Big Data plc", size_band="large", is_sme=False
    )
    big.capabilities.add(Capability.objects.get(slug="machine-learning-and-ai"))

    def ids(**params):
        status, body = get(client, LIST, params)
        assert status == 200, body
        return {r["id"] for r in body["results"]}

    assert ids(text="CARDIFF") == {cardiff.pk}
    assert ids(region="TLL") == {cardiff.pk}
    assert ids(sme="true") == {cardiff.pk}
    assert ids(sme="false") == {cardiff.pk, big.pk}  # false means "do not filter"
    assert ids(vcse="true") == {cardiff.pk}
    assert ids(capability="iot-and-sensors") == {cardiff.pk}
    assert ids(capability="data-and-ai") == {big.pk}
    assert ids(size_band="large") == {big.pk}


def test_bad_filter_values_are_400_with_a_reason(client):
    status, body = get(client, LIST, {"region": "ZZZ"})
    assert status == 400
    assert body == {"detail": "region: Choose a region from the list"}
    status, body = get(client, LIST, {"sme": "perhaps"})
    assert status == 400 and body["detail"].startswith("sme:")


def test_pagination_links_and_bounds(client):
    for n in range(5):
        SupplierProfileFactory(approved=True, legal_name=f"Supplier {n} Ltd")
    status, body = get(client, LIST, {"page_size": 2, "text": "supplier"})
    assert status == 200
    assert body["count"] == 5 and len(body["results"]) == 2
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/suppliers?page_size=2&text=supplier&page=2"
    _, body = get(client, LIST, {"page_size": 2, "page": 3})
    assert [r["name"] for r in body["results"]] == ["Supplier 4 Ltd"]
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/v1/suppliers?page_size=2&page=2"


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({"page_size": 101}, 400, "page_size must be between 1 and 100"),
        ({"page_size": 0}, 400, "page_size must be between 1 and 100"),
        ({"page": 0}, 400, "page must be 1 or more"),
        ({"page": 4, "page_size": 2}, 404, "Page 4 does not exist: choose a page from 1 to 3"),
        ({"page": 2}, 404, "Page 2 does not exist: choose a page from 1 to 1"),
    ],
)
def test_pagination_out_of_range(client, params, status, detail):
    for _ in range(5):
        SupplierProfileFactory(approved=True)
    assert get(client, LIST, params) == (status, {"detail": detail})


def test_malformed_page_is_400_not_422(client):
    status, body = get(client, LIST, {"page": "two"})
    assert status == 400
    assert body["detail"].startswith("page:")


def test_empty_directory_has_an_empty_first_page(client):
    assert get(client, LIST) == (200, {"count": 0, "next": None, "previous": None, "results": []})


def test_list_query_count_is_constant(client):
    def make(n):
        for _ in range(n):
            profile = SupplierProfileFactory(approved=True, serves_whole_uk=True)
            profile.capabilities.add(*Capability.objects.all()[:2])
            CertificationFactory(profile=profile)

    make(5)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(LIST).json()["results"]) == 5
    make(25)
    with CaptureQueriesContext(connection) as thirty:
        assert len(client.get(LIST).json()["results"]) == 20
    assert len(five) == len(thirty) <= 8


def test_openapi_document_lists_both_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/suppliers" in document["paths"]
    assert "/api/v1/suppliers/{supplier_id}" in document["paths"]
    params = {p["name"] for p in document["paths"]["/api/v1/suppliers"]["get"]["parameters"]}
    assert {"page", "page_size", "text", "region", "sme", "vcse", "capability"} <= params
