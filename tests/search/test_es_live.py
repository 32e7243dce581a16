"""The Elasticsearch backend against a real cluster: skipped unless ``ELASTICSEARCH_URL`` is set
(``make test-es`` starts the docker-compose cluster and sets it).

- The conformance queries of ``test_conformance.py`` (the same table the database backend
  answers) must give the brute-force oracle's answer here too: ids, order, totals, facets and
  distances.
- The index's analyser must make the same words as ``search.text`` (and so PostgreSQL).
- A full rebuild swaps the alias with no gap; an incremental update is searchable after a
  refresh; a document that stops being searchable is deleted.

Indexes are created under a prefix of their own and deleted at the end, so a developer's
indexes on the same cluster are never touched.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.test import override_settings

from search import documents, text
from search.backends.database import DatabaseBackend
from search.es_documents import index_alias
from search.query import GeoPoint, SearchQuery
from tests.factories.search import LEEDS, oracle
from tests.search.test_conformance import CHALLENGE_QUERIES, SUPPLIER_QUERIES

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")

pytestmark = pytest.mark.skipif(
    not ELASTICSEARCH_URL,
    reason="ELASTICSEARCH_URL is not set: no Elasticsearch cluster here (make test-es runs one)",
)

# Elasticsearch stores a geo_point to about a centimetre and computes its own great-circle
# distance; pages publish distances rounded to 0.1 mile.
DISTANCE_TOLERANCE_MILES = 1e-3


@pytest.fixture(scope="module")
def es(world, django_db_blocker):
    """The Elasticsearch backend with both indexes built from the world's documents."""
    from search.backends.elasticsearch import ElasticsearchBackend, get_client

    prefix = f"test-{uuid.uuid4().hex[:10]}"
    with override_settings(
        ELASTICSEARCH_URL=ELASTICSEARCH_URL,
        SEARCH_BACKEND="elasticsearch",
        ELASTICSEARCH_INDEX_PREFIX=prefix,
    ):
        backend = ElasticsearchBackend()
        with django_db_blocker.unblock():
            backend.rebuild("suppliers", documents.iter_supplier_documents())
            backend.rebuild("challenges", documents.iter_challenge_documents())
        try:
            yield backend
        finally:
            get_client().indices.delete(index=f"{prefix}-*", ignore_unavailable=True)


def _check(backend, query: SearchQuery) -> None:
    expected = oracle(query)
    result = backend.search(query)
    assert result.total == expected.total
    if expected.ordered:
        assert result.ids == expected.page(query)
    else:
        assert sorted(result.ids) == sorted(expected.ids)
    assert result.facets == expected.facets
    for hit in result.hits:
        if hit.id in expected.distances:
            assert hit.distance_miles == pytest.approx(
                expected.distances[hit.id], abs=DISTANCE_TOLERANCE_MILES
            )
        elif query.near is not None:
            assert hit.distance_miles is None
    assert not result.degraded


@pytest.mark.parametrize("name", SUPPLIER_QUERIES)
def test_supplier_conformance(name, es, world, db):
    _check(es, SUPPLIER_QUERIES[name](world))


@pytest.mark.parametrize("name", CHALLENGE_QUERIES)
def test_challenge_conformance(name, es, world, db):
    _check(es, CHALLENGE_QUERIES[name](world))


@pytest.mark.parametrize("name", SUPPLIER_QUERIES)
def test_same_answer_as_the_database_backend(name, es, world, db):
    query = SUPPLIER_QUERIES[name](world)
    ours, theirs = es.search(query), DatabaseBackend().search(query)
    assert ours.total == theirs.total
    assert ours.facets == theirs.facets
    if query.sort == "relevance" and query.text:
        assert sorted(ours.ids) == sorted(theirs.ids)
    else:
        assert ours.ids == theirs.ids


@pytest.mark.parametrize("radius", [1, 10, 25, 50, 120])
def test_geo_sets_match_brute_force_haversine(radius, es, world, db):
    query = SearchQuery(
        index="suppliers",
        near=GeoPoint(*LEEDS),
        radius_miles=radius,
        sort="distance",
        page_size=100,
    )
    expected = oracle(query)
    result = es.search(query)
    assert set(result.ids) == set(expected.ids)
    distances = [hit.distance_miles for hit in result.hits]
    assert distances == sorted(distances)


SAMPLES = [
    "Sensors, sensor and SENSING",
    "O'Neill Analytics Ltd's dashboards",
    "Cardiff Bay Digital Cyf",
    "LoRaWAN gateways: 3,000 potholes (Kirklees) e-mail foo_bar v2.5",
    "the and of to is a it what which",
    "Électricité à Zürich; naïve café",
    "running runs ran generously organisation organisations",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_the_analyser_makes_the_same_words_as_postgresql(sample, es):
    from search.backends.elasticsearch import get_client

    response = get_client().indices.analyze(
        index=index_alias("suppliers"), analyzer="marketplace_english", text=sample
    )
    assert [token["token"] for token in response["tokens"]] == text.lexemes(sample)


def test_an_update_is_searchable_after_refresh_and_removal_deletes(es, world, db):
    supplier = world.suppliers["cardiff"]
    doc = dict(next(documents.iter_supplier_documents([supplier.pk])))
    doc["summary"] = "Quantum teleportation for parish councils"
    es.index_documents("suppliers", [doc])
    es.refresh("suppliers")
    found = es.search(SearchQuery(index="suppliers", text="teleportation"))
    assert found.ids == [supplier.pk]
    assert "<mark>teleportation</mark>" in found.hits[0].highlight
    es.delete_documents("suppliers", [supplier.pk])
    es.refresh("suppliers")
    assert es.search(SearchQuery(index="suppliers", text="teleportation")).ids == []
    assert es.search(SearchQuery(index="suppliers", text="Cardiff digital")).ids == []
    # Put it back as it was for the other tests of this module.
    es.index_documents("suppliers", documents.iter_supplier_documents([supplier.pk]))
    es.refresh("suppliers")
    assert es.search(SearchQuery(index="suppliers", text="Cardiff digital")).ids == [supplier.pk]


def test_rebuild_swaps_the_alias_and_deletes_the_old_index(es, db):
    from search.backends.elasticsearch import get_client

    client = get_client()
    alias = index_alias("challenges")
    (before,) = client.indices.get_alias(name=alias).body
    outcome = es.rebuild("challenges", documents.iter_challenge_documents())
    (after,) = client.indices.get_alias(name=alias).body
    assert after == outcome["index"] != before
    assert outcome["deleted"] == [before]
    assert not client.indices.exists(index=before)
    assert es.search(SearchQuery(index="challenges")).total == outcome["documents"]
