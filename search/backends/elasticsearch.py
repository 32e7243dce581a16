"""The Elasticsearch backend: ``SearchQuery`` -> one ``_search`` request -> ``SearchResult``.

Kept thin on purpose: ``build_search`` turns a query into a request body (tested against the
shapes in the Elasticsearch reference in ``tests/search/test_es_requests.py``), ``parse_response``
reads ids, distances, highlights and facet counts back, and ``search`` sends the one request. The
facts indexed come from ``search.documents`` through ``search.es_documents``, the same builder the
database backend uses, so both backends answer the same query with the same ids
(``tests/search/test_conformance.py``; ``tests/search/test_es_live.py`` against a real cluster).

Errors that mean "Elasticsearch cannot answer now" (unreachable, timing out, overloaded, index
missing) become ``SearchUnavailable``; the dispatcher answers from the database backend instead.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.dsl import Q, Search
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from search import geo
from search import text as search_text
from search.es_documents import (
    INDEXES,
    bulk_actions,
    delete_actions,
    index_alias,
    index_definition,
    versioned_index_name,
)
from search.query import MAX_PAGE_SIZE, MAX_RESULT_WINDOW, Hit, SearchQuery, SearchResult

from .database import closing_before_limit
from .errors import SearchUnavailable

# Field boosts: the weights ``search.documents.weighted_text`` gives PostgreSQL (name A,
# capability names B, summary C, the rest D) at PostgreSQL's default rank weights
# (1.0, 0.4, 0.2, 0.1), times ten.
TEXT_FIELDS = ("name^10", "capability_names^4", "summary^2", "other_text")
# The summary only, as the database backend does: the highlight pages show under a name.
HIGHLIGHT_FIELDS = ("summary",)
MIN_RADIUS_MILES = 1e-6

FACET_SIZE = 100  # more buckets than any facet has values (12 regions, a few dozen capabilities)

_clients: dict[str, Elasticsearch] = {}


def get_client() -> Elasticsearch:
    """One client per process and URL (it pools its connections). Short timeouts and one retry:
    a search page should fall back to the database quickly rather than hang."""
    url = settings.ELASTICSEARCH_URL
    if not url:
        raise SearchUnavailable("elasticsearch not configured")
    client = _clients.get(url)
    if client is None:
        client = Elasticsearch(
            url,
            request_timeout=getattr(settings, "ELASTICSEARCH_TIMEOUT", 5),
            max_retries=1,
            retry_on_timeout=False,
        )
        _clients[url] = client
    return client


@contextmanager
def unavailable_as_search_error() -> Iterator[None]:
    """Translate "cannot answer now" into ``SearchUnavailable``; a 400 (a request this code
    built wrongly) is a bug and propagates."""
    try:
        yield
    except TransportError as exc:  # connection refused, timeout, TLS, unreadable response
        raise SearchUnavailable("elasticsearch unreachable") from exc
    except ApiError as exc:
        if exc.meta.status >= 500 or exc.meta.status in (404, 429):
            # 404: the alias does not exist yet (run search_reindex); 429/5xx: overloaded.
            raise SearchUnavailable(f"elasticsearch error {exc.meta.status}") from exc
        raise


# --- Request ----------------------------------------------------------------------------------


def _query_words(text: str) -> str:
    """The words a query must all match, exactly those the database backend matches
    (``search.text.query_terms``): letters and digits only, so ``"``, ``-``, ``*`` and ``(``
    are never query syntax; stop words, repeats and words past the limit left out."""
    return " ".join(word for word, _lexeme in search_text.query_terms(text))


def _text_query(words: str, fields: tuple[str, ...]) -> Q:
    return Q(
        "simple_query_string",
        query=words,
        fields=list(fields),
        default_operator="and",
        # Only whitespace separates terms; no other operator exists (the text holds none anyway).
        flags="WHITESPACE",
    )


def _in_date_certifications(schemes: tuple[str, ...] | None, today: dt.date) -> Q:
    conditions = [Q("range", certifications__expires_on={"gte": today.isoformat()})]
    if schemes is not None:
        conditions.insert(0, Q("terms", certifications__scheme=list(schemes)))
    return Q("bool", filter=conditions)


def _many(filters: dict, key: str) -> list:
    """A multi-valued filter's values (a lone value counts as one); empty means "not asked",
    as in the database backend."""
    value = filters.get(key)
    if value is None:
        return []
    if isinstance(value, str | int):
        return [value]
    return list(value)


def _supplier_filters(query: SearchQuery, today: dt.date) -> list[Q]:
    filters = query.filters or {}
    clauses: list[Q] = []
    for key, field in (
        ("sme", "is_sme"),
        ("vcse", "is_vcse"),
        ("new_to_public_sector", "new_to_public_sector"),
    ):
        if filters.get(key) is not None:
            clauses.append(Q("term", **{field: bool(filters[key])}))
    for key, field in (
        ("size_band", "size_band"),
        ("region", "region"),
        ("capability", "capability_slugs"),
    ):
        if values := _many(filters, key):
            clauses.append(Q("terms", **{field: values}))
    if schemes := _many(filters, "certification"):
        clauses.append(
            Q(
                "nested",
                path="certifications",
                query=_in_date_certifications(tuple(schemes), today),
            )
        )
    if filters.get("min_rating") is not None:
        clauses.append(Q("range", rating_average={"gte": float(filters["min_rating"])}))
    return clauses


def _challenge_filters(query: SearchQuery) -> list[Q]:
    filters = query.filters or {}
    clauses: list[Q] = []
    for key, field in (
        ("status", "status"),
        ("buyer", "buyer_ids"),
        ("capability", "capability_slugs"),
        ("procedure", "procedure"),
        ("mode", "mode"),
        ("ids", "id"),
    ):
        if values := _many(filters, key):
            clauses.append(Q("terms", **{field: values}))
    if regions := _many(filters, "region"):
        # A UK-wide challenge is in every region.
        clauses.append(
            Q(
                "bool",
                should=[Q("terms", region=regions), Q("term", uk_wide=True)],
                minimum_should_match=1,
            )
        )
    budget = {}
    if filters.get("budget_min") is not None:
        budget["gte"] = int(filters["budget_min"])
    if filters.get("budget_max") is not None:
        budget["lte"] = int(filters["budget_max"])
    if budget:
        clauses.append(Q("range", budget_pence=budget))
    if filters.get("closing_before") is not None:
        # On or before that day in Europe/London: the database backend's limit exactly.
        limit = closing_before_limit(filters["closing_before"])
        clauses.append(Q("range", closes_at={"lt": limit.isoformat()}))
    return clauses


def _geo_point(query: SearchQuery) -> dict:
    return {"lat": query.near.latitude, "lon": query.near.longitude}


def _miles(value: float) -> str:
    """``25`` -> ``"25mi"``, ``12.5`` -> ``"12.5mi"``: a distance in Elasticsearch's units."""
    return f"{value:.6f}".rstrip("0").rstrip(".") + "mi"


