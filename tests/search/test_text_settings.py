"""A text search on PostgreSQL turns sequential scans off for its own statements only. Here, a
search run outside any transaction, as a web request runs: in a module of its own, because
the other backend tests share a data set built inside a transaction held open for their
module (``world``), and this test must run with none open."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends.database import DatabaseBackend
from search.query import SearchQuery

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
]


def test_outside_a_transaction_a_text_search_runs_in_its_own():
    """The search's statements share one transaction and the setting is local to it: nothing
    to set back, and nothing left behind."""
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as ran:
        DatabaseBackend().search(SearchQuery(index="suppliers", text="sensors"))
    statements = [query["sql"] for query in ran.captured_queries]
    assert statements[:2] == ["BEGIN", "SET LOCAL enable_seqscan = off"]
    assert not any("RESET" in sql for sql in statements)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"
