"""Search: one query interface (``SearchQuery`` -> ``run`` -> ``SearchResult``) for the pages,
the API and search alerts; a database backend by default and Elasticsearch at scale.

- ``search.query``: the query and result types (values only).
- ``search.documents``: what is indexed about a supplier or a challenge (both backends).
- ``search.indexing``: keeping the index up to date (signals -> Celery after commit) and
  ``reindex_all``; other apps call ``queue_supplier_reindex(pk)`` when a fact shown changes.
- ``search.backends``: the database backend and the dispatch with Elasticsearch fallback.
"""

from .query import (
    CHALLENGE_FACETS,
    CHALLENGE_FILTERS,
    CHALLENGE_SORTS,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    SUPPLIER_FACETS,
    SUPPLIER_FILTERS,
    SUPPLIER_SORTS,
    GeoPoint,
    Hit,
    SearchQuery,
    SearchResult,
)


def run(query: SearchQuery) -> SearchResult:
    """Answer ``query`` with the configured backend (see ``search.backends``)."""
    from .backends import run as run_backend

    return run_backend(query)


__all__ = [
    "CHALLENGE_FACETS",
    "CHALLENGE_FILTERS",
    "CHALLENGE_SORTS",
    "MAX_PAGE_SIZE",
    "MAX_RESULT_WINDOW",
    "SUPPLIER_FACETS",
    "SUPPLIER_FILTERS",
    "SUPPLIER_SORTS",
    "GeoPoint",
    "Hit",
    "SearchQuery",
    "SearchResult",
    "run",
]
