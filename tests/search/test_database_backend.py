"""The database backend's own promises, beyond giving the oracle's answers
(test_conformance.py): a fixed number of queries, deep pages, hidden suppliers, certificates
in date on the day of the search, safe highlights and the fallback from Elasticsearch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

import search
from search import backends
from search.backends.database import DatabaseBackend
from search.query import (
    CHALLENGE_FACETS,
    MAX_RESULT_WINDOW,
    SUPPLIER_FACETS,
    GeoPoint,
    SearchQuery,
)
from tests.factories.search import LEEDS, oracle
from tests.factories.suppliers import CertificationFactory, SupplierProfileFactory

pytestmark = pytest.mark.django_db


# PostgreSQL, a search with text: SET and RESET of enable_seqscan around it.
TEXT_SETTINGS = 2 if connection.vendor == "postgresql" else 0
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's ranking, indexes and settings"
)


def run(**kwargs):
    kwargs.setdefault("index", "suppliers")
    return DatabaseBackend().search(SearchQuery(**kwargs))


def test_a_search_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    # The total and every facet in one statement, one page of ids, the page's summaries for
    # highlights. PostgreSQL also turns sequential scans off for a text search and back on.
    expected = 1 + 1 + 1 + TEXT_SETTINGS
    with django_assert_max_num_queries(expected):
        result = run(
            text="sensors",
            near=GeoPoint(*LEEDS),
            radius_miles=50,
            filters={"sme": True, "capability": ("iot-and-sensors",)},
            facets=SUPPLIER_FACETS,
        )
    assert result.total > 0
    with django_assert_max_num_queries(2):
        run(sort="name", page=3, page_size=10)


def test_a_search_for_counts_only_reads_no_page(world, django_assert_num_queries):
    """Page size 0 (how the pages count a facet's options without its filter): the total and
    the facets, and no page read, whatever the order."""
    query = {"filters": {"sme": True}, "facets": SUPPLIER_FACETS}
    full = run(**query)
    for sort in ("name", "rating"):
        with django_assert_num_queries(1):
            counts = run(**query, sort=sort, page_size=0)
        assert counts.hits == [] and (counts.total, counts.facets) == (full.total, full.facets)
    near = {"near": GeoPoint(*LEEDS), "radius_miles": 100, "sort": "distance"}
    with django_assert_num_queries(1):
        counts = run(**near, page_size=0)
    assert counts.hits == [] and counts.total == run(**near).total > 0


def test_challenge_counts_read_the_matches_once_for_every_column_facet(
    world, django_assert_num_queries
):
    """PostgreSQL: a challenge search's total, status, procedure and region counts are one
    statement, and the capability counts (a join to the terms) one more: the same counts as
    a GROUP BY each. SQLite: a GROUP BY each."""
    from search.backends import database
    from search.models import ChallengeEntry

    matches = ChallengeEntry.objects.filter(status__in=["open", "closed"])
    one_each = database._IndexSpec.count_and_facets(database.CHALLENGES, matches, CHALLENGE_FACETS)
    assert one_each[0] > 0 and all(one_each[1][name] for name in CHALLENGE_FACETS)
    postgresql = connection.vendor == "postgresql"
    with django_assert_num_queries(2 if postgresql else 1 + len(CHALLENGE_FACETS)):
        together = database.CHALLENGES.count_and_facets(matches, CHALLENGE_FACETS)
    assert together == one_each
    assert list(together[1]) == list(CHALLENGE_FACETS)
    # Without capability, and with one column: one statement on PostgreSQL.
    some = ("region", "status")
    with django_assert_num_queries(1 if postgresql else 1 + len(some)):
        assert database.CHALLENGES.count_and_facets(matches, some) == (
            one_each[0],
            {name: one_each[1][name] for name in some},
        )
    nothing = ChallengeEntry.objects.filter(status="no such status")
    assert database.CHALLENGES.count_and_facets(nothing, some) == (0, {"region": {}, "status": {}})


def test_counts_are_reused_until_the_index_changes(world, settings, django_assert_num_queries):
    settings.SEARCH_COUNTS_CACHE_SECONDS = 60
    query = {"filters": {"sme": True}, "facets": SUPPLIER_FACETS}
    first = run(**query, sort="name")
    # Another page or sort of the same search: only the page of ids is read.
    with django_assert_num_queries(1):
        again = run(**query, sort="rating", page=2, page_size=5)
    assert (again.total, again.facets) == (first.total, first.facets)
    # A different search is counted afresh: the total, then the page.
    with django_assert_num_queries(2):
        run(filters={"sme": False})

    added = SupplierProfileFactory(approved=True, is_sme=True, size_band="micro")
    after = run(**query, sort="name")
    assert after.total == first.total + 1
    assert after.facets["size_band"]["micro"] == first.facets["size_band"].get("micro", 0) + 1
    assert added.pk in {hit.id for hit in run(**query, sort="name", page_size=100).hits}


def test_counts_read_with_the_page_are_kept_too(world, settings):
    """The total or facets counted in the statement that read the page (relevance order, or
    distance with no radius) are kept like any others."""
    from search.backends import database

    settings.SEARCH_COUNTS_CACHE_SECONDS = 60
    for query in (
        SearchQuery(index="suppliers", text="sensors", facets=SUPPLIER_FACETS),
        SearchQuery(index="suppliers", text="data sensors", facets=SUPPLIER_FACETS),
        SearchQuery(index="suppliers", text="sensors"),
        SearchQuery(index="suppliers", near=GeoPoint(*LEEDS), sort="distance"),
    ):
        wanted = list(query.facets)
        assert database._cached_counts(query, wanted) is None
        result = DatabaseBackend().search(query)
        assert database._cached_counts(query, wanted) == (result.total, result.facets)


def test_a_ranked_text_search_counts_its_matches_while_ranking(world, django_assert_num_queries):
    everyone = oracle(SearchQuery(index="suppliers", text="sensors")).ids
    assert len(everyone) > 3
    # PostgreSQL: the page and the total in one statement, then the highlights.
    with django_assert_num_queries(2 + TEXT_SETTINGS if connection.vendor == "postgresql" else 3):
        first = run(text="sensors", page_size=2)
    assert first.total == len(everyone)
    pages = [first] + [run(text="sensors", page_size=2, page=n) for n in range(2, 10)]
    assert sorted(hit.id for page in pages for hit in page.hits) == sorted(everyone)
    # Past the last page: nothing to show, still counted.
    beyond = run(text="sensors", page_size=2, page=50)
    assert (beyond.hits, beyond.total) == ([], len(everyone))


def test_a_ranked_search_of_several_words_counts_its_facets_while_ranking(
    django_assert_num_queries,
):
    """Every match of several words is ranked for the page, so on PostgreSQL the same reading
    of the matches counts the facets: one statement, with the same page, total and facets
    as ranking and counting apart."""
    from django.utils import timezone

    names = ["Quokka Telemetry", "Quokka Works", "Telemetry Hub", "Northern Data", "Pebble"]
    for i, name in enumerate(names):
        supplier = SupplierProfileFactory(
            approved=True,
            legal_name=f"{name} {i} Ltd",
            trading_name="",
            summary="Quokka telemetry for councils." if i % 2 else "Telemetry of quokka herds.",
            size_band=("micro", "small")[i % 2],
        )
        if i < 3:
            CertificationFactory(
                profile=supplier,
                scheme="iso_9001",
                expires_on=timezone.localdate() + dt.timedelta(days=i - 1),  # lapsed, then not
            )
    query = {"text": "quokka telemetry", "facets": SUPPLIER_FACETS, "page_size": 2}
    pages = []
    for page in (1, 2, 3, 4):
        if connection.vendor == "postgresql":
            # The page and the counts, then the page's highlights (none past the end).
            with django_assert_num_queries(1 + TEXT_SETTINGS + (page < 4)):
                pages.append(run(**query, page=page))
        else:
            pages.append(run(**query, page=page))
    apart = run(**{**query, "page_size": 0})
    assert apart.total == len(names)
    assert apart.facets["size_band"] == {"micro": 3, "small": 2}
    assert apart.facets["certification"] == {"iso_9001": 2}
    for number, found in enumerate(pages, start=1):
        ranked = run(text="quokka telemetry", page_size=2, page=number)
        assert [(hit.id, hit.score) for hit in found.hits] == [
            (hit.id, hit.score) for hit in ranked.hits
        ]
        assert (found.total, found.facets) == (apart.total, apart.facets)
    assert [len(found.hits) for found in pages] == [2, 2, 1, 0]


@postgresql_only
def test_a_word_with_weight_a_outranks_any_without_and_b_any_with_only_c_or_d():
    """What reading a one-word page from its best-weighted matches rests on, checked against
    PostgreSQL's own ts_rank: the score of one lexeme is set by the highest weight it has in
    the entry, whatever its other positions. Random entries, and the ones that come closest
    (the word many times at a lower weight, one weight lower first)."""
    import random

    rng = random.Random(11)  # noqa: S311 - test data
    patterns = [[rng.choice("ABCD") for _ in range(rng.randint(1, 12))] for _ in range(3000)]
    for top, lower in (("A", "B"), ("B", "C"), ("C", "D")):
        patterns += [[top], [lower] * 256, [top] + [lower] * 255]
        patterns += [[*below, lower] + [lower] * 250 for below in ([], ["C"], ["D", "D"])]
        patterns += [["D"] * n + [lower] * (256 - n) for n in (1, 2, 3, 5)]
    vectors = [
        "'word':" + ",".join(f"{i + 1}{weight}" for i, weight in enumerate(pattern))
        for pattern in patterns
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_rank(v::tsvector, 'word'::tsquery) FROM unnest(%s::text[]) AS v",
            [vectors],
        )
        scores = [row[0] for row in cursor.fetchall()]
    by_best: dict[str, list[float]] = {}
    once: dict[str, list[float]] = {}  # by the highest weight, the word there once only
    for pattern, score in zip(patterns, scores, strict=True):
        by_best.setdefault(min(pattern), []).append(score)  # "A" < "B": the highest weight
        if len(pattern) == 1:
            once.setdefault(pattern[0], []).append(score)
    assert set(by_best) == set("ABCD") and set(once) == set("ABCD")
    assert min(by_best["A"]) > max(by_best["B"] + by_best["C"] + by_best["D"])
    assert min(by_best["B"]) > max(by_best["C"] + by_best["D"])
    # The parts with the word more than once (``_TIERS``): with B or C at best, found more than
    # once, above the same weight found once; and that once-only score is one value, above
    # every match with a lower weight at best.
    pairs = list(zip(patterns, scores, strict=True))
    repeated = {w: [s for p, s in pairs if min(p) == w and len(p) > 1] for w in "BC"}
    for weight, lower in (("B", "CD"), ("C", "D")):
        assert len(set(once[weight])) == 1
        below = once[weight] + [s for w in lower for s in by_best[w]]
        assert min(repeated[weight]) > max(below) == once[weight][0]


@pytest.fixture
def parts(monkeypatch) -> list[set[str]]:
    """Which part of the matches (``_TIERS``, or "every") gave each relevance page read."""
    from search.backends import database

    seen: list[set[str]] = []
    relevance_page = database._relevance_page

    def spy(*args):
        rows, total, groups = relevance_page(*args)
        seen.append({row["part"] for row in rows})
        return rows, total, groups

    monkeypatch.setattr(database, "_relevance_page", spy)
    return seen


@postgresql_only
def test_a_one_word_page_comes_from_the_best_weighted_matches(parts):
    """Three suppliers have the word in their name (weight A), four more in a capability (B;
    two of them in their summary too), five more only in their summary (C; four of them
    several times). Pages of two: the first from the names alone, the second adds the
    capabilities with the word more than once, the third every capability, the fourth and
    fifth add the summaries with it more than once, the sixth is every match. Each page is the
    page of every match ranked, with the same scores."""
    from django.contrib.postgres.search import SearchQuery as PgSearchQuery
    from django.contrib.postgres.search import SearchRank
    from django.db.models import F

    from search.models import SupplierEntry
    from suppliers.models import Capability

    heading = Capability.objects.create(name="Quillwort surveys", slug="quillwort-surveys")
    for n in range(3):
        SupplierProfileFactory(approved=True, legal_name=f"Quillwort Works {n}", summary="Maps.")
    for n in range(4):
        summary = f"Surveys, {n} rivers." if n < 2 else f"We map quillwort in {n} rivers."
        profile = SupplierProfileFactory(approved=True, summary=summary)
        profile.capabilities.set([heading])
        profile.save()
    for n in range(5):
        words = " ".join(["quillwort"] * (n + 1))
        SupplierProfileFactory(approved=True, summary=f"We count {words} in ponds.")

    query = PgSearchQuery("quillwort", search_type="plain", config="english")
    ranked = (
        SupplierEntry.objects.filter(vector=query)
        .annotate(score=SearchRank(F("vector"), query))
        .order_by("-score", "pk")
    )
    expected = [(pk, pytest.approx(score)) for pk, score in ranked.values_list("pk", "score")]
    assert len(expected) == 12
    pages = [run(text="quillwort", page_size=2, page=n) for n in range(1, 7)]
    found = [(hit.id, hit.score) for page in pages for hit in page.hits]
    assert found == expected
    assert {page.total for page in pages} == {12}
    assert parts == [{"a"}, {"a_b2"}, {"ab"}, {"ab_c2"}, {"ab_c2"}, {"every"}]

    # With the facets, counted in the same statement: the same pages from the same parts, and
    # the facets of counting apart (from the matches unranked, or from every match ranked).
    parts.clear()
    counted = run(text="quillwort", facets=SUPPLIER_FACETS, page_size=0)
    assert counted.total == 12 and sum(counted.facets["size_band"].values()) == 12
    with_facets = [
        run(text="quillwort", facets=SUPPLIER_FACETS, page_size=2, page=n) for n in range(1, 7)
    ]
    assert [(hit.id, hit.score) for page in with_facets for hit in page.hits] == expected
    assert {(page.total, repr(page.facets)) for page in with_facets} == {(12, repr(counted.facets))}
    assert parts == [{"a"}, {"a_b2"}, {"ab"}, {"ab_c2"}, {"ab_c2"}, {"every"}]


@postgresql_only
def test_a_tier_is_found_through_its_own_index_alone():
    """A tier's matches are those of its part of the vector: the statement does not also test
    the whole vector (PostgreSQL would read the word's whole list in that index too), and the
    SME filter still applies."""
    import re

    from django.test.utils import CaptureQueriesContext

    for n in range(2):
        SupplierProfileFactory(approved=True, legal_name=f"Quillwort Works {n}")
    SupplierProfileFactory(
        approved=True, legal_name="Quillwort Large", size_band="large", is_sme=False
    )
    with CaptureQueriesContext(connection) as queries:
        found = run(text="quillwort", filters={"sme": True}, page_size=1)
    assert found.total == 2 and len(found.hits) == 1
    statement = next(q["sql"] for q in queries.captured_queries if "AS MATERIALIZED" in q["sql"])
    ends = {"a": ", a_b2 AS", "a_b2": ", ab AS", "ab": ", ab_c2 AS", "ab_c2": " SELECT "}
    for name, end in ends.items():
        tier = re.search(rf" {name} AS MATERIALIZED \((.*?)\){end}", statement).group(1)
        part = "ts_filter" if name in ("a", "ab") else "search_words_above"
        assert part in tier and "is_sme" in tier
        assert '"search_supplierentry"."vector" @@' not in tier


@postgresql_only
def test_a_search_narrowed_by_a_place_or_a_filter_ranks_every_match(parts):
    """Near a place, or with a filter that keeps few entries (region, certification), every
    match is ranked: the parts would cost more than they save. With only SME status (most
    suppliers) the page still comes from the names. Each page is the page of every match."""

    for n in range(3):
        SupplierProfileFactory(approved=True, legal_name=f"Quillwort Works {n}")
    SupplierProfileFactory(approved=True, summary="We survey quillwort.")
    CertificationFactory(profile=SupplierProfileFactory(approved=True, summary="Quillwort."))
    searches = {
        "text alone": ({}, "a"),
        "SME": ({"filters": {"sme": True}}, "a"),
        "region": ({"filters": {"region": ("TLE",)}}, "every"),
        "certification": ({"filters": {"certification": ("cyber_essentials",)}}, "every"),
        "place": ({"near": GeoPoint(*LEEDS), "radius_miles": 10}, "every"),
    }
    for label, (narrowing, part) in searches.items():
        parts.clear()
        everything = run(text="quillwort", **narrowing, page_size=100)
        first = run(text="quillwort", **narrowing, page_size=2)
        assert parts[-1] == {part}, label
        assert first.total == everything.total, label
        assert [hit.id for hit in first.hits] == [hit.id for hit in everything.hits[:2]], label
    assert run(text="quillwort", filters={"certification": ("cyber_essentials",)}).total == 1


def _seqscan_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        return cursor.fetchone()[0]


@postgresql_only
def test_a_text_search_turns_sequential_scans_off_for_itself_only():
    """Inside a caller's transaction (as here): set, then set back."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ran:
        run(text="sensors")
    statements = [query["sql"] for query in ran.captured_queries]
    assert statements[0] == "SET enable_seqscan = off"
    assert statements.count("RESET enable_seqscan") == 1
    assert _seqscan_setting() == "on"


def test_a_search_by_distance_reads_its_page_from_a_smaller_circle(
    world, monkeypatch, django_assert_num_queries
):
    """The total, then the page from a circle expected to hold a few times the rows up to the
    page's end (no text, so no highlights). Where that circle holds too few, every match is
    sorted instead. Either way, pages in order are the oracle's order."""
    from search.backends import database

    answers = []
    nearest_page = database._nearest_page

    def spy(*args):
        answers.append(nearest_page(*args))
        return answers[-1]

    monkeypatch.setattr(database, "_nearest_page", spy)
    near = {"near": GeoPoint(*LEEDS), "radius_miles": 100, "sort": "distance"}
    everyone = oracle(SearchQuery(index="suppliers", **near)).ids
    assert len(everyone) > 8
    with django_assert_num_queries(2):
        first = run(**near, page_size=2)
    assert first.total == len(everyone)
    assert len(answers) == 1 and answers[0] is not None  # the page came from the small circle
    pages = [first] + [run(**near, page_size=2, page=n) for n in range(2, 30)]
    found = [hit for page in pages for hit in page.hits]
    assert [hit.id for hit in found] == everyone
    distances = [hit.distance_miles for hit in found]
    assert distances == sorted(distances)
    # The last pages need more of the circle than a smaller one could hold: every match sorted.
    assert None in answers
    beyond = run(**near, page_size=2, page=100)
    assert (beyond.hits, beyond.total) == ([], len(everyone))


def test_the_edge_of_the_circle_is_decided_by_the_exact_distance(world):
    """A supplier exactly on the circle is in it; a hair's breadth less and it is out. The dot
    product of unit vectors cannot tell these apart: the distance itself decides near the
    edge, as the oracle does (checked to fail with no margin around the edge)."""
    import math

    from marketplace.core.geo import haversine_miles
    from search.models import SupplierEntry

    located = SupplierEntry.objects.exclude(latitude=None).order_by("pk")
    points = list(located.values_list("pk", "latitude", "longitude")[:12])
    assert len(points) == 12
    for pk, lat, lon in points:
        radius = haversine_miles(*LEEDS, lat, lon)
        if radius < 0.05 or radius > 900:
            continue
        for miles, inside in ((radius, True), (math.nextafter(radius, 0), False)):
            query = {"near": GeoPoint(*LEEDS), "radius_miles": miles, "page_size": 100}
            found = set(run(**query, sort="distance").ids)
            assert (pk in found) is inside, (pk, miles)
            assert len(found) == oracle(SearchQuery(index="suppliers", **query)).total


def test_with_the_cache_off_every_search_counts(world, settings, django_assert_num_queries):
    settings.SEARCH_COUNTS_CACHE_SECONDS = 0
    run(filters={"sme": True})
    with django_assert_num_queries(2):
        run(filters={"sme": True})


def test_paging_visits_every_match_once_in_a_stable_order(world):
    everyone = oracle(SearchQuery(index="suppliers", sort="rating")).ids
    seen = []
    page = 1
    while True:
        result = run(sort="rating", page=page, page_size=7)
        if not result.hits:
            break
        seen += result.ids
        page += 1
    assert seen == everyone


def test_pages_beyond_the_end_or_the_window_are_empty_but_counted(world):
    total = oracle(SearchQuery(index="suppliers")).total
    beyond = run(page=100)
    assert beyond.hits == [] and beyond.total == total
    deep = run(page=MAX_RESULT_WINDOW // 20 + 1, page_size=20)
    assert deep.hits == [] and deep.total == total


def test_suppliers_that_are_not_approved_are_never_found(world):
    hidden = {p.pk for p in world.hidden}
    for query in (
        {"text": "hidden"},
        {"text": "sensor"},
        {"near": GeoPoint(*LEEDS), "radius_miles": 1},
        {"filters": {"capability": ("connectivity-and-lorawan",)}},
        {"page_size": 100},
    ):
        assert not hidden & set(run(**query).ids)


def test_certificates_are_in_date_on_the_day_of_the_search(monkeypatch):
    today = timezone.localdate()
    query = {"filters": {"certification": ("iso_14001",)}, "facets": ("certification",)}
    before = run(**query)
    expiring = SupplierProfileFactory(approved=True)
    CertificationFactory(profile=expiring, scheme="iso_14001", expires_on=today)
    lapsed = SupplierProfileFactory(approved=True)
    CertificationFactory(
        profile=lapsed, scheme="iso_14001", expires_on=today - dt.timedelta(days=1)
    )
    result = run(**query)
    assert expiring.pk in result.ids
    assert lapsed.pk not in result.ids
    assert result.total == before.total + 1
    counted = result.facets["certification"].get("iso_14001", 0)
    assert counted == before.facets["certification"].get("iso_14001", 0) + 1

    # Tomorrow, with nothing reindexed, the certificate that expired today no longer counts.
    monkeypatch.setattr(timezone, "localdate", lambda *a: today + dt.timedelta(days=1))
    result = run(**query)
    assert expiring.pk not in result.ids
    assert result.facets["certification"].get("iso_14001", 0) < counted


def test_a_lapsed_certificate_is_not_counted_beside_one_in_date(monkeypatch):
    # Facet counts test the entry's integers first and read its certificates only once one of
    # them has lapsed: a supplier holding one certificate in date and one lapsed counts for
    # the first only, and for neither once the first lapses too.
    today = timezone.localdate()

    def counts(days_on: int) -> tuple[int, int]:
        monkeypatch.setattr(timezone, "localdate", lambda *a: today + dt.timedelta(days=days_on))
        found = run(facets=("certification",)).facets["certification"]
        return found.get("iso_14001", 0), found.get("cyber_essentials_plus", 0)

    before = {days_on: counts(days_on) for days_on in (0, 1, 2)}
    mixed = SupplierProfileFactory(approved=True)
    CertificationFactory(profile=mixed, scheme="iso_14001", expires_on=today)
    CertificationFactory(
        profile=mixed, scheme="cyber_essentials_plus", expires_on=today - dt.timedelta(days=1)
    )
    fresh = SupplierProfileFactory(approved=True)
    CertificationFactory(
        profile=fresh, scheme="cyber_essentials_plus", expires_on=today + dt.timedelta(days=1)
    )
    added = {
        0: (1, 1),  # mixed: ISO 14001 only; fresh: Cyber Essentials Plus
        1: (0, 1),  # mixed's ISO 14001 lapsed at midnight
        2: (0, 0),  # and fresh's certificate the night after
    }
    for days_on, (iso, plus) in added.items():
        was_iso, was_plus = before[days_on]
        assert counts(days_on) == (was_iso + iso, was_plus + plus), f"{days_on} days on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"capability": ("data-and-ai",)}, "search_supplier_capabilities"),
        ({"certification": ("cyber_essentials", "iso_27001")}, "search_supplier_certificates"),
    ],
)
def test_capability_and_certificate_filters_can_use_their_gin_index(filters, index):
    # Guards the shape of the filter: written another way (a key's value first, say), it would
    # read every entry at 100,000 suppliers. Sequential scans are switched off so the tiny test
    # table does not make the planner skip the index.
    from search.backends.database import SUPPLIERS
    from search.models import SupplierEntry

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = SUPPLIERS.apply_filters(SupplierEntry.objects.all(), filters).explain()
    assert index in plan


def test_highlights_escape_everything_but_the_marks():
    SupplierProfileFactory(approved=True, summary='<script>alert("x")</script> Gritting & salt.')
    hit = run(text="gritting").hits[0]
    assert hit.highlight == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Gritting</mark> &amp; salt."
    )