def _geo_filter(query: SearchQuery) -> Q | None:
    radius = geo.capped_radius(query.radius_miles)
    if query.near is None or radius is None:
        return None
    within = Q(
        "geo_distance",
        # Elasticsearch refuses a zero distance: a radius of 0 means "at this very point".
        distance=_miles(max(radius, MIN_RADIUS_MILES)),
        location=_geo_point(query),
    )
    region = getattr(query.near, "region", "")
    if query.index == "suppliers" and query.include_remote and region:
        # ``remote_regions`` lists every region for a supplier serving the whole UK remotely.
        remote = Q("term", remote_regions=region)
        return Q("bool", should=[within, remote], minimum_should_match=1)
    if query.index == "challenges":
        # A UK-wide challenge is near every point.
        return Q("bool", should=[within, Q("term", uk_wide=True)], minimum_should_match=1)
    return within


def _distance_sort(query: SearchQuery) -> dict:
    return {
        "_geo_distance": {
            "location": _geo_point(query),
            "order": "asc",
            "unit": "mi",
            "distance_type": "arc",
            "mode": "min",
            "ignore_unmapped": True,
        }
    }


def _sort(query: SearchQuery, has_text: bool) -> list:
    """Primary order, then ``id`` so equal keys always come back in the same order (and the same
    order as the database backend), then the distance: after the unique id it changes nothing,
    but it puts each hit's exact distance in its sort values."""
    sort = query.sort
    if sort == "relevance" and not has_text:
        sort = "name" if query.index == "suppliers" else "closing"
    if sort == "distance" and query.near is None:
        sort = "name" if query.index == "suppliers" else "closing"
    keys: list = []
    if sort == "relevance":
        keys.append({"_score": {"order": "desc"}})
    elif sort == "distance":
        keys.append(_distance_sort(query))
    elif sort == "rating":
        keys.append({"rating_average": {"order": "desc", "missing": "_last"}})
        keys.append({"rating_count": {"order": "desc"}})
    elif sort == "name":
        keys.append({"sort_name": {"order": "asc"}})
    elif sort == "closing":
        keys.append({"closes_at": {"order": "asc", "missing": "_last"}})
    elif sort == "newest":
        keys.append({"published_at": {"order": "desc", "missing": "_last"}})
    elif sort == "budget":
        keys.append({"budget_pence": {"order": "desc"}})
    keys.append({"id": {"order": "asc"}})
    if query.near is not None and sort != "distance":
        keys.append(_distance_sort(query))
    return keys


