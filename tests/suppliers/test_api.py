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
    assert item["location"] == {
        "district": profile.district_name,
        "outward_code": "LS1",
        "region": "TLE",
        "latitude": 53.80,
        "longitude": -1.55,
    }
    assert "postcode" not in item and "latitude" not in item
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
    # The service stores the district centre for a Northern Ireland postcode (licence terms);
    # the API rounds it like every other point.
    place = geo.lookup_postcode("BT1 5GS")
    profile = SupplierProfileFactory(
        approved=True,
        postcode="BT1 5GS",
        latitude=place.public_latitude,
        longitude=place.public_longitude,
        district_code="N09000003",
        district_name="Belfast",
        region=Region.objects.get(code="TLN"),
        country="Northern Ireland",
    )
    _, body = get(client, f"{LIST}/{profile.pk}")
    location = body["location"]
    assert location["outward_code"] == "BT1"
    assert location["district"] == "Belfast"
    assert (location["latitude"], location["longitude"]) == (
        round(place.district_latitude, 2),
        round(place.district_longitude, 2),
    )
    assert (location["latitude"], location["longitude"]) != (
        round(place.latitude, 2),
        round(place.longitude, 2),
    )
    assert location["region"] == "TLN"


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
    assert len(five) == len(thirty) <= 9  # 8, plus one for the ratings of the whole page


def test_openapi_document_lists_both_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/suppliers" in document["paths"]
    assert "/api/v1/suppliers/{id_or_slug}" in document["paths"]
    params = {p["name"] for p in document["paths"]["/api/v1/suppliers"]["get"]["parameters"]}
    assert {"page", "page_size", "text", "region", "sme", "vcse", "capability"} <= params


# --- Location privacy -------------------------------------------------------------------------


def _all_numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _all_numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _all_numbers(v)
    elif isinstance(value, float):
        yield value


def test_api_never_returns_the_exact_point(client):
    profile = SupplierProfileFactory(approved=True, latitude=53.796789, longitude=-1.548123)
    _, listed = get(client, LIST)
    _, detail = get(client, f"{LIST}/{profile.pk}")
    for body in (listed, detail):
        numbers = set(_all_numbers(body))
        assert profile.latitude not in numbers and profile.longitude not in numbers
        assert round(profile.latitude, 4) not in numbers  # the old, too precise, publication
        assert "LS1 4DY" not in json.dumps(body)  # the full postcode is not published
    assert detail["location"]["latitude"] == 53.80
    assert detail["location"]["longitude"] == -1.55
    profile.refresh_from_db()
    assert (profile.latitude, profile.longitude) == (53.796789, -1.548123)  # kept for search


def test_supplier_without_a_location(client):
    profile = SupplierProfileFactory(
        approved=True, postcode="", latitude=None, longitude=None, district_name="", region=None
    )
    _, body = get(client, f"{LIST}/{profile.pk}")
    assert body["location"] == {
        "district": None,
        "outward_code": None,
        "region": None,
        "latitude": None,
        "longitude": None,
    }


def test_openapi_says_what_precision_is_published(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    location = schemas["SupplierOut"]["properties"]["location"]
    described = location.get("description", "") + json.dumps(location)
    assert "about 1 km" in described and "2 decimal places" in described
    assert set(schemas["LocationOut"]["properties"]) == {
        "district",
        "outward_code",
        "region",
        "latitude",
        "longitude",
    }


# --- One supplier by id or slug ---------------------------------------------------------------


def test_detail_by_slug_or_id(client):
    profile = SupplierProfileFactory(approved=True, legal_name="Pennine Data Ltd")
    by_id = get(client, f"{LIST}/{profile.pk}")
    by_slug = get(client, f"{LIST}/{profile.slug}")
    assert by_id == by_slug
    assert by_slug[0] == 200 and by_slug[1]["id"] == profile.pk


@pytest.mark.parametrize("status", UNAPPROVED)
def test_unapproved_supplier_by_slug_is_404(client, status):
    hidden = SupplierProfileFactory(status=status)
    assert get(client, f"{LIST}/{hidden.slug}") == (
        404,
        {"detail": f"There is no approved supplier with address {hidden.slug}"},
    )


@pytest.mark.parametrize("ref", ["no-such-supplier", "999999", "9" * 40, "%C3%A9t%C3%A9"])
def test_unknown_id_or_slug_is_404_json(client, ref):
    response = client.get(f"{LIST}/{ref}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("There is no approved supplier with")


# --- Repeated and unknown parameters ----------------------------------------------------------


def _ids(client, query: str) -> set[int]:
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200, response.json()
    return {r["id"] for r in response.json()["results"]}


def test_repeated_multi_valued_filters_match_any_value(client):
    leeds = SupplierProfileFactory(approved=True, region=Region.objects.get(code="TLE"))
    manchester = SupplierProfileFactory(approved=True, region=Region.objects.get(code="TLD"))
    cardiff = SupplierProfileFactory(approved=True, region=Region.objects.get(code="TLL"))
    leeds.capabilities.add(Capability.objects.get(slug="environmental-sensors"))
    cardiff.capabilities.add(Capability.objects.get(slug="machine-learning-and-ai"))
    manchester.regions_served.add(Region.objects.get(code="TLM"))
    CertificationFactory(profile=leeds, scheme="iso_9001")
    CertificationFactory(profile=cardiff, scheme="iso_27001")

    assert _ids(client, "region=TLE&region=TLD") == {leeds.pk, manchester.pk}
    assert _ids(client, "region=TLE") == {leeds.pk}  # one value still narrows
    assert _ids(client, "capability=iot-and-sensors&capability=data-and-ai") == {
        leeds.pk,
        cardiff.pk,
    }
    assert _ids(client, "certification=iso_9001&certification=iso_27001") == {
        leeds.pk,
        cardiff.pk,
    }
    assert _ids(client, "serves=TLM&serves=TLK") == {manchester.pk}
    assert _ids(client, "size_band=large&size_band=small") == {leeds.pk, manchester.pk, cardiff.pk}
    assert _ids(client, "region=TLE&region=TLD&capability=iot-and-sensors") == {leeds.pk}


def test_a_bad_value_among_repeated_ones_is_400(client):
    response = client.get(f"{LIST}?region=TLE&region=ZZZ")
    assert response.status_code == 400
    assert response.json() == {"detail": "region: Choose a region from the list"}


@pytest.mark.parametrize(
    "query", ["text=a&text=b", "sme=true&sme=false", "page=1&page=2", "page_size=5&page_size=50"]
)
def test_repeated_single_valued_parameter_is_400_not_last_wins(client, query):
    SupplierProfileFactory(approved=True)
    name = query.split("=")[0]
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"{name}: Give this parameter once; it takes a single value"
    }


def test_unknown_parameter_is_400_naming_it(client):
    response = client.get(f"{LIST}?regoin=TLE")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("regoin: Unknown parameter")
    assert "region" in detail  # says what the parameters are


def test_several_problems_are_reported_together(client):
    response = client.get(f"{LIST}?colour=red&text=a&text=b")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "colour: Unknown parameter" in detail
    assert "text: Give this parameter once" in detail


def test_detail_refuses_unknown_parameters(client):
    profile = SupplierProfileFactory(approved=True)
    response = client.get(f"{LIST}/{profile.pk}?fields=name")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("fields: Unknown parameter")