def test_long_summaries_are_cut_around_the_first_match():
    SupplierProfileFactory(approved=True, summary=("Words " * 100) + "gritting " + "more " * 100)
    highlight = run(text="gritting").hits[0].highlight
    assert "<mark>gritting</mark>" in highlight
    assert highlight.startswith("… ") and highlight.endswith(" …")
    assert len(highlight) < 300


def test_bad_text_never_fails():
    SupplierProfileFactory(approved=True, summary="Plain words.")
    for text in ['"', "-", "*", "(", ")", "!", "&|:", "'", "\\", "%_", "x" * 2000, "🙂 plain"]:
        run(text=text, facets=SUPPLIER_FACETS)


def test_percent_and_underscore_are_not_wildcards():
    SupplierProfileFactory(approved=True, summary="Anything at all.")
    assert run(text="%").ids == run().ids  # no words: no text filter
    assert run(text="a_ll").ids == []


def test_an_unknown_index_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown search index"):
        DatabaseBackend().search(SearchQuery(index="nonsense"))  # type: ignore[arg-type]


def test_run_uses_the_database_backend_by_default(world, settings):
    settings.SEARCH_BACKEND = "database"
    result = search.run(SearchQuery(index="suppliers", text="Cardiff digital"))
    assert result.ids == [world.sid("cardiff")]
    assert result.degraded == ""


def test_run_falls_back_to_the_database_when_elasticsearch_is_unreachable(world, settings, caplog):
    pytest.importorskip("search.backends.elasticsearch")
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.ELASTICSEARCH_TIMEOUT = 1
    result = search.run(SearchQuery(index="suppliers", text="Cardiff digital"))
    assert result.ids == [world.sid("cardiff")]
    assert result.degraded
    assert "falling back to the database" in caplog.text
    state = backends.status()
    assert state["backend"] == "elasticsearch"
    assert state["degraded"] and state["since"] is not None