def _facet_aggregations(search: Search, query: SearchQuery, today: dt.date) -> Search:
    terms_fields = {
        "suppliers": {
            "size_band": "size_band",
            "region": "region",
            "capability": "capability_top",
            "vcse": "is_vcse",
        },
        "challenges": {
            "status": "status",
            "procedure": "procedure",
            "capability": "capability_top",
            "region": "region",
        },
    }[query.index]
    for facet in query.facets:
        if facet in terms_fields:
            search.aggs.bucket(facet, "terms", field=terms_fields[facet], size=FACET_SIZE)
        elif facet == "certification" and query.index == "suppliers":
            # Certificates are nested documents: count suppliers (reverse_nested), not
            # certificates, holding each scheme in date today.
            search.aggs.bucket(facet, "nested", path="certifications").bucket(
                "in_date", "filter", filter=_in_date_certifications(None, today)
            ).bucket("schemes", "terms", field="certifications.scheme", size=FACET_SIZE).bucket(
                "suppliers", "reverse_nested"
            )
    return search


def build_search(query: SearchQuery, *, today: dt.date | None = None) -> Search:
    """The ``_search`` request for ``query`` (read through the index alias)."""
    today = today or timezone.localdate()
    search = Search(index=index_alias(query.index))
    words = _query_words(query.text)
    if words:
        search = search.query(_text_query(words, TEXT_FIELDS))
    filters = (
        _supplier_filters(query, today) if query.index == "suppliers" else _challenge_filters(query)
    )
    geo = _geo_filter(query)
    if geo is not None:
        filters.append(geo)
    for clause in filters:
        search = search.filter(clause)
    search = search.sort(*_sort(query, bool(words)))
    # Paging as the database backend pages: page size 0..MAX_PAGE_SIZE, nothing past the window.
    page_size = max(0, min(int(query.page_size), MAX_PAGE_SIZE))  # 0: counts only
    start = min(max(0, (int(query.page) - 1) * page_size), MAX_RESULT_WINDOW)
    size = max(0, min(page_size, MAX_RESULT_WINDOW - start))
    search = search.extra(from_=start, size=size, track_total_hits=True).source(False)
    if words:
        search = search.highlight_options(
            pre_tags=["<mark>"],
            post_tags=["</mark>"],
            encoder="html",
            number_of_fragments=1,
            fragment_size=240,
        ).highlight(*HIGHLIGHT_FIELDS)
    return _facet_aggregations(search, query, today)


# --- Response ---------------------------------------------------------------------------------


def _distance(query: SearchQuery, hit: dict) -> float | None:
    if query.near is None:
        return None
    values = hit.get("sort") or []
    # The distance is the primary key of a distance sort, and the last key otherwise.
    value = values[0] if query.sort == "distance" else values[-1]
    if not isinstance(value, int | float) or math.isinf(value):
        return None  # no location: Elasticsearch sorts it last at "Infinity"
    return float(value)


def _highlight(query: SearchQuery, hit: dict) -> str:
    highlight = hit.get("highlight") or {}
    for field in HIGHLIGHT_FIELDS:
        fragments = highlight.get(field)
        if fragments:
            return fragments[0]
    return ""


def _facet_key(key, key_as_string: str | None) -> str:
    if key_as_string is not None:
        return key_as_string
    return str(key)


def _facets(query: SearchQuery, aggregations: dict) -> dict[str, dict[str, int]]:
    facets: dict[str, dict[str, int]] = {}
    for facet in query.facets:
        aggregation = aggregations.get(facet)
        if aggregation is None:
            continue
        if facet == "certification" and query.index == "suppliers":
            buckets = aggregation["in_date"]["schemes"]["buckets"]
            counts = {bucket["key"]: bucket["suppliers"]["doc_count"] for bucket in buckets}
        else:
            counts = {
                _facet_key(bucket["key"], bucket.get("key_as_string")): bucket["doc_count"]
                for bucket in aggregation["buckets"]
            }
        # As the database backend: no empty values (a supplier with no size band), by key.
        facets[facet] = {key: n for key, n in sorted(counts.items()) if key != "" and n}
    return facets


def parse_response(query: SearchQuery, body: dict) -> SearchResult:
    hits = [
        Hit(
            id=int(hit["_id"]),
            score=hit.get("_score"),
            distance_miles=_distance(query, hit),
            highlight=_highlight(query, hit),
        )
        for hit in body["hits"]["hits"]
    ]
    return SearchResult(
        hits=hits,
        total=body["hits"]["total"]["value"],
        facets=_facets(query, body.get("aggregations") or {}),
    )


