"""GET /api/v1/search/suppliers and /api/v1/search/challenges."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from suppliers.models import Capability, SupplierProfile
from tests.factories.challenges import ChallengeFactory
from tests.factories.suppliers import CertificationFactory, SupplierProfileFactory
from tests.search.test_pages import supplier_at

pytestmark = pytest.mark.django_db

SUPPLIERS = "/api/v1/search/suppliers"
CHALLENGES = "/api/v1/search/challenges"


@pytest.fixture
def yorkshire():
    leeds = supplier_at("LS1 4DY", "Leeds Sensors Ltd", summary="We build air quality sensors")
    leeds.capabilities.add(Capability.objects.get(slug="environmental-sensors"))
    CertificationFactory(profile=leeds, scheme="cyber_essentials")
    return {
        "leeds": leeds,
        "bradford": supplier_at("BD1 1HY", "Bradford Data Ltd", summary="Data pipelines"),
        "york": supplier_at("YO1 7HH", "York Analytics Ltd", summary="Analytics for councils"),
        "big": supplier_at(
            "LS2 7HY",
            "Big Leeds Plc",
            size_band=SupplierProfile.SizeBand.LARGE,
            is_sme=False,
            summary="Large IT outsourcing",
        ),
        "london": supplier_at("SW1A 2AA", "London Digital Ltd", summary="Digital services"),
    }


def test_near_a_postcode_with_sme_gives_rounded_distances_in_order(client, yorkshire):
    response = client.get(SUPPLIERS, {"near": "LS1 4AP", "radius_miles": "25", "sme": "true"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    names = [r["name"] for r in body["results"]]
    assert names == ["Leeds Sensors Ltd", "Bradford Data Ltd", "York Analytics Ltd"]
    distances = [r["distance_miles"] for r in body["results"]]
    assert distances == sorted(distances)
    assert all(d == round(d, 1) for d in distances)
    assert set(body["facets"]) == {"size_band", "region", "capability", "certification", "vcse"}
    assert body["facets"]["region"] == {"TLE": 3}


def test_results_have_the_list_api_fields(client, yorkshire):
    listed = client.get("/api/v1/suppliers", {"text": "Leeds Sensors"}).json()["results"][0]
    found = client.get(SUPPLIERS, {"q": "air quality sensors"}).json()["results"]
    assert len(found) == 1
    hit = found[0]
    assert "distance_miles" not in hit  # only when near is given
    assert "<mark>" in hit["highlight"]
    del hit["highlight"]
    assert hit == listed


def test_exact_point_is_never_published(client, yorkshire):
    hit = client.get(SUPPLIERS, {"near": "LS1 4AP"}).json()["results"][0]
    assert hit["location"]["latitude"] == round(yorkshire["leeds"].latitude, 2)
    assert hit["location"]["outward_code"] == "LS1"
    assert "postcode" not in str(hit).lower().replace("outward_code", "")


def test_filters_and_facets(client, yorkshire):
    body = client.get(
        SUPPLIERS, {"capability": "iot-and-sensors", "certification": "cyber_essentials"}
    ).json()
    assert [r["name"] for r in body["results"]] == ["Leeds Sensors Ltd"]
    body = client.get(SUPPLIERS, {"size_band": "large"}).json()
    assert [r["name"] for r in body["results"]] == ["Big Leeds Plc"]
    body = client.get(SUPPLIERS, {"region": ["TLI", "TLE"], "sme": "false"}).json()
    assert [r["name"] for r in body["results"]] == ["Big Leeds Plc"]
    facets = client.get(SUPPLIERS).json()["facets"]
    assert facets["size_band"] == {"small": 4, "large": 1}


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"text": "data"}, {"text": "Unknown parameter"}),
        ({"q": "data", "sme": ["true", "false"]}, {"sme": "Give this parameter once"}),
        (
            {"near": "ZZ9 9ZZ"},
            {
                "near": "We could not find ZZ9 9ZZ. Enter a full UK postcode, like LS1 4AP, or a town"
            },
        ),
        (
            {"near": "LS1", "radius_miles": "0"},
            {"radius_miles": "Enter a distance of more than 0 miles"},
        ),
        (
            {"near": "LS1", "radius_miles": "-1"},
            {"radius_miles": "Enter a distance in miles, like 25"},
        ),
        ({"q": "x" * 2000}, {"q": "Search text must be 200 characters or fewer"}),
        ({"size_band": "huge"}, {"size_band": "Choose sizes from the list"}),
        ({"region": "XX"}, {"region": "Choose a region from the list"}),
        ({"capability": "nope"}, {"capability": "Choose a capability from the list"}),
        ({"min_rating": "NaN"}, {"min_rating": "Enter a rating from 1 to 5, like 4"}),
        ({"sort": "price"}, {"sort": "Choose how to sort from the list"}),
        ({"page_size": "1000"}, {"page_size": "Enter a page size from 1 to 100"}),
        ({"page": "0"}, {"page": "Enter a page number, 1 or more"}),
        ({"page": "50"}, {"page": "Page 50 is after the last page. Choose 1 to 1"}),
        (
            {"page": "600"},
            {
                "page": "Only the first 10,000 results can be paged through. "
                "Add words or filters to narrow the search"
            },
        ),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(client, yorkshire, params, errors):
    response = client.get(SUPPLIERS, params)
    assert response.status_code == 400
    assert response.json() == {"errors": errors}


def test_huge_radius_is_capped_not_refused(client, yorkshire):
    body = client.get(SUPPLIERS, {"near": "LS1 4AP", "radius_miles": "1e3"}).json()
    assert body == {"errors": {"radius_miles": "Enter a distance in miles, like 25"}}
    body = client.get(SUPPLIERS, {"near": "LS1 4AP", "radius_miles": "50000"}).json()
    assert body["count"] == 5


@pytest.mark.parametrize("q", ['"sensors', "-data", "sens*", "(air", "a | b & !c", "\\", "'"])
def test_query_syntax_characters_are_plain_text(client, yorkshire, q):
    assert client.get(SUPPLIERS, {"q": q}).status_code == 200


def test_unapproved_suppliers_never_appear(client, yorkshire):
    for status in ("draft", "submitted", "rejected", "suspended"):
        SupplierProfileFactory(legal_name=f"Hidden {status} sensors", status=status)
    body = client.get(SUPPLIERS, {"q": "hidden"}).json()
    assert body["count"] == 0 and body["results"] == []


def make_rich(how_many: int, start: int = 0) -> None:
    caps = list(Capability.objects.filter(parent__slug="data-and-ai")[:3])
    for n in range(start, start + how_many):
        profile = supplier_at("LS1 4DY", f"Counted {n:03d} Ltd")
        profile.capabilities.add(*caps)
        CertificationFactory(profile=profile)


def test_query_count_does_not_grow_with_the_data(client, django_assert_num_queries):
    make_rich(3)
    params = {"near": "LS1 4AP", "sme": "true", "page_size": "20"}
    with CaptureQueriesContext(connection) as small:
        client.get(SUPPLIERS, params)
    make_rich(40, start=3)
    with django_assert_num_queries(len(small)):
        body = client.get(SUPPLIERS, params).json()
    assert len(body["results"]) == 20


# --- Challenges ------------------------------------------------------------------------------


def open_challenge(**kwargs):
    return ChallengeFactory(open=True, with_phase=True, **kwargs)


def test_challenges_default_to_open_and_take_every_filter(client):
    falls = open_challenge(title="Falls prevention", budget_pence=50_000_000)
    potholes = open_challenge(
        title="Pothole detection",
        summary="Potholes",
        problem_statement="Roads",
        outcomes_sought="Fewer potholes",
        budget_pence=500_000_000,
        mode="open_call",
    )
    closed = ChallengeFactory(title="Closed work", closed=True, with_phase=True)
    body = client.get(CHALLENGES).json()
    assert {r["id"] for r in body["results"]} == {falls.pk, potholes.pk}
    assert set(body["facets"]) == {"status", "procedure", "capability", "region"}
    assert {r["id"] for r in client.get(CHALLENGES, {"status": "any"}).json()["results"]} == {
        falls.pk,
        potholes.pk,
        closed.pk,
    }
    only = client.get(CHALLENGES, {"budget_min": "1000000"}).json()["results"]
    assert [r["id"] for r in only] == [potholes.pk]
    only = client.get(CHALLENGES, {"budget_max": "600000"}).json()["results"]
    assert [r["id"] for r in only] == [falls.pk]
    only = client.get(CHALLENGES, {"mode": "open_call"}).json()["results"]
    assert [r["id"] for r in only] == [potholes.pk]
    only = client.get(CHALLENGES, {"buyer": falls.buyer.slug}).json()["results"]
    assert [r["id"] for r in only] == [falls.pk]
    only = client.get(CHALLENGES, {"buyer": str(falls.buyer_id)}).json()["results"]
    assert [r["id"] for r in only] == [falls.pk]
    hit = client.get(CHALLENGES, {"q": "falls"}).json()["results"][0]
    assert hit["id"] == falls.pk and "<mark>" in hit["highlight"]
    listed = client.get("/api/v1/challenges").json()["results"]
    listed = {r["id"]: r for r in listed}
    del hit["highlight"]
    assert hit == listed[falls.pk]


def test_challenges_closing_before(client):
    soon = open_challenge(title="Soon")
    phase = soon.phases.get()
    phase.closes_at = timezone.now() + datetime.timedelta(days=3)
    phase.save()
    open_challenge(title="Later")
    before = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    body = client.get(CHALLENGES, {"closing_before": before}).json()
    assert [r["title"] for r in body["results"]] == ["Soon"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"closing_soon": "true"}, "closing_soon"),
        ({"text": "x"}, "text"),
        ({"budget_min": "NaN"}, "budget_min"),
        ({"budget_max": "-5"}, "budget_max"),
        ({"closing_before": "2027-02-30"}, "closing_before"),
        ({"mode": "lottery"}, "mode"),
        ({"status": "draft"}, "status"),
        ({"buyer": "999999"}, "buyer"),
        ({"near": "Atlantis"}, "near"),
        ({"sort": "distance"}, "sort"),
    ],
)
def test_bad_challenge_parameters_are_a_400(client, params, field):
    response = client.get(CHALLENGES, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}


def test_drafts_never_appear(client):
    ChallengeFactory(title="Secret draft falls")
    ChallengeFactory(title="Falls in review", in_review=True)
    body = client.get(CHALLENGES, {"q": "falls", "status": "any"}).json()
    assert body["count"] == 0
