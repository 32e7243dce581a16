"""One answer, whichever backend: every query here runs against each available backend
(``search_backend``: the database backend on this database, Elasticsearch when
``ELASTICSEARCH_URL`` is set) and must give exactly what the brute-force oracle gives: the same
ids in the same order (the same set for relevance order), the same total, the same facet counts
and, for geographic queries, the set a great-circle distance over every row gives.

Run on PostgreSQL (``DATABASE_URL=postgres://...``) and SQLite (``DATABASE_URL=``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from search.query import CHALLENGE_FACETS, SUPPLIER_FACETS, GeoPoint, SearchQuery
from tests.factories.search import BELFAST, CARDIFF, LEEDS, LONDON, oracle

ALL_SUPPLIER_FACETS = SUPPLIER_FACETS
ALL_CHALLENGE_FACETS = CHALLENGE_FACETS


def S(**kwargs) -> SearchQuery:  # noqa: N802 - reads as a constructor in the table below
    kwargs.setdefault("facets", ALL_SUPPLIER_FACETS)
    return SearchQuery(index="suppliers", **kwargs)


def C(**kwargs) -> SearchQuery:  # noqa: N802
    kwargs.setdefault("facets", ALL_CHALLENGE_FACETS)
    return SearchQuery(index="challenges", **kwargs)


def leeds(**kwargs) -> GeoPoint:
    return GeoPoint(*LEEDS, label="Leeds", **kwargs)


SUPPLIER_QUERIES = {
    "everything by name": lambda w: S(sort="name"),
    "page 2": lambda w: S(sort="name", page=2, page_size=10),
    "last partial page": lambda w: S(sort="name", page=3, page_size=25),
    "page beyond the end": lambda w: S(sort="name", page=40),
    "page size capped": lambda w: S(sort="name", page_size=500),
    "relevance without text is by name": lambda w: S(),
    "SMEs": lambda w: S(filters={"sme": True}),
    "not SMEs": lambda w: S(filters={"sme": False}),
    "size bands OR-ed": lambda w: S(filters={"size_band": ("micro", "medium")}),
    "VCSEs": lambda w: S(filters={"vcse": True}),
    "not VCSEs": lambda w: S(filters={"vcse": False}),
    "one region": lambda w: S(filters={"region": ("TLE",)}),
    "two regions OR-ed": lambda w: S(filters={"region": ("TLE", "TLD")}),
    "unknown region": lambda w: S(filters={"region": ("XXX",)}),
    "capability heading includes children": lambda w: S(
        filters={"capability": ("iot-and-sensors",)}
    ),
    "capability expanded by the form": lambda w: S(
        filters={
            "capability": (
                "iot-and-sensors",
                "environmental-sensors",
                "smart-buildings",
                "asset-tracking",
                "connectivity-and-lorawan",
                "edge-computing",
            )
        }
    ),
    "capability entry": lambda w: S(filters={"capability": ("connectivity-and-lorawan",)}),
    "certification in date": lambda w: S(filters={"certification": ("cyber_essentials",)}),
    "expired certification does not count": lambda w: S(filters={"certification": ("iso_9001",)}),
    "certifications OR-ed": lambda w: S(
        filters={"certification": ("iso_27001", "cyber_essentials_plus")}
    ),
    "minimum rating": lambda w: S(filters={"min_rating": 4.0}, sort="rating"),
    "by rating": lambda w: S(sort="rating"),
    "new to public sector": lambda w: S(filters={"new_to_public_sector": True}),
    "not new to public sector": lambda w: S(filters={"new_to_public_sector": False}),
    "text sensor": lambda w: S(text="sensor", page_size=100),
    "text sensors (same as sensor)": lambda w: S(text="sensors", page_size=100),
    "text LoRaWAN (capability, case study, listing)": lambda w: S(text="LoRaWAN", page_size=100),
    "text two words AND": lambda w: S(text="Cardiff digital"),
    "text syntax characters are plain": lambda w: S(text='"data" -(ai* OR', page_size=100),
    "text of stop words only is no text": lambda w: S(text="the and of", sort="name"),
    "text with no match": lambda w: S(text="zebracrossingxyz"),
    "text 2,000 characters": lambda w: S(text=("sensor " * 300)[:2000], page_size=100),
    "text by name": lambda w: S(text="ltd", sort="name", page_size=100),
    "within 10 miles by distance": lambda w: S(near=leeds(), radius_miles=10, sort="distance"),
    "within 25 miles": lambda w: S(near=leeds(), radius_miles=25, sort="distance", page_size=100),
    "within 50 miles, SMEs, facets": lambda w: S(
        near=leeds(), radius_miles=50, filters={"sme": True}, sort="distance", page_size=100
    ),
    "distance without radius": lambda w: S(near=leeds(), sort="distance", page_size=100),
    "radius 0": lambda w: S(near=GeoPoint(*CARDIFF), radius_miles=0, sort="distance"),
    "huge radius capped to the UK": lambda w: S(
        near=GeoPoint(*LONDON), radius_miles=50_000, sort="distance", page_size=100
    ),
    "remote suppliers added for the region": lambda w: S(
        near=leeds(region="TLE"), radius_miles=5, include_remote=True, sort="distance"
    ),
    "remote flag without a region adds none": lambda w: S(
        near=leeds(), radius_miles=5, include_remote=True, sort="distance"
    ),
    "remote in Northern Ireland": lambda w: S(
        near=GeoPoint(*BELFAST, region="TLN"), radius_miles=10, include_remote=True, sort="name"
    ),
    "geo + text + filters": lambda w: S(
        near=leeds(),
        radius_miles=40,
        text="sensors",
        filters={"sme": True, "region": ("TLE",)},
        page_size=100,
    ),
    "geo + capability + certification": lambda w: S(
        near=leeds(),
        radius_miles=60,
        filters={
            "capability": ("health-tech", "iot-and-sensors"),
            "certification": ("cyber_essentials", "cyber_essentials_plus"),
        },
        sort="distance",
    ),
    "text + SME + region": lambda w: S(
        text="data", filters={"sme": True, "region": ("TLE", "TLN")}, page_size=100
    ),
    "only some facets": lambda w: S(facets=("vcse", "unknown-facet", "region")),
}

CHALLENGE_QUERIES = {
    "open by closing date": lambda w: C(filters={"status": ("open",)}),
    "every public status": lambda w: C(),
    "open or closed": lambda w: C(filters={"status": ("open", "closed")}, sort="closing"),
    "newest": lambda w: C(sort="newest"),
    "budget": lambda w: C(sort="budget"),
    "buyer includes co-funded": lambda w: C(filters={"buyer": (w.buyers["leeds"].pk,)}),
    "capability heading": lambda w: C(filters={"capability": ("iot-and-sensors",)}),
    "region includes UK-wide": lambda w: C(filters={"region": ("TLE",)}),
    "budget range": lambda w: C(filters={"budget_min": 50_000_00, "budget_max": 250_000_00}),
    "closing before": lambda w: C(
        filters={"closing_before": timezone.localdate() + dt.timedelta(days=30)}
    ),
    "procedure": lambda w: C(filters={"procedure": ("sbri", "design_contest")}),
    "open calls": lambda w: C(filters={"mode": ("open_call",)}),
    "competitions": lambda w: C(filters={"mode": ("competition",)}, sort="budget"),
    "within 25 miles of Leeds (UK-wide too)": lambda w: C(near=leeds(), radius_miles=25),
    "within 100 miles, open, newest": lambda w: C(
        near=leeds(), radius_miles=100, filters={"status": ("open",)}, sort="newest"
    ),
    "text falls": lambda w: C(text="falls", page_size=100),
    "text sensors nowhere in titles": lambda w: C(text="sensors", page_size=100),
    "text + status": lambda w: C(text="council", filters={"status": ("open", "assessing")}),
}


def _check(backend, query):
    expected = oracle(query)
    result = backend.search(query)
    assert result.total == expected.total
    if expected.ordered:
        assert result.ids == expected.page(query)
    else:
        assert expected.total <= query.page_size, "relevance queries must fit on one page"
        assert sorted(result.ids) == sorted(expected.ids)
    assert result.facets == expected.facets
    for hit in result.hits:
        if hit.id in expected.distances:
            assert hit.distance_miles == pytest.approx(expected.distances[hit.id], abs=1e-6)
        elif query.near is not None:
            assert hit.distance_miles is None
    return result, expected


@pytest.mark.parametrize("name", SUPPLIER_QUERIES)
def test_supplier_query(name, search_backend, world):
    _check(search_backend, SUPPLIER_QUERIES[name](world))


@pytest.mark.parametrize("name", CHALLENGE_QUERIES)
def test_challenge_query(name, search_backend, world):
    _check(search_backend, CHALLENGE_QUERIES[name](world))


def test_the_suite_is_not_trivial(world, db):
    """Guard against an oracle that finds nothing: the queries above must bite."""
    assert oracle(SUPPLIER_QUERIES["within 10 miles by distance"](world)).total >= 3
    assert (
        0
        < oracle(SUPPLIER_QUERIES["within 25 miles"](world)).total
        < oracle(SUPPLIER_QUERIES["within 50 miles, SMEs, facets"](world)).total + 50
    )
    assert (
        oracle(SUPPLIER_QUERIES["text LoRaWAN (capability, case study, listing)"](world)).total == 5
    )
    assert (
        oracle(SUPPLIER_QUERIES["remote suppliers added for the region"](world)).total
        > oracle(SUPPLIER_QUERIES["remote flag without a region adds none"](world)).total
    )
    assert oracle(SUPPLIER_QUERIES["expired certification does not count"](world)).total < 3
    assert oracle(CHALLENGE_QUERIES["open by closing date"](world)).total == 4


@pytest.mark.parametrize(
    ("radius", "point"),
    [(1, LEEDS), (10, LEEDS), (25, LEEDS), (50, LEEDS), (120, LONDON), (300, CARDIFF)],
)
def test_geo_sets_match_brute_force_haversine(radius, point, search_backend, world):
    """Every radius: exactly the suppliers a great-circle distance over all rows keeps."""
    from marketplace.core.geo import haversine_miles
    from search.models import SupplierEntry

    everyone = SupplierEntry.objects.exclude(latitude=None).values_list(
        "pk", "latitude", "longitude"
    )
    brute = {pk for pk, lat, lon in everyone if haversine_miles(*point, lat, lon) <= radius}
    query = S(near=GeoPoint(*point), radius_miles=radius, sort="distance", page_size=100)
    result = search_backend.search(query)
    assert set(result.ids) == brute
    assert result.total == len(brute)
    distances = [hit.distance_miles for hit in result.hits]
    assert distances == sorted(distances)