class ElasticsearchBackend:
    """What ``search.backends.get_backend()`` returns when ``SEARCH_BACKEND`` is
    "elasticsearch": ``run`` answers queries; ``index_documents``/``delete_documents`` are the
    incremental updates ``search.indexing.update`` sends after it rewrites the database entries
    (from a Celery task after commit)."""

    name = "elasticsearch"

    def search(self, query: SearchQuery) -> SearchResult:
        search = build_search(query)
        with unavailable_as_search_error():
            response = get_client().search(index=search._index, body=search.to_dict())
        return parse_response(query, response.body)

    run = search

    def index_documents(self, index: str, docs: Iterable[dict]) -> int:
        """(Re)index ``search.documents`` dicts through the alias. ``require_alias``: before the
        first ``search_reindex`` there is no alias, and writing must not auto-create an index
        with guessed mappings in its place."""
        with unavailable_as_search_error():
            return _bulk(get_client(), bulk_actions(index, index_alias(index), docs))

    def delete_documents(self, index: str, ids: Iterable[int]) -> int:
        with unavailable_as_search_error():
            return _bulk(get_client(), delete_actions(index_alias(index), ids))

    def rebuild(self, index: str, docs: Iterable[dict]) -> dict:
        """Replace the whole index with ``docs`` (see ``rebuild_index``)."""
        return rebuild_index(index, documents=docs)

    def refresh(self, index: str | None = None) -> None:
        """Make every write so far searchable now (tests; the cluster refreshes each second)."""
        names = ",".join(index_alias(name) for name in ((index,) if index else INDEXES))
        with unavailable_as_search_error():
            get_client().indices.refresh(index=names)


def _bulk(client: Elasticsearch, actions: Iterable[dict], *, chunk_size: int = 500) -> int:
    """Send ``actions`` in chunks; deleting a document that is already gone is not an error.
    Raises ``BulkIndexError`` listing the documents that failed."""
    done = 0
    failures = []
    for ok, item in streaming_bulk(
        client,
        actions,
        chunk_size=chunk_size,
        raise_on_error=False,
        max_retries=2,
        require_alias=True,
    ):
        operation, result = next(iter(item.items()))
        if ok or (operation == "delete" and result.get("status") == 404):
            done += 1
        else:
            failures.append(item)
    if failures:
        raise BulkIndexError(f"{len(failures)} document(s) failed to index", failures)
    return done


# --- Full rebuild (manage.py search_reindex) --------------------------------------------------


def rebuild_index(
    index: str,
    *,
    documents: Iterable[dict],
    total: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    chunk_size: int = 1000,
) -> dict:
    """Build a new versioned index from ``documents``, then point the alias at it in one atomic
    ``_aliases`` call and delete the indexes it pointed at before. Queries keep reading the old
    index until the swap, so there is no moment without an index. On any error the new index is
    deleted and the alias is left as it was."""
    client = get_client()
    alias = index_alias(index)
    name = versioned_index_name(index)
    with unavailable_as_search_error():
        index_definition(index, name).create(using=client)
        try:
            done = 0
            if progress:
                progress(0, total)
            for _ok, _item in streaming_bulk(
                client,
                bulk_actions(index, name, documents),
                chunk_size=chunk_size,
                max_retries=3,
            ):
                done += 1
                if progress and (done % chunk_size == 0):
                    progress(done, total)
            if progress:
                progress(done, total)
            client.indices.put_settings(index=name, settings={"index": {"refresh_interval": "1s"}})
            client.indices.refresh(index=name)
            previous = _swap_alias(client, alias, name)
        except BaseException:
            client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for old in previous:
            client.indices.delete(index=old, ignore_unavailable=True)
    return {"index": name, "alias": alias, "documents": done, "deleted": previous}


def _swap_alias(client: Elasticsearch, alias: str, name: str) -> list[str]:
    """Point ``alias`` at ``name`` only; returns the indexes it pointed at before."""
    try:
        previous = sorted(client.indices.get_alias(name=alias).body)
    except NotFoundError:
        previous = []
    actions: list[dict] = [{"remove": {"index": old, "alias": alias}} for old in previous]
    if not previous and client.indices.exists(index=alias):
        # A concrete index called like the alias (written before any reindex, by hand or by an
        # older version): replace it, in the same atomic call.
        actions.append({"remove_index": {"index": alias}})
    actions.append({"add": {"index": name, "alias": alias}})
    client.indices.update_aliases(actions=actions)
    return previous


# --- Health (for /readyz) ---------------------------------------------------------------------


def readiness() -> dict:
    """Whether Elasticsearch can answer now: reachable and every alias in place. When it cannot,
    the site still answers (from the database backend), so this is "ok" but degraded."""
    try:
        with unavailable_as_search_error():
            client = get_client()
            aliases = [index_alias(name) for name in INDEXES]
            if not client.indices.exists_alias(name=aliases):
                raise SearchUnavailable("elasticsearch index missing (run search_reindex)")
    except SearchUnavailable as exc:
        return {"ok": True, "backend": "database", "degraded": exc.reason}
    return {"ok": True, "backend": "elasticsearch"}
