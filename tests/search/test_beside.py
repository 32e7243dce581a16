"""Facet counts read on a helper's connection while the request's connection reads the page
(``search.backends.beside``). In a module of its own, with committed rows: the other backend
tests share a data set held in an open transaction, which a helper's connection cannot see."""

from __future__ import annotations

import logging
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from search import documents
from search.backends import beside, database
from search.backends.database import DatabaseBackend
from search.indexing import reindex_all
from search.query import CHALLENGE_FACETS, SUPPLIER_FACETS, GeoPoint, SearchQuery
from tests.factories import search as world_factory
from tests.factories.search import LEEDS
from tests.factories.suppliers import SupplierProfileFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="helpers run on PostgreSQL"),
]


@pytest.fixture
def committed_world(monkeypatch, settings):
    monkeypatch.setattr(documents, "_rating_summaries", world_factory.rating_summaries)
    settings.SEARCH_INDEX_IMMEDIATELY = False
    built = world_factory.build_world()
    reindex_all()
    settings.SEARCH_INDEX_IMMEDIATELY = True
    settings.SEARCH_COUNTS_BESIDE_PAGE = True
    yield built
    beside.close_helpers()


def S(**kwargs):
    kwargs.setdefault("index", "suppliers")
    kwargs.setdefault("facets", SUPPLIER_FACETS if kwargs["index"] == "suppliers" else ())
    return SearchQuery(**kwargs)


SEARCHES = {
    "one word": S(text="sensors"),
    "two words": S(text="data platform"),
    "no text, by name": S(sort="name"),
    "SME, page 2 of 3": S(filters={"sme": True}, page=2, page_size=3),
    "past the last page": S(text="sensors", page=50),
    "by rating": S(sort="rating", filters={"region": ("TLE",)}),
    "near, no radius, by distance": S(near=GeoPoint(*LEEDS), sort="distance"),
    "challenges": S(index="challenges", facets=CHALLENGE_FACETS, filters={"status": ()}),
}


def _answer(result):
    return [(h.id, h.score, h.distance_miles) for h in result.hits], result.total, result.facets


def _both_ways(settings, query):
    """The search counted after its page on this connection, then beside it: each answer
    with the statements this connection ran for it."""
    runs = []
    for helpers in (False, True):
        settings.SEARCH_COUNTS_BESIDE_PAGE = helpers
        with CaptureQueriesContext(connection) as ran:
            result = DatabaseBackend().search(query)
        runs += [result, [q["sql"] for q in ran.captured_queries]]
    return runs


def _counted_here(statements) -> bool:
    # Supplier and challenge facet counts group the matches by GROUPING SETS; no page does.
    return any("GROUPING" in sql for sql in statements)


def test_counts_read_beside_the_page_are_those_read_after_it(committed_world, settings):
    for label, query in SEARCHES.items():
        expected, alone, found, here = _both_ways(settings, query)
        assert _answer(found) == _answer(expected), label
        assert expected.total > 0 and any(expected.facets.values()), label
        # The counts were read on the helper's connection, not this one.
        assert _counted_here(alone), label
        assert not _counted_here(here), label


def _total_counted_here(statements) -> bool:
    # Django's count, or a relevance page's statement that counts (one that does not says
    # "NULL AS total").
    return any(
        '"__count"' in sql or (" AS total" in sql and "NULL AS total" not in sql)
        for sql in statements
    )


def test_the_total_of_a_text_search_is_read_beside_its_page(committed_world, settings):
    searches = {
        "one word": S(text="sensors", facets=()),
        "two words": S(text="data platform", facets=()),
        "one word, by name": S(text="sensors", facets=(), sort="name"),
    }
    for label, query in searches.items():
        expected, alone, found, here = _both_ways(settings, query)
        assert _answer(found) == _answer(expected), label
        assert expected.total > 0 and expected.hits, label
        assert _total_counted_here(alone), label
        assert not _total_counted_here(here), label


def test_a_page_from_the_nearest_circle_counts_first_on_its_own_connection(committed_world):
    # That page needs the total before it is read.
    query = S(near=GeoPoint(*LEEDS), radius_miles=50, sort="distance")
    with CaptureQueriesContext(connection) as here:
        found = DatabaseBackend().search(query)
    assert found.total > 0
    assert _counted_here(q["sql"] for q in here.captured_queries)


def test_inside_a_transaction_the_counts_see_what_it_has_not_committed(committed_world):
    query = S(text="quillwort")
    with transaction.atomic():
        SupplierProfileFactory(approved=True, legal_name="Quillwort Surveys")
        found = DatabaseBackend().search(query)
        assert found.total == 1 and len(found.hits) == 1
        assert found.facets["size_band"] == {"small": 1}
        transaction.set_rollback(True)


def test_when_the_helper_fails_the_counts_are_read_here(committed_world, monkeypatch, caplog):
    def fail(*args):
        raise OperationalError("too many clients already")

    monkeypatch.setattr(database, "_count_apart", fail)
    query = S(text="sensors")
    with caplog.at_level(logging.WARNING, logger="search.backends.database"):
        found = DatabaseBackend().search(query)
    assert "counted after it" in caplog.text
    beside.close_helpers()
    monkeypatch.undo()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(database.beside, "available", lambda: False)
        expected = DatabaseBackend().search(query)
    assert _answer(found) == _answer(expected)


def _other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _settles_at(expected: int) -> bool:
    # A server process leaves pg_stat_activity a moment after its client closes.
    deadline = time.monotonic() + 5
    while _other_connections() != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return _other_connections() == expected


def _steady_count() -> int:
    # The same count three times running, 0.1 s apart: no connection is still closing.
    seen = [_other_connections()]
    deadline = time.monotonic() + 5
    while (len(seen) < 3 or len(set(seen[-3:])) > 1) and time.monotonic() < deadline:
        time.sleep(0.1)
        seen.append(_other_connections())
    return seen[-1]


def test_close_helpers_closes_their_connections(committed_world):
    beside.close_helpers()
    before = _steady_count()
    DatabaseBackend().search(S(text="sensors"))
    assert _settles_at(before + 1)  # one helper, its connection kept for the next search
    DatabaseBackend().search(S(text="data"))
    assert _settles_at(before + 1)
    beside.close_helpers()
    assert _settles_at(before)
