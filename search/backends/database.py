"""The database backend (the default): PostgreSQL full-text search over the narrow entry tables
of ``search.models``, portable SQL on SQLite with the same result sets.

A query runs as a handful of SQL statements whatever the data size: the total with every facet
asked for (suppliers: one statement grouping the matches by their facet code, so the matching
rows are read once; challenges: one statement grouping the matches by status, procedure and
region, each apart, and one for capabilities; on SQLite one GROUP BY per facet), one page of
ids (id-first: the narrow rows are sorted and cut, wide rows are loaded by the caller for those
ids only), and one read of the page's summaries for highlights. A search in relevance order
(or by distance with no radius) without facets counts its matches in the statement that sorts
them (PostgreSQL). Outside a transaction on PostgreSQL, the counts are read on a helper's
connection while the page is read (``beside``). Totals and facet counts are reused until the
index changes (see ``_cached_counts``).

- Text: every word must match (AND), stemmed as PostgreSQL's ``english`` configuration stems
  (``search.text``). PostgreSQL: ``vector @@ plainto_tsquery('english', ...)`` on the GIN-indexed
  weighted vector, always through that index (``_text_through_its_index``), ranked by
  ``ts_rank`` (``ts_rank_cd`` costs a third more on broad matches); a one-word page comes from
  the best-weighted matches when they fill it (``_relevance_page``). SQLite: each lexeme looked
  up in the lexeme columns, ranked by the best weight each lexeme matched.
- Geo: a bounding box on the indexed latitude/longitude, then the dot product of unit vectors,
  then the exact great-circle distance for rows near the circle's edge (``search.geo``). A page
  in distance order is read from a smaller circle when that holds it (``_nearest_page``).
  Suppliers serving the point's region remotely are added on request.
- Order: the sort asked for, then the primary key, so pages never overlap or skip.
- Relevance without text: name order (suppliers) or closing date (challenges).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import operator
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery as PgSearchQuery
from django.contrib.postgres.search import SearchRank, SearchVectorField
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from psycopg.pq import TransactionStatus

from challenges.models import Challenge
from suppliers.models import Certification, SupplierProfile

from .. import facet_keys, geo, text
from ..models import (
    CERTIFICATE_BITS,
    ChallengeEntry,
    ChallengeTerm,
    SupplierEntry,
    SupplierTerm,
    TermKind,
    supplier_facet_value,
)
from ..query import (
    CHALLENGE_FACETS,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    SUPPLIER_FACETS,
    Hit,
    SearchQuery,
    SearchResult,
)
from . import beside

logger = logging.getLogger(__name__)

# SQLite ranking: how much a lexeme found at each weight counts (PostgreSQL's defaults).
_WEIGHTS = {"a": 1.0, "b": 0.4, "c": 0.2, "d": 0.1}


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _name_order(field: str):
    # Byte order on both databases (sort keys are lower-case letters and digits only).
    return Collate(F(field), "C") if _is_postgres() else F(field)


@dataclass
class _Plan:
    qs: QuerySet
    with_distance: bool = False
    radius: float | None = None  # the search's circle, miles


class DatabaseBackend:
    name = "database"

    def search(self, query: SearchQuery) -> SearchResult:
        if query.index == "suppliers":
            return self._run(query, SUPPLIERS)
        if query.index == "challenges":
            return self._run(query, CHALLENGES)
        raise ValueError(f"Unknown search index {query.index!r}")

    # The database entries are written by search.indexing for every backend.
    def index_documents(self, index: str, docs: list[dict]) -> None:
        pass

    def delete_documents(self, index: str, ids: list[int]) -> None:
        pass

    def _run(self, query: SearchQuery, spec: _IndexSpec) -> SearchResult:
        terms = text.query_terms(query.text)
        plan = _Plan(spec.entry.objects.all())
        plan.qs = spec.apply_filters(plan.qs, query.filters or {})
        if query.near is not None:
            plan = spec.apply_geo(plan, query)
        unmatched = plan.qs  # the filters and the place, without the text
        base = _text_filter(unmatched, terms) if terms else unmatched

        wanted = [name for name in dict.fromkeys(query.facets) if name in spec.facets]
        page_size = max(0, min(int(query.page_size), MAX_PAGE_SIZE))  # 0: counts only
        offset = max(0, (int(query.page) - 1) * page_size)
        limit = min(offset + page_size, MAX_RESULT_WINDOW)
        ranked = base.annotate(score=_rank(terms)) if terms else base
        order = spec.order(query, ranked=bool(terms), with_distance=plan.with_distance)
        columns = (
            ["pk"] + (["score"] if terms else []) + (["distance"] if plan.with_distance else [])
        )

        counted = _cached_counts(query, wanted)
        nearest_first = order == _BY_DISTANCE and plan.radius is not None
        # The facets and the total, or the total of a text search, read on a second connection
        # while this one reads the page (``beside``). Not for a page from the nearest circle,
        # which needs the total first, nor in distance order without facets, where the page's
        # statement reads every match and counts them anyway.
        apart = None
        counts_cost = wanted or (terms and order != _BY_DISTANCE)
        if counted is None and counts_cost and offset < limit and not nearest_first:
            apart = beside.submit(_count_apart, spec, base, wanted, bool(terms))
        with _text_through_its_index(bool(terms)):
            counted_with_page = None  # (total, facets) from the statement that read the page
            rows = None
            if order == _BY_SCORE and offset < limit and _is_postgres():
                # The page and, when nothing else counts, the total or the facets in one
                # statement.
                group = counted is None and apart is None and wanted and spec.facets_by_grouping
                grouping = spec.grouping(wanted) if group else None
                count = counted is None and apart is None and not wanted
                tiers = _TIERS if len(terms) == 1 and not spec.narrowed(query) else ()
                rows, total, groups = _relevance_page(
                    ranked, unmatched, base, terms, columns, offset, limit, count, grouping, tiers
                )
                if groups is not None:
                    counted_with_page = spec.tally(wanted, groups)
                elif total is not None:
                    counted_with_page = (total, {})
            elif (
                counted is None
                and order == _BY_DISTANCE
                and not nearest_first
                and not wanted
                and offset < limit
            ):
                # Distance order with no radius reads every match anyway: count them in the
                # same statement.
                rows, total = _page_and_total(ranked, columns, offset, limit)
                if total is not None:
                    counted_with_page = (total, {})
            elif apart is not None:
                # The page, past the last match or not, while the counts are read beside it.
                rows = list(ranked.order_by(*order).values(*columns)[offset:limit])
            if counted is None:
                counted = counted_with_page
                if counted is None and apart is not None:
                    counted = _counted_apart(apart)
                if counted is None:
                    counted = spec.count_and_facets(base, wanted)
                _store_counts(query, wanted, counted)
            total, facets = counted
            if rows is None and offset < min(total, limit):
                if nearest_first:
                    rows = _nearest_page(
                        ranked, query.near, plan.radius, total, columns, offset, limit
                    )
                if rows is None:
                    rows = list(ranked.order_by(*order).values(*columns)[offset:limit])
        hits: list[Hit] = []
        if rows:
            snippets = spec.snippets([r["pk"] for r in rows]) if terms else {}
            lexemes = [lexeme for _word, lexeme in terms]
            hits = [
                Hit(
                    id=row["pk"],
                    score=float(row["score"]) if terms and row["score"] is not None else None,
                    distance_miles=row.get("distance"),
                    highlight=text.highlight(snippets.get(row["pk"], ""), lexemes),
                )
                for row in rows
            ]
        return SearchResult(hits=hits, total=total, facets=facets)


_BY_SCORE = ["-score", "pk"]


def _count_apart(spec: _IndexSpec, base: QuerySet, wanted: list[str], text: bool):
    """In a helper thread (``beside``): the total and the facets, on its own connection."""
    with _text_through_its_index(text):
        return spec.count_and_facets(base, wanted)


def _counted_apart(apart):
    """The helper's counts; None if its connection failed (no connection left, say), and the
    caller counts on its own."""
    try:
        return apart.result()
    except DatabaseError:
        logger.warning("Search counts beside the page failed; counted after it", exc_info=True)
        return None


_BY_DISTANCE = [F("distance").asc(nulls_last=True), "pk"]


def _page_and_total(qs: QuerySet, columns, offset: int, limit: int):
    """PostgreSQL, a search in distance order with no radius and no facets: the page and the
    number of matches from one reading of the matching rows (counting first would read them
    twice). Returns (rows, total); the total is None when the page is empty (past the last
    match), as then no row carries it. SQLite: (None, None), so the caller counts as usual."""
    if not _is_postgres():
        return None, None
    sql, params = qs.order_by().values(*columns).query.sql_with_params()
    statement = (
        f"WITH matches AS MATERIALIZED ({sql}) "  # noqa: S608 - compiled by the ORM
        "SELECT (SELECT count(*) FROM matches) AS total, matches.* FROM matches "
        "ORDER BY matches.distance ASC NULLS LAST, matches.pk LIMIT %s OFFSET %s"
    )
    return _fetch_page(statement, [*params, limit - offset, offset])


def _fetch_page(statement: str, params: list):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [column.name for column in cursor.description]
        fetched = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    if not fetched:
        return None, None
    return fetched, fetched[0]["total"]


# --- Counts cache -----------------------------------------------------------------------------
#
# A search's total and facet counts are reused while the same search (whatever its page and
# sort) runs again before the index changes: paging and re-sorting then cost one query, and the
# unfiltered directory's counts are read once per change. Like Elasticsearch's request cache:
# any write to the index starts a new generation (``search.indexing``), and entries also expire
# after ``SEARCH_COUNTS_CACHE_SECONDS`` (0 turns the cache off).


def _cached_counts(query: SearchQuery, wanted: list[str]):
    if not getattr(settings, "SEARCH_COUNTS_CACHE_SECONDS", 0):
        return None
    return cache.get(_counts_key(query, wanted))


def _store_counts(query: SearchQuery, wanted: list[str], counted) -> None:
    seconds = getattr(settings, "SEARCH_COUNTS_CACHE_SECONDS", 0)
    if seconds:
        cache.set(_counts_key(query, wanted), counted, seconds)


def _counts_key(query: SearchQuery, wanted: list[str]) -> str:
    near = query.near
    described = repr(
        (
            query.text,
            sorted((k, repr(v)) for k, v in (query.filters or {}).items()),
            (near.latitude, near.longitude, near.region) if near else None,
            query.radius_miles,
            query.include_remote,
            tuple(wanted),
            timezone.localdate(),  # certificates go out of date at midnight
        )
    )
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"search:counts:{query.index}:{generation(query.index)}:{digest}"


def generation(index: str) -> str:
    return cache.get(f"search:generation:{index}") or "0"


def new_generation(index: str) -> None:
    """Called by ``search.indexing`` after every write to ``index``."""
    cache.set(f"search:generation:{index}", uuid.uuid4().hex, None)


# --- Text -------------------------------------------------------------------------------------


def _text_filter(qs: QuerySet, terms) -> QuerySet:
    if _is_postgres():
        return qs.filter(vector=_pg_query(terms))
    for _word, lexeme in terms:
        needle = f" {lexeme} "
        qs = qs.filter(
            Q(tokens_a__contains=needle)
            | Q(tokens_b__contains=needle)
            | Q(tokens_c__contains=needle)
            | Q(tokens_d__contains=needle)
        )
    return qs


def _pg_query(terms) -> PgSearchQuery:
    words = " ".join(word for word, _lexeme in terms)
    return PgSearchQuery(words, search_type="plain", config="english")


def _rank(terms):
    if _is_postgres():
        return SearchRank(F("vector"), _pg_query(terms))
    score = None
    for _word, lexeme in terms:
        needle = f" {lexeme} "
        best = Case(
            *(
                When(**{f"tokens_{w}__contains": needle}, then=Value(weight))
                for w, weight in _WEIGHTS.items()
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
        score = best if score is None else score + best
    return score


# A one-word search in relevance order: the page from the best-scoring matches. For a query of
# one lexeme, PostgreSQL's ts_rank (default weights D 0.1, C 0.2, B 0.4, A 1.0; no
# normalisation) is (w + the sum of w_j / (j + 1)^2 over the lexeme's other positions j) /
# (pi^2 / 6), where w is the highest weight the lexeme has in the entry (tsrank.c,
# calc_rank_or). Before the division by pi^2 / 6 = 1.645, then:
# - with weight A, at least 1.0; with B at best, at most 0.4 * 1.645 = 0.658;
# - with B at best and more than once, more than 0.4 (each other position adds to it); with B
#   at best and once only, exactly 0.4;
# - with C at best, at most 0.2 * 1.645 = 0.329; with C at best and more than once, more than
#   0.2; once only, exactly 0.2; with D only, at most 0.1 * 1.645 = 0.165.
# So each part of ``_TIERS`` holds the matches scoring above some line, and every other match
# scores at or below it: with the word in the name; in the name, or in a capability and more
# than once; in the name or a capability; in either, or in the summary and more than once. If
# a part's matches fill the page, they are the page, in the same order and with the same scores
# as when every match is ranked. Each part has a GIN index (migrations search/0010 and 0014).
_VECTOR = SearchVectorField()


def _weighted(weights: str) -> Func:
    return Func(F("vector"), Value(weights), function="ts_filter", output_field=_VECTOR)


def _weighted_or_repeated(strong: str, repeated: str) -> Func:
    # The weights are constants of this module, written as the index's expression has them.
    return Func(
        F("vector"),
        function="search_words_above",
        template=f"%(function)s(%(expressions)s, '{strong}'::text[], '{repeated}'::text[])",
        output_field=_VECTOR,
    )


_TIERS = (
    ("a", _weighted("{a}")),
    ("a_b2", _weighted_or_repeated("{A}", "{B}")),
    ("ab", _weighted("{a,b}")),
    ("ab_c2", _weighted_or_repeated("{A,B}", "{C}")),
)


def _relevance_page(
    ranked: QuerySet,
    unmatched: QuerySet,
    base: QuerySet,
    terms,
    columns,
    offset: int,
    limit: int,
    count: bool,
    grouping: dict | None = None,
    tiers: tuple = (),
):
    """PostgreSQL, a text search in relevance order: the rows ``offset:limit`` and, if
    ``count``, the number of matches, in one statement; with ``grouping`` (the supplier facets'
    ``code``, ``cap`` and ``bits``: ``_Suppliers.grouping``), the facet counts' groups too. Returns (rows, total, groups); the
    total is None when not asked for, or when the page is empty (past the last match: no row
    carries it); the groups are None without ``grouping``. ``ranked``: the matches with their
    score; ``unmatched``: the same search without its text (a tier's own index finds its
    matches); ``base``: the matches, unranked.

    With ``tiers`` (a one-word search that only its text narrows: ``_IndexSpec.narrowed``),
    the matches with the word in the name are ranked first, then each wider part of
    ``_TIERS`` in turn. Only when none fills the page is every match ranked, reading the
    matches once for the page and the total or the facets (``m``). When a tier fills the
    page, the facets are counted from the matches without ranking them.
    Each part runs only if needed: PostgreSQL runs an uncorrelated subquery or a materialised
    CTE when its value is first asked for, and skips a branch whose condition is false."""
    every, params = ranked.order_by().values(*columns, **(grouping or {})).query.sql_with_params()
    ctes = [f"m AS MATERIALIZED ({every})"]  # noqa: S608 - compiled by the ORM
    listed = ", ".join(columns)
    branches, branch_params = [], []
    short, short_params = "TRUE", []
    total, total_params = "(SELECT count(*) FROM m)", []
    if tiers:
        counts = [f"(SELECT count(*) FROM {name})" for name, _part in tiers]  # noqa: S608
        for name, part in tiers:
            tier = _tier(unmatched, terms, part).order_by(*_BY_SCORE).values(*columns)[:limit]
            sql, tier_params = tier.query.sql_with_params()
            ctes.append(f"{name} AS MATERIALIZED ({sql})")
            params += tier_params
        # A part gives the page when it fills it and no part before it does. Each row says
        # which part gave it ("a", "a_b2", "ab", "ab_c2" or "every"): the tests look.
        for i, (name, _part) in enumerate(tiers):
            condition = " AND ".join([*(f"{n} < %s" for n in counts[:i]), f"{counts[i]} = %s"])
            branches.append(f"SELECT '{name}' AS part, {listed} FROM {name} WHERE {condition}")  # noqa: S608 - see above
            branch_params += [limit] * (i + 1)
        short = " AND ".join(f"{n} < %s" for n in counts)
        short_params = [limit] * len(counts)
        if count:
            # A part filled the page: count the matches without ranking them.
            matches, matches_params = base.order_by().values("pk").query.sql_with_params()
            filled = " OR ".join(f"{n} = %s" for n in counts)
            total = (
                f"CASE WHEN {filled} "  # noqa: S608 - compiled by the ORM
                f"THEN (SELECT count(*) FROM ({matches}) AS matches) "
                "ELSE (SELECT count(*) FROM m) END"
            )
            total_params = [*([limit] * len(counts)), *matches_params]
    branches.append(
        f"(SELECT 'every' AS part, {listed} FROM m WHERE {short} "  # noqa: S608 - see above
        "ORDER BY m.score DESC, m.pk LIMIT %s)"
    )
    branch_params += [*short_params, limit]
    if not count:
        total, total_params = "NULL", []
    page = (
        f"SELECT {total} AS total, page.* FROM ("  # noqa: S608 - see above
        + " UNION ALL ".join(branches)
        + ") AS page ORDER BY page.score DESC, page.pk LIMIT %s OFFSET %s"
    )
    page_params = [*total_params, *branch_params, limit - offset, offset]
    if grouping is None:
        rows, total = _fetch_page(f"WITH {', '.join(ctes)} {page}", [*params, *page_params])
        return rows or [], total if count else None, None
    # The facets' groups follow the page's rows, from the ranked matches when every match was
    # ranked, else from the matches read without ranking (a branch whose condition is false is
    # not run). A group row has no page columns, a page row no group columns.
    unranked, unranked_params = base.order_by().values(**grouping).query.sql_with_params()
    nothing = ", ".join(["NULL"] * (len(columns) + 2))  # total, part and the page's columns
    statement = (
        f"WITH {', '.join(ctes)} "  # noqa: S608 - compiled by the ORM
        "SELECT NULL AS kind, NULL AS code, NULL AS cap, NULL AS bits, NULL AS n, p.* "
        f"FROM ({page}) AS p "
        f"UNION ALL SELECT {_GROUPED}, {nothing} FROM ("
        f"SELECT m.code, m.cap, m.bits FROM m WHERE {short} UNION ALL SELECT u.code, u.cap, u.bits FROM "
        f"({unranked}) AS u WHERE NOT ({short})) AS f {_GROUPING_SETS}"
    )
    group_params = [*short_params, *unranked_params, *short_params]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, *page_params, *group_params])
        names = [column.name for column in cursor.description]
        fetched = cursor.fetchall()
    groups = [row[:5] for row in fetched if row[4] is not None]
    rows = [dict(zip(names[5:], row[5:], strict=True)) for row in fetched if row[4] is None]
    # A union keeps no order: the page's is set again here.
    rows.sort(key=lambda row: (-row["score"], row["pk"]))
    return rows, None, groups


# Supplier facet counts (PostgreSQL): the matches ``f`` grouped by facet code, by capability
# code and by the certificates in date, each apart, in one reading of them. A row is (which
# grouping, code, capability code, bits, count); ``kind`` says which (the bits of the columns
# not grouped by).
_GROUPED = "GROUPING(f.code, f.cap, f.bits) AS kind, f.code, f.cap, f.bits, count(*) AS n"
_GROUPING_SETS = "GROUP BY GROUPING SETS ((f.code), (f.cap), (f.bits))"
_BY_CODE, _BY_CAPABILITIES, _BY_BITS = 0b011, 0b101, 0b110
# The facets counted from ``SupplierEntry.facet_code`` (capability: ``capability_code``).
_CODED_FACETS = ("size_band", "region", "vcse")


def _tier(unmatched: QuerySet, terms, part: Func) -> QuerySet:
    """The entries whose ``part`` of the vector (``_TIERS``) holds the terms, with their
    score. Each is a match (that part's words are words of its vector, and the query only
    ANDs words), so the vector's own test is left out: PostgreSQL would also read the word's
    whole list in the vector's index (59,000 entries for "data" at 100,000 suppliers, 4 ms)
    and intersect the two."""
    return unmatched.annotate(score=_rank(terms)).alias(tier=part).filter(tier=_pg_query(terms))


@contextmanager
def _text_through_its_index(text: bool):
    """PostgreSQL, a search with text: find the matches through the GIN index, never by reading
    the whole table. The planner costs the ``@@`` test at a small fraction of what it takes
    on an entry's vector, so for a word in half the entries it reads every row and tests each
    (42 ms at 100,000 suppliers) rather than reading the matches the index lists (16 ms)."""
    if not text or not _is_postgres():
        yield
        return
    if not connection.in_atomic_block:
        # The search's statements in one transaction and the setting local to it, so it ends
        # with it (and stays on one server connection behind a transaction-pooling proxy).
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
            yield
        return
    # Inside a caller's transaction, a local setting would outlive the search: set it back.
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        yield
    finally:
        # In a transaction that failed, the SET is undone with it (and a statement would fail).
        pg = connection.connection
        if pg is not None and pg.info.transaction_status in _USABLE:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan")


_USABLE = (TransactionStatus.IDLE, TransactionStatus.INTRANS)


# --- Geo --------------------------------------------------------------------------------------


def _within(near, radius: float) -> Q:
    """Rows within ``radius`` miles of ``near``, exactly as ``geo.haversine_miles`` decides:
    the bounding box (indexed), then the dot product of unit vectors, then, only for rows too
    close to the edge for the dot product to decide, the distance itself. Needs the
    ``nearness`` alias and the ``distance`` annotation of ``_geo``."""
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(near.latitude, near.longitude, radius)
    surely, perhaps = geo.nearness_bounds(radius)
    return Q(
        latitude__gte=min_lat,
        latitude__lte=max_lat,
        longitude__gte=min_lon,
        longitude__lte=max_lon,
    ) & (Q(nearness__gte=surely) | Q(nearness__gte=perhaps, distance__lte=radius))


def _geo(plan: _Plan, query: SearchQuery, *, extra: Q | None = None) -> _Plan:
    near = query.near
    qs = plan.qs.alias(nearness=geo.nearness_expression(near.latitude, near.longitude)).annotate(
        distance=geo.distance_expression(near.latitude, near.longitude)
    )
    radius = geo.capped_radius(query.radius_miles)
    if radius is not None:
        condition = _within(near, radius)
        if extra is not None:
            condition |= extra
        qs = qs.filter(condition)
    return _Plan(qs, with_distance=True, radius=radius)


# A page in distance order is first looked for within a smaller circle expected to hold this
# many times the rows up to the page's end, were the matches spread evenly over the area.
_NEAREST_HEADROOM = 4


def _nearest_page(
    ranked: QuerySet, near, radius: float, total: int, columns, offset: int, limit: int
) -> list[dict] | None:
    """A page in distance order without reading every match: the nearest rows are inside a
    circle of the radius that would hold ``_NEAREST_HEADROOM`` times the rows needed up to the
    page's end. If that circle holds the whole page, the page is the right one (every row
    outside it is further away than every row in it). Otherwise None, and the caller reads
    every match. A search whose matches all lie within a few pages gains nothing."""
    area_share = _NEAREST_HEADROOM * limit / total  # the caller has a page to show: total > 0
    if area_share >= 1.0:
        return None
    inner = radius * math.sqrt(area_share)
    rows = list(
        ranked.filter(_within(near, inner)).order_by(*_BY_DISTANCE).values(*columns)[offset:limit]
    )
    return rows if len(rows) == limit - offset else None


# --- Index specifications ---------------------------------------------------------------------


def _values(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, str | int):
        return (value,)
    return tuple(value)


def _any_in_date(schemes, today) -> Q:
    """Holds a certificate of any of ``schemes`` that is in date ``today``. The holders come
    first (``?|``, answered from a GIN index on PostgreSQL), so only their expiries are read."""
    in_date = Q()
    for scheme in schemes:
        in_date |= Q(**{f"certified_until__{scheme}__gte": today.toordinal()})
    return Q(certified_until__has_any_keys=list(schemes)) & in_date


def _in_date_bits(today) -> RawSQL:
    """For counting every entry (facets): the bits (``CERTIFICATE_BITS``) of the schemes it
    holds in date ``today``, the same answer as ``_any_in_date`` per scheme, from integers for
    most entries: none held, or every one held is in date. Only an entry with a certificate
    past its expiry reads its JSON, a scheme at a time. One integer per entry, so the
    matches are grouped by it rather than tested once per scheme.

    Compiled once a day per database (``_in_date_bits_sql``): building and compiling the
    expression took 1 ms each time a search used it."""
    sql, params = _in_date_bits_sql(today.toordinal(), connection.vendor)
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611 - compiled by the ORM


@functools.lru_cache(maxsize=4)
def _in_date_bits_sql(ordinal: int, vendor: str) -> tuple[str, tuple]:
    each = [
        Case(
            When(
                Q(GreaterThan(F("certificate_bits").bitand(bit), 0))
                & Q(**{f"certified_until__{scheme}__gte": ordinal}),
                then=Value(bit),
            ),
            default=Value(0),
        )
        for scheme, bit in CERTIFICATE_BITS.items()
    ]
    bits = Case(
        When(certificate_bits=0, then=Value(0)),
        When(certificates_all_in_date_until__gte=ordinal, then=F("certificate_bits")),
        default=functools.reduce(operator.add, each),
        output_field=IntegerField(),
    )
    # Compiled as a column of a query on the entry table, as every search's query is (its
    # columns are named with the table's name, which those queries use too).
    query = SupplierEntry.objects.annotate(bits=bits).query
    sql, params = query.get_compiler(connection=connection).compile(query.annotations["bits"])
    return sql, tuple(params)


def _fetch_all(qs: QuerySet) -> list[tuple]:
    """The rows of a values_list() query as the driver returns them (thousands of small rows:
    Django's per-row conversions would cost more than the query)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _term_ids(term_model, kind: str, values, **extra) -> QuerySet:
    return term_model.objects.filter(kind=kind, value__in=[str(v) for v in values], **extra).values(
        "entry_id"
    )


def _column_facet(qs: QuerySet, column: str) -> dict[str, int]:
    rows = qs.order_by().values(column).annotate(n=Count("pk")).values_list(column, "n")
    out = {}
    for value, n in rows:
        if (key := _facet_value(value)) is not None:
            out[key] = n
    return dict(sorted(out.items()))


def _facet_value(value) -> str | None:
    """A column's value as a facet counts it; None for no value (not counted, as a terms
    aggregation leaves out a missing field)."""
    if value is None or value == "":
        return None
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _column_facets_and_total(qs: QuerySet, columns: list[str]):
    """PostgreSQL: the number of matches and the counts of each column's values, in one
    reading of the matches (``GROUPING SETS``: each column apart, and () for the total).
    Returns (total, {column: {value: count}})."""
    sql, params = qs.order_by().values("pk", *columns).query.sql_with_params()
    names = [f"f.{connection.ops.quote_name(column)}" for column in columns]
    flags = ", ".join(f"GROUPING({name})" for name in names)
    listed = ", ".join(names)
    sets = ", ".join(f"({name})" for name in names)
    statement = (
        f"SELECT {flags}, {listed}, count(*) FROM ({sql}) AS f "  # noqa: S608 - the ORM's SQL
        f"GROUP BY GROUPING SETS ({sets}, ())"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    total, counts = 0, {column: {} for column in columns}
    width = len(columns)
    for row in rows:
        grouped, values, n = row[:width], row[width : 2 * width], row[-1]
        if all(grouped):  # the () set: every match
            total = n
            continue
        i = grouped.index(0)
        if (key := _facet_value(values[i])) is not None:
            counts[columns[i]][key] = n
    return total, {column: dict(sorted(c.items())) for column, c in counts.items()}


def _term_facet(qs: QuerySet, kind: str, **extra) -> dict[str, int]:
    """Counts per term value over the matching entries: one JOIN and GROUP BY (an IN over the
    matching ids would make PostgreSQL re-evaluate the whole filter per term row)."""
    conditions = {"terms__kind": kind, **{f"terms__{k}": v for k, v in extra.items()}}
    rows = (
        qs.order_by()
        .filter(**conditions)
        .values("terms__value")
        .annotate(n=Count("pk", distinct=True))
        .values_list("terms__value", "n")
    )
    return dict(sorted(rows))


class _IndexSpec:
    entry: Any
    facets: tuple[str, ...]
    # Facets counted by grouping the matches (``grouping`` and ``tally``), so that the statement
    # ranking a page can count them too.
    facets_by_grouping = False

    # Filters that leave most entries in (a search with only these is as broad as its text).
    broad_filters: frozenset[str] = frozenset()

    def narrowed(self, query: SearchQuery) -> bool:
        """Whether a place or a filter keeps only a small share of the entries, so that
        ranking every match costs less than looking in the parts of ``_TIERS`` first. At
        100,000 suppliers, one word within 25 miles of a place took 14 ms on average with
        every match ranked and 26 ms with the four parts; one word with a certification, 19
        against 33; one word with SME status (70% of suppliers), 57 against 61 with a part."""
        if query.near is not None:
            return True
        return any(
            name not in self.broad_filters and value not in (None, "", (), [])
            for name, value in (query.filters or {}).items()
        )

    def count_and_facets(self, qs: QuerySet, names) -> tuple[int, dict[str, dict[str, int]]]:
        """The total, then one GROUP BY per facet asked for."""
        return qs.count(), {name: self.facet(qs, name) for name in names}

    def facet(self, qs: QuerySet, name: str) -> dict[str, int]:
        raise NotImplementedError


class _Suppliers(_IndexSpec):
    entry = SupplierEntry
    facets = SUPPLIER_FACETS
    facets_by_grouping = True
    broad_filters = frozenset({"sme", "vcse", "size_band", "new_to_public_sector"})

    def apply_filters(self, qs: QuerySet, f: dict) -> QuerySet:
        today = timezone.localdate()
        if f.get("sme") is not None:
            qs = qs.filter(is_sme=bool(f["sme"]))
        if _values(f.get("size_band")):
            qs = qs.filter(size_band__in=_values(f["size_band"]))
        if f.get("vcse") is not None:
            qs = qs.filter(is_vcse=bool(f["vcse"]))
        if _values(f.get("region")):
            qs = qs.filter(region__in=_values(f["region"]))
        if _values(f.get("capability")):
            qs = qs.filter(capabilities__has_any_keys=[str(v) for v in _values(f["capability"])])
        if _values(f.get("certification")):
            qs = qs.filter(_any_in_date(_values(f["certification"]), today))
        if f.get("min_rating") is not None:
            qs = qs.filter(rating_average__gte=float(f["min_rating"]))
        if f.get("new_to_public_sector") is not None:
            qs = qs.filter(new_to_public_sector=bool(f["new_to_public_sector"]))
        return qs

    def apply_geo(self, plan: _Plan, query: SearchQuery) -> _Plan:
        extra = None
        if query.include_remote and query.near.region:
            extra = Q(pk__in=_term_ids(SupplierTerm, TermKind.REMOTE_REGION, [query.near.region]))
        return _geo(plan, query, extra=extra)

    def count_and_facets(self, qs: QuerySet, names) -> tuple[int, dict[str, dict[str, int]]]:
        """The total and every facet asked for in one statement. The matching entries are
        grouped by their facet code (size band, region, VCSE: about 100 codes), by their
        capability code (one per set of headings held: 128 with 7 headings) and by the
        certificates they hold in date (``_in_date_bits``); the groups' counts are then added
        up here per facet value and per scheme. So an entry costs three grouping steps, not
        one count per facet value (about 30), and a few hundred groups are added up here."""
        if not names:
            return qs.count(), {}
        matches = qs.order_by().values(**self.grouping(names))
        if _is_postgres():
            # Each grouping apart, in one reading of the matches (grouped by all three
            # together, they would be thousands of groups to add up here).
            sql, params = matches.query.sql_with_params()
            statement = f"SELECT {_GROUPED} FROM ({sql}) AS f {_GROUPING_SETS}"  # noqa: S608 - the ORM's
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return self.tally(names, cursor.fetchall())
        # Counting rows, not a column's values: the covering indexes then answer without the
        # table.
        grouped = matches.annotate(n=Count("*")).values_list("code", "cap", "bits", "n")
        triples = _fetch_all(grouped)
        return self.tally(
            names,
            [(_BY_CODE, code, None, None, n) for code, _cap, _bits, n in triples]
            + [(_BY_CAPABILITIES, None, cap, None, n) for _code, cap, _bits, n in triples]
            + [(_BY_BITS, None, None, bits, n) for _code, _cap, bits, n in triples],
        )

    def grouping(self, names) -> dict:
        """What facet counts group the matches by: ``code`` (the facet code, for size band,
        region or VCSE), ``cap`` (the capability code, for capability) and ``bits`` (the
        certificates in date, for certification). A constant stands for one not asked for (and
        is not grouped by)."""
        return {
            "code": F("facet_code") if set(names) & set(_CODED_FACETS) else Value(0),
            "cap": F("capability_code") if "capability" in names else Value(0),
            "bits": _in_date_bits(timezone.localdate()) if "certification" in names else Value(0),
        }

    def tally(self, names, groups) -> tuple[int, dict[str, dict[str, int]]]:
        """The total and facets from the counts of each grouping, as rows of (which grouping,
        code, capability code, bits, count) (``_GROUPED``)."""
        by_code: dict[int, int] = {}
        by_capabilities: dict[int, int] = {}
        by_bits: dict[int, int] = {}
        for kind, code, cap, bits, n in groups:
            if kind == _BY_CODE:
                by_code[code] = by_code.get(code, 0) + n
            elif kind == _BY_CAPABILITIES:
                by_capabilities[cap] = by_capabilities.get(cap, 0) + n
            else:
                by_bits[bits] = by_bits.get(bits, 0) + n
        facets: dict[str, dict[str, int]] = {name: {} for name in names}
        counted = []
        if set(names) & set(_CODED_FACETS):
            counted.append(by_code)
        if "capability" in names:
            counted.append(by_capabilities)
        for word, n in facet_keys.count_words(*counted).items():
            name, value = supplier_facet_value(word)
            if name in facets:
                facets[name][value] = n
        if "certification" in names:
            for scheme in Certification.Scheme.values:
                bit = CERTIFICATE_BITS[scheme]
                # Like a terms aggregation: no zero counts.
                if in_date := sum(n for bits, n in by_bits.items() if bits & bit):
                    facets["certification"][scheme] = in_date
        total = sum(by_code.values())
        return total, {name: dict(sorted(c.items())) for name, c in facets.items()}

    def order(self, query: SearchQuery, *, ranked: bool, with_distance: bool) -> list:
        sort = query.sort
        if sort == "distance" and with_distance:
            return _BY_DISTANCE
        if sort == "rating":
            return [F("rating_average").desc(nulls_last=True), "-rating_count", "pk"]
        if sort == "relevance" and ranked:
            return ["-score", "pk"]
        return [_name_order("sort_name"), "pk"]

    def snippets(self, ids: list[int]) -> dict[int, str]:
        return dict(SupplierProfile.objects.filter(pk__in=ids).values_list("pk", "summary"))


class _Challenges(_IndexSpec):
    entry = ChallengeEntry
    facets = CHALLENGE_FACETS

    def apply_filters(self, qs: QuerySet, f: dict) -> QuerySet:
        if _values(f.get("ids")):
            qs = qs.filter(pk__in=[int(v) for v in _values(f["ids"])])
        if _values(f.get("status")):
            qs = qs.filter(status__in=_values(f["status"]))
        if _values(f.get("buyer")):
            qs = qs.filter(pk__in=_term_ids(ChallengeTerm, TermKind.BUYER, _values(f["buyer"])))
        if _values(f.get("capability")):
            qs = qs.filter(
                pk__in=_term_ids(ChallengeTerm, TermKind.CAPABILITY, _values(f["capability"]))
            )
        if _values(f.get("region")):
            qs = qs.filter(Q(region__in=_values(f["region"])) | Q(uk_wide=True))
        if f.get("budget_min") is not None:
            qs = qs.filter(budget_pence__gte=int(f["budget_min"]))
        if f.get("budget_max") is not None:
            qs = qs.filter(budget_pence__lte=int(f["budget_max"]))
        if f.get("closing_before") is not None:
            qs = qs.filter(closes_at__lt=closing_before_limit(f["closing_before"]))
        if _values(f.get("procedure")):
            qs = qs.filter(procedure__in=_values(f["procedure"]))
        if _values(f.get("mode")):
            qs = qs.filter(mode__in=_values(f["mode"]))
        return qs

    def apply_geo(self, plan: _Plan, query: SearchQuery) -> _Plan:
        return _geo(plan, query, extra=Q(uk_wide=True))

    def count_and_facets(self, qs: QuerySet, names) -> tuple[int, dict[str, dict[str, int]]]:
        """PostgreSQL: the total and the column facets (status, procedure, region) in one
        statement, the capability facet (a join to the terms) in a second. Other databases:
        a GROUP BY each."""
        columns = [name for name in names if name != "capability"]
        if not columns or not _is_postgres():
            return super().count_and_facets(qs, names)
        total, counts = _column_facets_and_total(qs, columns)
        if "capability" in names:
            counts["capability"] = self.facet(qs, "capability")
        return total, {name: counts[name] for name in names}

    def facet(self, qs: QuerySet, name: str) -> dict[str, int]:
        if name == "capability":
            return _term_facet(qs, TermKind.CAPABILITY_TOP)
        return _column_facet(qs, name)

    def order(self, query: SearchQuery, *, ranked: bool, with_distance: bool) -> list:
        sort = query.sort
        if sort == "newest":
            return [F("published_at").desc(nulls_last=True), "pk"]
        if sort == "budget":
            return ["-budget_pence", "pk"]
        if sort == "relevance" and ranked:
            return ["-score", "pk"]
        return [F("closes_at").asc(nulls_last=True), "pk"]

    def snippets(self, ids: list[int]) -> dict[int, str]:
        return dict(Challenge.objects.filter(pk__in=ids).values_list("pk", "summary"))


def closing_before_limit(day):
    """Challenges closing on or before ``day`` (Europe/London) close before the next midnight."""
    import datetime as dt

    from django.utils.timezone import make_aware

    return make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


SUPPLIERS = _Suppliers()
CHALLENGES = _Challenges()
