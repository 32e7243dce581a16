"""What the Elasticsearch backend sends, without an Elasticsearch server.

No cluster can run on the machines that build this project, so the real ``elasticsearch`` client
(the code under test, transport and all) talks to a small HTTP server in a thread that records
each request and answers with canned JSON shaped like the Elasticsearch reference's examples.
The tests assert the request bodies (mappings, queries, aggregations, bulk lines, the alias swap)
against the shapes in that reference, and that the backend reads hits, sort values and
aggregations back into a ``SearchResult``. ``test_es_live.py`` runs the same backend against a
real cluster when ``ELASTICSEARCH_URL`` is set.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from search import es_documents, text
from search.backends.elasticsearch import (
    ElasticsearchBackend,
    build_search,
    parse_response,
    rebuild_index,
)
from search.backends.errors import SearchUnavailable
from search.query import MAX_RESULT_WINDOW, GeoPoint, SearchQuery

# --- A recording stand-in for the Elasticsearch HTTP API ---------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    headers: dict
    body: object  # parsed JSON, a list of parsed NDJSON lines, or None

    def lines(self) -> list:
        return self.body if isinstance(self.body, list) else []


def _error(status: int, kind: str, reason: str) -> dict:
    return {
        "error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason},
        "status": status,
    }


class FakeElasticsearch:
    """Routes are ``(method, path regex) -> (status, body or callable(Recorded))``; the last
    route added wins, so a test overrides a default by adding its own."""

    def __init__(self):
        self.requests: list[Recorded] = []
        self.routes: list[tuple[str, re.Pattern, object]] = []
        self.aliases: dict[str, list[str]] = {}
        self.concrete: set[str] = set()
        # A canned answer, or None to answer from the documents indexed (see ``evaluate``).
        self.search_response = empty_search_response()
        self.documents: dict[str, dict[str, dict]] = {}
        self._defaults()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                url = urlsplit(self.path)
                recorded = Recorded(
                    method=self.command,
                    path=url.path,
                    params={k: v[0] for k, v in parse_qs(url.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=_parse_body(raw, self.headers.get("Content-Type", "")),
                )
                fake.requests.append(recorded)
                status, body = fake.answer(recorded)
                payload = b"" if self.command == "HEAD" else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header(
                    "Content-Type", "application/vnd.elasticsearch+json;compatible-with=9"
                )
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def on(self, method: str, pattern: str, response, status: int = 200) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), (status, response)))

    def answer(self, request: Recorded) -> tuple[int, object]:
        for method, pattern, (status, response) in reversed(self.routes):
            if method == request.method and pattern.match(request.path):
                if callable(response):
                    return response(request)
                return status, response
        return 404, _error(404, "index_not_found_exception", f"no such index [{request.path}]")

    def find(self, method: str, pattern: str) -> list[Recorded]:
        regex = re.compile(f"^{pattern}$")
        return [r for r in self.requests if r.method == method and regex.match(r.path)]

    def one(self, method: str, pattern: str) -> Recorded:
        found = self.find(method, pattern)
        assert len(found) == 1, [(r.method, r.path) for r in self.requests]
        return found[0]

    # Default answers, shaped as in the Elasticsearch API reference.
    def _defaults(self) -> None:
        self.on("PUT", r"/_bulk", self._bulk)  # the client sends bulk requests with PUT
        self.on("PUT", r"/[^/_][^/]*", self._create_index)
        self.on("PUT", r"/[^/]+/_settings", {"acknowledged": True})
        self.on("POST", r"/[^/]+/_refresh", {"_shards": {"total": 1, "successful": 1, "failed": 0}})
        self.on("GET", r"/_alias/[^/]+", self._get_alias)
        self.on("HEAD", r"/[^/_][^/]*", self._exists)
        self.on("POST", r"/_aliases", self._update_aliases)
        self.on("DELETE", r"/[^/_][^/]*", {"acknowledged": True})
        self.on("POST", r"/[^/]+/_search", self._search)

    def _resolve(self, name: str) -> list[str]:
        return self.aliases.get(name) or [name]

    def _update_aliases(self, request):
        for action in request.body["actions"]:
            kind, spec = next(iter(action.items()))
            if kind == "add":
                self.aliases.setdefault(spec["alias"], []).append(spec["index"])
            elif kind == "remove":
                self.aliases[spec["alias"]].remove(spec["index"])
            elif kind == "remove_index":
                self.concrete.discard(spec["index"])
        return 200, {"acknowledged": True}

    def _search(self, request):
        if self.search_response is not None:
            return 200, self.search_response
        name = request.path.strip("/").split("/")[0]
        sources = [
            doc for index in self._resolve(name) for doc in self.documents.get(index, {}).values()
        ]
        return 200, evaluate(request.body, sources)

    def _create_index(self, request):
        name = request.path.strip("/")
        self.concrete.add(name)
        return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def _get_alias(self, request):
        alias = request.path.rsplit("/", 1)[1]
        indexes = self.aliases.get(alias)
        if not indexes:
            return 404, {"error": f"alias [{alias}] missing", "status": 404}
        return 200, {name: {"aliases": {alias: {}}} for name in indexes}

    def _exists(self, request):
        name = request.path.strip("/")
        return (200 if name in self.concrete or name in self.aliases else 404), None

    def _bulk(self, request):
        items = []
        lines = request.lines()
        i = 0
        while i < len(lines):
            operation, meta = next(iter(lines[i].items()))
            stored = self.documents.setdefault(self._resolve(meta["_index"])[0], {})
            if operation == "delete":
                stored.pop(str(meta["_id"]), None)
            else:
                stored[str(meta["_id"])] = lines[i + 1]
            i += 1 if operation == "delete" else 2
            status = 200 if operation == "delete" else 201
            result = "deleted" if operation == "delete" else "created"
            items.append(
                {
                    operation: {
                        "_index": meta["_index"],
                        "_id": meta["_id"],
                        "status": status,
                        "result": result,
                    }
                }
            )
        return 200, {"took": 3, "errors": False, "items": items}


def _parse_body(raw: bytes, content_type: str):
    if not raw:
        return None
    if "ndjson" in content_type:
        return [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
    return json.loads(raw)


def empty_search_response(hits=(), total=0, aggregations=None) -> dict:
    body = {
        "took": 2,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": total, "relation": "eq"},
            "max_score": None,
            "hits": list(hits),
        },
    }
    if aggregations is not None:
        body["aggregations"] = aggregations
    return body


# --- The query DSL subset the backend sends, evaluated as the Elasticsearch reference defines it --
#
# So the fake can also answer from the documents bulk-indexed into it, and the conformance table
# can run through the whole backend (request building, HTTP, parsing) against the oracle. Text
# matching uses ``search.text.lexemes`` in place of the index's analyser (the live tests check
# that the two make the same words).


def _values(source: dict, field: str) -> list:
    value = source.get(field)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _when(value):
    if isinstance(value, str) and "T" not in value:
        return dt.date.fromisoformat(value)
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def _compare(value, bounds: dict) -> bool:
    value = _when(value)
    for op, bound in bounds.items():
        bound = _when(bound)
        if isinstance(value, dt.datetime) and not isinstance(bound, dt.datetime):
            value = value.date()
        if isinstance(bound, dt.datetime) and not isinstance(value, dt.datetime):
            bound = bound.date()
        if not {
            "gte": value >= bound,
            "gt": value > bound,
            "lte": value <= bound,
            "lt": value < bound,
        }[op]:
            return False
    return True


def _miles(spec: str) -> float:
    assert spec.endswith("mi"), spec
    return float(spec[:-2])


def _distance_to(source: dict, point: dict) -> float | None:
    from marketplace.core.geo import haversine_miles

    location = source.get("location")
    if not location:
        return None
    return haversine_miles(point["lat"], point["lon"], location["lat"], location["lon"])


def matches(query: dict, source: dict) -> bool:  # noqa: C901 - one branch per query type
    (kind, spec), *rest = query.items()
    assert not rest, query
    if kind == "match_all":
        return True
    if kind == "bool":
        required = spec.get("filter", []) + spec.get("must", [])
        if not all(matches(q, source) for q in required):
            return False
        should = spec.get("should", [])
        at_least = spec.get("minimum_should_match", 0 if required else 1) if should else 0
        return sum(matches(q, source) for q in should) >= at_least
    (field, value), *rest = spec.items()
    if kind == "term":
        return value in _values(source, field)
    if kind == "terms":
        return bool(set(map(str, value)) & set(map(str, _values(source, field))))
    if kind == "range":
        return any(_compare(v, value) for v in _values(source, field))
    if kind == "nested":
        path = spec["path"]
        return any(
            matches(spec["query"], {f"{path}.{k}": v for k, v in item.items()})
            for item in source.get(path) or []
        )
    if kind == "geo_distance":
        distance = _distance_to(source, spec["location"])
        return distance is not None and distance <= _miles(spec["distance"])
    if kind == "simple_query_string":
        assert spec["default_operator"] == "and"
        fields = [f.split("^")[0] for f in spec["fields"]]
        found = {
            lexeme
            for f in fields
            for value in _values(source, f)
            for lexeme in text.lexemes(" ".join(value) if isinstance(value, list) else value)
        }
        return all(set(text.lexemes(word)) <= found for word in spec["query"].split())
    raise AssertionError(f"query type the backend does not send: {kind}")


def _sort_values(sort: list, source: dict) -> list:
    values = []
    for key in sort:
        (field, spec), *_ = key.items()
        if field == "_score":
            values.append(1.0)
        elif field == "_geo_distance":
            distance = _distance_to(source, spec["location"])
            values.append(float("inf") if distance is None else distance)
        else:
            value = source.get(field)
            values.append(
                _when(value) if isinstance(value, str) and field != "sort_name" else value
            )
    return values


def _sort_key(sort: list, values: list):
    key = []
    for spec_item, value in zip(sort, values, strict=True):
        (_field, spec), *_ = spec_item.items()
        descending = spec.get("order") == "desc"
        missing = value is None
        if isinstance(value, dt.datetime):
            value = value.timestamp()
        elif isinstance(value, dt.date):
            value = value.toordinal()
        elif isinstance(value, bool):
            value = int(value)
        if descending and not missing and not isinstance(value, str):
            value = -value
        key.append((missing, value if not missing else 0))
    return key


def _aggregate(aggs: dict, sources: list[dict]) -> dict:
    out = {}
    for name, spec in aggs.items():
        if "terms" in spec:
            counts: dict = {}
            for source in sources:
                for value in set(map(json.dumps, _values(source, spec["terms"]["field"]))):
                    counts[value] = counts.get(value, 0) + 1
            buckets = []
            for value, n in counts.items():
                key = json.loads(value)
                bucket = {"key": int(key) if isinstance(key, bool) else key, "doc_count": n}
                if isinstance(key, bool):
                    bucket["key_as_string"] = json.dumps(key)
                buckets.append(bucket)
            out[name] = {"buckets": buckets}
        elif "nested" in spec:
            # nested -> filter -> terms -> reverse_nested: parents with a matching child.
            (inner_name, inner), *_ = spec["aggs"].items()
            (terms_name, terms), *_ = inner["aggs"].items()
            path = spec["nested"]["path"]
            field = terms["terms"]["field"]
            parents: dict = {}
            for number, source in enumerate(sources):
                for item in source.get(path) or []:
                    flat = {f"{path}.{k}": v for k, v in item.items()}
                    if matches(inner["filter"], flat):
                        parents.setdefault(flat[field], set()).add(number)
            buckets = [
                {"key": key, "doc_count": len(ids), "suppliers": {"doc_count": len(ids)}}
                for key, ids in parents.items()
            ]
            out[name] = {inner_name: {terms_name: {"buckets": buckets}}}
    return out


def evaluate(body: dict, sources: list[dict]) -> dict:
    query = body.get("query", {"match_all": {}})
    # Newest first, as a shard might return them: only the sort decides the order.
    found = [source for source in reversed(sources) if matches(query, source)]
    sort = body["sort"]
    ranked = sorted(
        ((_sort_values(sort, source), source) for source in found),
        key=lambda pair: _sort_key(sort, pair[0]),
    )
    start, size = body.get("from", 0), body.get("size", 10)
    hits = [
        {"_id": str(source["id"]), "_score": 1.0, "sort": [_json_value(v) for v in values]}
        for values, source in ranked[start : start + size]
    ]
    return empty_search_response(
        hits=hits, total=len(found), aggregations=_aggregate(body.get("aggs", {}), found)
    )


def _json_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


@pytest.fixture
def fake_es(settings):
    fake = FakeElasticsearch()
    fake.thread.start()
    settings.ELASTICSEARCH_URL = fake.url
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_INDEX_PREFIX = "marketplace"
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def _search_body(fake: FakeElasticsearch, index: str = "suppliers") -> dict:
    return fake.one("POST", rf"/marketplace-{index}/_search").body


def _run(fake: FakeElasticsearch, **kwargs):
    kwargs.setdefault("index", "suppliers")
    result = ElasticsearchBackend().run(SearchQuery(**kwargs))
    return result, _search_body(fake, kwargs["index"])


def _text_clause(body: dict) -> dict:
    """The simple_query_string, alone or as the ``must`` of a bool with filters."""
    query = body["query"]
    if "bool" in query:
        (query,) = query["bool"]["must"]
    return query["simple_query_string"]


LEEDS = GeoPoint(latitude=53.7965, longitude=-1.5478, label="LS1 4AP")


# --- Mappings ----------------------------------------------------------------------------------


def test_mappings_use_the_english_analyser_keyword_filters_and_a_geo_point():
    body = es_documents.index_definition("suppliers", "marketplace-suppliers-1").to_dict()
    analysis = body["settings"]["analysis"]
    analyser = analysis["analyzer"]["marketplace_english"]
    assert analyser["type"] == "custom"
    assert analyser["tokenizer"] == "marketplace_words"
    assert analysis["tokenizer"]["marketplace_words"] == {
        "type": "pattern",
        "pattern": r"[^\p{L}\p{N}]+",
    }
    # Same stop words and stemmer as PostgreSQL's "english" configuration.
    filters = [analysis["filter"].get(name, name) for name in analyser["filter"]]
    assert filters[0] == "lowercase"
    assert filters[1]["type"] == "stop"
    assert set(filters[1]["stopwords"]) == set(text.STOP_WORDS)
    assert filters[2] == {"type": "stemmer", "language": "porter2"}

    mapping = body["mappings"]
    assert mapping["dynamic"] == "strict"
    properties = mapping["properties"]
    for field in ("name", "capability_names", "summary", "other_text"):
        assert properties[field] == {"type": "text", "analyzer": "marketplace_english"}
    for field in ("size_band", "region", "capability_slugs", "capability_top", "remote_regions"):
        assert properties[field] == {"type": "keyword"}, field
    assert properties["sort_name"] == {"type": "keyword"}
    assert properties["location"] == {"type": "geo_point"}
    assert properties["is_sme"] == {"type": "boolean"}
    assert properties["rating_average"] == {"type": "float"}
    assert properties["certifications"] == {
        "type": "nested",
        "properties": {
            "scheme": {"type": "keyword"},
            "expires_on": {"type": "date", "format": "strict_date"},
        },
    }
    assert body["settings"]["number_of_shards"] == 1
    assert body["settings"]["refresh_interval"] == "-1"
    assert body["settings"]["max_result_window"] == MAX_RESULT_WINDOW


def test_challenge_mapping_has_filter_sort_and_date_fields():
    properties = es_documents.index_definition("challenges", "x").to_dict()["mappings"][
        "properties"
    ]
    for field in ("status", "procedure", "mode", "region", "capability_slugs", "sort_name"):
        assert properties[field] == {"type": "keyword"}, field
    assert properties["buyer_ids"] == {"type": "long"}
    assert properties["budget_pence"] == {"type": "long"}
    assert properties["closes_at"] == {"type": "date"}
    assert properties["published_at"] == {"type": "date"}
    assert properties["uk_wide"] == {"type": "boolean"}
    assert properties["location"] == {"type": "geo_point"}


def test_document_keeps_only_mapped_fields_with_iso_dates():
    doc = {
        "id": 7,
        "slug": "acme",  # not mapped: pages read it from the database
        "name": "Acme Sensors Ltd",
        "location": {"lat": 53.8, "lon": -1.55},
        "certifications": [{"scheme": "cyber_essentials", "expires_on": dt.date(2027, 3, 1)}],
        "rating_average": None,
    }
    action = es_documents.to_es_document("suppliers", doc).to_dict(include_meta=True)
    assert action["_id"] == 7
    assert action["_source"] == {
        "id": 7,
        "name": "Acme Sensors Ltd",
        "location": {"lat": 53.8, "lon": -1.55},
        "certifications": [{"scheme": "cyber_essentials", "expires_on": "2027-03-01"}],
    }
    closes = dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.UTC)
    challenge = es_documents.to_es_document("challenges", {"id": 3, "closes_at": closes})
    assert challenge.to_dict()["closes_at"] == "2027-01-05T12:00:00+00:00"


def test_alias_and_versioned_index_names(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = "mk"
    assert es_documents.index_alias("suppliers") == "mk-suppliers"
    now = dt.datetime(2026, 12, 1, 17, 5, 9, 123456, tzinfo=dt.UTC)
    assert es_documents.versioned_index_name("challenges", now) == (
        "mk-challenges-20261201170509123456"
    )
    with pytest.raises(ValueError):
        es_documents.index_alias("people")


# --- Queries -----------------------------------------------------------------------------------


def test_text_is_plain_words_all_required_with_weighted_fields(fake_es):
    _result, body = _run(fake_es, text='Cardiff "digital" -sensors (the) * data* AND')
    query = _text_clause(body)
    # Syntax characters are plain text: only letters and digits reach Elasticsearch, stop words
    # are left out (as PostgreSQL leaves them out), and every word must match.
    assert query["query"] == "cardiff digital sensors data"
    assert query["default_operator"] == "and"
    assert query["flags"] == "WHITESPACE"
    assert query["fields"] == ["name^10", "capability_names^4", "summary^2", "other_text"]
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert body["highlight"]["encoder"] == "html"
    assert set(body["highlight"]["fields"]) == {"summary"}
    assert body["track_total_hits"] is True
    assert body["_source"] is False


def test_long_query_keeps_the_same_words_as_the_database_backend(fake_es):
    words = " ".join(f"word{n}" for n in range(100))
    _result, body = _run(fake_es, text=words)
    sent = _text_clause(body)["query"].split()
    assert len(sent) == text.MAX_QUERY_WORDS
    assert [text.stem(w) for w in sent] == text.query_lexemes(words)


def test_only_stop_words_or_symbols_means_no_text_query(fake_es):
    _result, body = _run(fake_es, text='the "" -( *')
    assert "query" not in body or "must" not in body["query"].get("bool", {})
    assert "highlight" not in body


def test_supplier_filters_go_in_bool_filter(fake_es):
    today = timezone.localdate().isoformat()
    _result, body = _run(
        fake_es,
        filters={
            "sme": True,
            "size_band": ("micro", "small"),
            "vcse": False,
            "region": ("TLE", "TLD"),
            "capability": ("data", "data-ai"),
            "certification": ("cyber_essentials", "iso_27001"),
            "min_rating": 4.0,
            "new_to_public_sector": True,
        },
    )
    assert "must" not in body["query"]["bool"]
    assert body["query"]["bool"]["filter"] == [
        {"term": {"is_sme": True}},
        {"term": {"is_vcse": False}},
        {"term": {"new_to_public_sector": True}},
        {"terms": {"size_band": ["micro", "small"]}},
        {"terms": {"region": ["TLE", "TLD"]}},
        {"terms": {"capability_slugs": ["data", "data-ai"]}},
        {
            "nested": {
                "path": "certifications",
                "query": {
                    "bool": {
                        "filter": [
                            {"terms": {"certifications.scheme": ["cyber_essentials", "iso_27001"]}},
                            {"range": {"certifications.expires_on": {"gte": today}}},
                        ]
                    }
                },
            }
        },
        {"range": {"rating_average": {"gte": 4.0}}},
    ]


def test_geo_radius_filters_and_sorts_by_distance_in_miles(fake_es):
    fake_es.search_response = empty_search_response(
        hits=[
            {"_index": "marketplace-suppliers-1", "_id": "12", "_score": None, "sort": [1.25, 12]},
            {"_index": "marketplace-suppliers-1", "_id": "4", "_score": None, "sort": [7.5, 4]},
        ],
        total=2,
    )
    result, body = _run(fake_es, near=LEEDS, radius_miles=25, sort="distance")
    assert body["query"]["bool"]["filter"] == [
        {
            "geo_distance": {
                "distance": "25mi",
                "location": {"lat": 53.7965, "lon": -1.5478},
            }
        }
    ]
    assert body["sort"] == [
        {
            "_geo_distance": {
                "location": {"lat": 53.7965, "lon": -1.5478},
                "order": "asc",
                "unit": "mi",
                "distance_type": "arc",
                "mode": "min",
                "ignore_unmapped": True,
            }
        },
        {"id": {"order": "asc"}},
    ]
    assert result.ids == [12, 4]
    assert [hit.distance_miles for hit in result.hits] == [1.25, 7.5]
    assert result.total == 2


def test_distance_comes_back_when_sorting_by_something_else(fake_es):
    fake_es.search_response = empty_search_response(
        hits=[{"_id": "9", "_score": None, "sort": ["acme", 9, 3.2]}], total=1
    )
    result, body = _run(fake_es, near=LEEDS, radius_miles=10, sort="name")
    # The unique id decides every tie before the distance is reached: the distance key only
    # puts each hit's distance in its sort values.
    assert body["sort"][0] == {"sort_name": {"order": "asc"}}
    assert body["sort"][1] == {"id": {"order": "asc"}}
    assert "_geo_distance" in body["sort"][2]
    assert result.hits[0].distance_miles == 3.2


def test_remote_delivery_in_the_points_region_is_included_by_flag(fake_es):
    point = GeoPoint(latitude=53.7965, longitude=-1.5478, label="Leeds", region="TLE")
    _result, body = _run(fake_es, near=point, radius_miles=5, include_remote=True)
    (clause,) = body["query"]["bool"]["filter"]
    assert clause["bool"]["minimum_should_match"] == 1
    within, remote = clause["bool"]["should"]
    assert "geo_distance" in within
    assert remote == {"term": {"remote_regions": "TLE"}}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", [{"sort_name": {"order": "asc"}}]),
        (
            "rating",
            [
                {"rating_average": {"order": "desc", "missing": "_last"}},
                {"rating_count": {"order": "desc"}},
            ],
        ),
    ],
)
def test_supplier_sorts_end_with_the_id_tie_break(fake_es, sort, expected):
    _result, body = _run(fake_es, sort=sort)
    assert body["sort"] == [*expected, {"id": {"order": "asc"}}]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("closing", [{"closes_at": {"order": "asc", "missing": "_last"}}]),
        ("newest", [{"published_at": {"order": "desc", "missing": "_last"}}]),
        ("budget", [{"budget_pence": {"order": "desc"}}]),
    ],
)
def test_challenge_sorts_end_with_the_id_tie_break(fake_es, sort, expected):
    _result, body = _run(fake_es, index="challenges", sort=sort)
    assert body["sort"] == [*expected, {"id": {"order": "asc"}}]


def test_challenge_filters(fake_es):
    _result, body = _run(
        fake_es,
        index="challenges",
        filters={
            "status": ("open",),
            "buyer": (5, 8),
            "capability": ("transport",),
            "region": ("TLD",),
            "budget_min": 1_000_000,
            "budget_max": 5_000_000,
            "closing_before": dt.date(2027, 2, 1),
            "procedure": ("sbri",),
            "mode": ("competition",),
            "ids": (42,),
        },
    )
    filters = body["query"]["bool"]["filter"]
    assert {"terms": {"status": ["open"]}} in filters
    assert {"terms": {"id": [42]}} in filters  # a search alert asking about one challenge
    assert {"terms": {"buyer_ids": [5, 8]}} in filters
    assert {"terms": {"capability_slugs": ["transport"]}} in filters
    assert {"terms": {"procedure": ["sbri"]}} in filters
    assert {"terms": {"mode": ["competition"]}} in filters
    assert {"range": {"budget_pence": {"gte": 1_000_000, "lte": 5_000_000}}} in filters
    # UK-wide challenges are in every region.
    assert {
        "bool": {
            "should": [{"terms": {"region": ["TLD"]}}, {"term": {"uk_wide": True}}],
            "minimum_should_match": 1,
        }
    } in filters
    # Closing on or before the day, in Europe/London: before the next midnight there.
    assert {"range": {"closes_at": {"lt": "2027-02-02T00:00:00+00:00"}}} in filters


def test_paging_and_the_result_window_cap(fake_es):
    _result, body = _run(fake_es, page=3, page_size=50)
    assert (body["from"], body["size"]) == (100, 50)
    fake_es.requests.clear()
    result, body = _run(fake_es, page=MAX_RESULT_WINDOW // 20 + 5, page_size=20)
    # Past Elasticsearch's window nothing is fetched, but the total and facets still come back.
    assert body["from"] == MAX_RESULT_WINDOW
    assert body["size"] == 0
    assert result.ids == []
    # A page size of 0 asks for the counts only (the pages' facet counts without a filter).
    fake_es.requests.clear()
    result, body = _run(fake_es, page_size=0)
    assert (body["from"], body["size"]) == (0, 0)
    assert result.ids == []


def test_facets_are_terms_aggregations_and_certifications_count_suppliers(fake_es):
    today = timezone.localdate().isoformat()
    fake_es.search_response = empty_search_response(
        total=3,
        aggregations={
            "size_band": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 0,
                "buckets": [{"key": "small", "doc_count": 2}, {"key": "micro", "doc_count": 1}],
            },
            "vcse": {
                "buckets": [
                    {"key": 0, "key_as_string": "false", "doc_count": 2},
                    {"key": 1, "key_as_string": "true", "doc_count": 1},
                ]
            },
            "certification": {
                "doc_count": 5,
                "in_date": {
                    "doc_count": 4,
                    "schemes": {
                        "buckets": [
                            {
                                "key": "cyber_essentials",
                                "doc_count": 3,
                                "suppliers": {"doc_count": 2},
                            }
                        ]
                    },
                },
            },
            "capability": {"buckets": [{"key": "data", "doc_count": 3}]},
            "region": {"buckets": [{"key": "TLE", "doc_count": 3}]},
        },
    )
    result, body = _run(
        fake_es, facets=("size_band", "region", "capability", "certification", "vcse")
    )
    aggs = body["aggs"]
    assert aggs["size_band"] == {"terms": {"field": "size_band", "size": 100}}
    assert aggs["region"] == {"terms": {"field": "region", "size": 100}}
    assert aggs["capability"] == {"terms": {"field": "capability_top", "size": 100}}
    assert aggs["vcse"] == {"terms": {"field": "is_vcse", "size": 100}}
    assert aggs["certification"] == {
        "nested": {"path": "certifications"},
        "aggs": {
            "in_date": {
                "filter": {
                    "bool": {"filter": [{"range": {"certifications.expires_on": {"gte": today}}}]}
                },
                "aggs": {
                    "schemes": {
                        "terms": {"field": "certifications.scheme", "size": 100},
                        "aggs": {"suppliers": {"reverse_nested": {}}},
                    }
                },
            }
        },
    }
    assert result.facets == {
        "size_band": {"small": 2, "micro": 1},
        "vcse": {"false": 2, "true": 1},
        "certification": {"cyber_essentials": 2},
        "capability": {"data": 3},
        "region": {"TLE": 3},
    }


def test_challenge_facets(fake_es):
    _result, body = _run(
        fake_es, index="challenges", facets=("status", "procedure", "capability", "region")
    )
    assert body["aggs"] == {
        "status": {"terms": {"field": "status", "size": 100}},
        "procedure": {"terms": {"field": "procedure", "size": 100}},
        "capability": {"terms": {"field": "capability_top", "size": 100}},
        "region": {"terms": {"field": "region", "size": 100}},
    }


def test_highlight_is_read_from_the_first_field_that_has_one():
    query = SearchQuery(index="suppliers", text="sensor")
    body = empty_search_response(
        hits=[
            {
                "_id": "3",
                "_score": 2.5,
                "sort": [2.5, 3],
                "highlight": {"summary": ["Air quality <mark>sensors</mark> &amp; more"]},
            },
            {"_id": "5", "_score": 1.0, "sort": [1.0, 5]},
        ],
        total=2,
    )
    result = parse_response(query, body)
    assert result.ids == [3, 5]
    assert result.hits[0].score == 2.5
    assert result.hits[0].highlight == "Air quality <mark>sensors</mark> &amp; more"
    assert result.hits[1].highlight == ""
    assert result.hits[0].distance_miles is None


def test_the_client_asks_for_elasticsearch_9_compatible_answers(fake_es):
    _run(fake_es)
    request = fake_es.one("POST", "/marketplace-suppliers/_search")
    # The 9.x client: the docker-compose cluster must be Elasticsearch 9 too.
    assert "compatible-with=9" in request.headers["accept"]


def test_build_search_is_pure_and_reads_the_alias():
    search = build_search(SearchQuery(index="challenges"), today=dt.date(2026, 1, 1))
    assert search._index == ["marketplace-challenges"]


# --- Unavailable -------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_raises_search_unavailable(settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(SearchUnavailable) as caught:
        ElasticsearchBackend().run(SearchQuery(index="suppliers"))
    assert caught.value.reason == "elasticsearch unreachable"
    assert "127.0.0.1" not in str(caught.value)


@pytest.mark.parametrize("status", [503, 429, 404])
def test_overloaded_or_missing_index_raises_search_unavailable(fake_es, status):
    fake_es.on("POST", r"/[^/]+/_search", _error(status, "x", "y"), status=status)
    with pytest.raises(SearchUnavailable):
        ElasticsearchBackend().run(SearchQuery(index="suppliers"))


def test_a_bad_request_is_a_bug_and_is_not_hidden(fake_es):
    from elasticsearch import BadRequestError

    fake_es.on("POST", r"/[^/]+/_search", _error(400, "parsing_exception", "x"), status=400)
    with pytest.raises(BadRequestError):
        ElasticsearchBackend().run(SearchQuery(index="suppliers"))


# --- Indexing ----------------------------------------------------------------------------------


def test_incremental_updates_are_bulk_actions_through_the_alias(fake_es):
    backend = ElasticsearchBackend()
    docs = [{"id": 4, "name": "Acme", "location": None}, {"id": 6, "name": "Beta"}]
    assert backend.index_documents("suppliers", docs) == 2
    assert backend.delete_documents("suppliers", [9]) == 1
    index_request, delete_request = fake_es.find("PUT", "/_bulk")
    # require_alias: writes never auto-create an index with guessed mappings.
    assert index_request.params["require_alias"] == "true"
    assert index_request.lines() == [
        {"index": {"_index": "marketplace-suppliers", "_id": 4}},
        {"id": 4, "name": "Acme", "location": None, "certifications": []},
        {"index": {"_index": "marketplace-suppliers", "_id": 6}},
        {"id": 6, "name": "Beta", "certifications": []},
    ]
    assert delete_request.lines() == [{"delete": {"_index": "marketplace-suppliers", "_id": 9}}]


def test_deleting_a_document_already_gone_is_not_an_error(fake_es):
    def gone(request):
        meta = request.lines()[0]["delete"]
        result = {"_index": meta["_index"], "_id": meta["_id"], "status": 404}
        result["result"] = "not_found"
        return 200, {"took": 1, "errors": False, "items": [{"delete": result}]}

    fake_es.on("PUT", "/_bulk", gone)
    assert ElasticsearchBackend().delete_documents("suppliers", [9]) == 1


def test_rebuild_creates_a_new_index_bulk_loads_and_swaps_the_alias(fake_es):
    fake_es.aliases["marketplace-suppliers"] = ["marketplace-suppliers-20250101000000000000"]
    docs = [{"id": n, "name": f"Supplier {n}", "sort_name": f"supplier{n}"} for n in range(5)]
    seen = []
    outcome = rebuild_index(
        "suppliers",
        documents=iter(docs),
        total=5,
        progress=lambda done, total: seen.append((done, total)),
        chunk_size=2,
    )
    new = outcome["index"]
    assert re.fullmatch(r"marketplace-suppliers-\d{20}", new)
    methods = [(r.method, r.path) for r in fake_es.requests]
    assert methods == [
        ("PUT", f"/{new}"),
        ("PUT", "/_bulk"),
        ("PUT", "/_bulk"),
        ("PUT", "/_bulk"),
        ("PUT", f"/{new}/_settings"),
        ("POST", f"/{new}/_refresh"),
        ("GET", "/_alias/marketplace-suppliers"),
        ("POST", "/_aliases"),
        ("DELETE", "/marketplace-suppliers-20250101000000000000"),
    ]
    create = fake_es.requests[0].body
    assert create["settings"]["analysis"]["analyzer"]["marketplace_english"]
    assert create["mappings"]["properties"]["location"] == {"type": "geo_point"}
    lines = [line for r in fake_es.find("PUT", "/_bulk") for line in r.lines()]
    assert lines[0] == {"index": {"_index": new, "_id": 0}}
    assert lines[1] == {
        "id": 0,
        "name": "Supplier 0",
        "sort_name": "supplier0",
        "certifications": [],
    }
    assert len(lines) == 10
    assert fake_es.requests[4].body == {"index": {"refresh_interval": "1s"}}
    # One atomic call: no moment when the alias points nowhere or at two indexes.
    assert fake_es.one("POST", "/_aliases").body == {
        "actions": [
            {
                "remove": {
                    "index": "marketplace-suppliers-20250101000000000000",
                    "alias": "marketplace-suppliers",
                }
            },
            {"add": {"index": new, "alias": "marketplace-suppliers"}},
        ]
    }
    assert seen[0] == (0, 5) and seen[-1] == (5, 5)
    assert outcome["documents"] == 5


def test_rebuild_replaces_a_concrete_index_named_like_the_alias(fake_es):
    fake_es.concrete.add("marketplace-challenges")
    outcome = rebuild_index("challenges", documents=[])
    assert fake_es.one("POST", "/_aliases").body == {
        "actions": [
            {"remove_index": {"index": "marketplace-challenges"}},
            {"add": {"index": outcome["index"], "alias": "marketplace-challenges"}},
        ]
    }


def test_a_failed_rebuild_deletes_the_new_index_and_leaves_the_alias(fake_es):
    fake_es.on("PUT", "/_bulk", _error(500, "internal", "boom"), status=500)
    with pytest.raises(SearchUnavailable):
        rebuild_index("suppliers", documents=[{"id": 1, "name": "A"}])
    created = fake_es.find("PUT", r"/marketplace-suppliers-\d+")[0].path
    assert fake_es.find("POST", "/_aliases") == []
    assert fake_es.one("DELETE", r"/marketplace-suppliers-\d+").path == created


# --- The management command ---------------------------------------------------------------------


@pytest.mark.django_db
def test_search_reindex_builds_each_elasticsearch_index_with_a_progress_bar(fake_es):
    out = io.StringIO()
    call_command("search_reindex", "--index", "suppliers", stdout=out)
    output = out.getvalue()
    assert "suppliers" in output
    assert "100%" in output
    assert "marketplace-suppliers-" in output
    fake_es.one("POST", "/_aliases")
    assert fake_es.find("PUT", r"/marketplace-challenges-\d+") == []


@pytest.mark.django_db
def test_search_reindex_on_the_database_backend(settings):
    settings.SEARCH_BACKEND = "database"
    settings.ELASTICSEARCH_URL = ""
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    output = out.getvalue()
    assert "suppliers" in output and "challenges" in output
    assert "database" in output


@pytest.mark.django_db
def test_search_reindex_sends_the_documents_search_documents_builds(fake_es):
    from tests.factories.suppliers import CertificationFactory, SupplierProfileFactory

    supplier = SupplierProfileFactory(approved=True, legal_name="Cardiff Bay Digital Cyf")
    CertificationFactory(profile=supplier, expires_on=dt.date(2030, 1, 31))
    SupplierProfileFactory()  # a draft: never indexed
    fake_es.requests.clear()
    call_command("search_reindex", "--index", "suppliers", "--skip-database", stdout=io.StringIO())
    (bulk,) = fake_es.find("PUT", "/_bulk")
    action, source = bulk.lines()
    assert action["index"]["_id"] == supplier.pk
    assert action["index"]["_index"].startswith("marketplace-suppliers-")
    assert source["id"] == supplier.pk
    assert source["name"] == "Cardiff Bay Digital Cyf"
    assert source["sort_name"] == "cardiffbaydigitalcyf"
    assert source["region"] == "TLE"
    assert source["is_sme"] is True
    assert source["location"] == {"lat": supplier.latitude, "lon": supplier.longitude}
    assert source["certifications"] == [{"scheme": "cyber_essentials", "expires_on": "2030-01-31"}]
    assert "slug" not in source  # unmapped: the index is strict


def test_search_reindex_refuses_skip_database_without_elasticsearch(settings):
    from django.core.management.base import CommandError

    settings.SEARCH_BACKEND = "database"
    with pytest.raises(CommandError):
        call_command("search_reindex", "--skip-database", stdout=io.StringIO())


@pytest.mark.django_db
def test_search_reindex_reports_an_unreachable_cluster(settings):
    from django.core.management.base import CommandError

    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(CommandError, match="unreachable"):
        call_command(
            "search_reindex", "--skip-database", "--index", "challenges", stdout=io.StringIO()
        )


# --- Falling back to the database backend -----------------------------------------------------


@pytest.mark.django_db
def test_unreachable_elasticsearch_falls_back_to_the_database_backend(
    settings, caplog, monkeypatch
):
    import search
    from search import backends

    # The fallback state is process-wide (for /readyz): give it back as it was afterwards.
    monkeypatch.setattr(backends, "_state", dict(backends._state))
    from tests.factories.suppliers import SupplierProfileFactory

    supplier = SupplierProfileFactory(approved=True, legal_name="Cardiff Bay Digital Cyf")
    SupplierProfileFactory(approved=True, legal_name="Leeds Data Co")
    from search.indexing import reindex_all

    reindex_all("suppliers")
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    with caplog.at_level("WARNING"):
        result = search.run(SearchQuery(index="suppliers", text="cardiff digital"))
    assert result.ids == [supplier.pk]
    assert result.degraded
    assert any("falling back" in r.getMessage().lower() for r in caplog.records)
    # Hosts and ports stay out of our log lines and the health check.
    ours = [r for r in caplog.records if r.name.startswith("search")]
    assert ours and all("127.0.0.1" not in r.getMessage() for r in ours)
    assert backends.status()["degraded"]


# --- Health -------------------------------------------------------------------------------------


def test_readiness_asks_for_both_aliases(fake_es):
    from search.backends.elasticsearch import readiness

    fake_es.on("HEAD", "/_alias/.+", None)
    assert readiness() == {"ok": True, "backend": "elasticsearch"}
    request = fake_es.one("HEAD", "/_alias/.+")
    assert request.path == "/_alias/marketplace-suppliers,marketplace-challenges"


def test_readiness_reports_a_missing_alias_and_an_unreachable_cluster(fake_es, settings):
    from search.backends.elasticsearch import readiness

    fake_es.on("HEAD", "/_alias/.+", None, status=404)
    assert readiness() == {
        "ok": True,
        "backend": "database",
        "degraded": "elasticsearch index missing (run search_reindex)",
    }
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{_closed_port()}"
    assert readiness()["degraded"] == "elasticsearch unreachable"


@pytest.mark.django_db
def test_search_reindex_catches_up_with_edits_made_while_loading(fake_es, monkeypatch):
    from search import indexing
    from search.management.commands import search_reindex as command
    from suppliers.models import SupplierProfile
    from tests.factories.suppliers import SupplierProfileFactory

    edited = SupplierProfileFactory(approved=True, legal_name="Alpha Ltd")
    suspended = SupplierProfileFactory(approved=True, legal_name="Beta Ltd")
    original = command._documents

    def documents_edited_midway(name):
        for doc in original(name):
            yield doc
            if doc["id"] == edited.pk:
                # Saved by someone else while the bulk load runs: the incremental update goes
                # to the alias, which still points at the old index.
                SupplierProfile.objects.filter(pk=edited.pk).update(summary="Renamed meanwhile")
                SupplierProfile.objects.filter(pk=suspended.pk).update(status="suspended")
                indexing.update("suppliers", [edited.pk, suspended.pk])

    monkeypatch.setattr(command, "_documents", documents_edited_midway)
    out = io.StringIO()
    call_command("search_reindex", "--index", "suppliers", "--skip-database", stdout=out)
    *_, catch_up_index, catch_up_delete = fake_es.find("PUT", "/_bulk")
    action, source = catch_up_index.lines()
    assert action == {"index": {"_index": "marketplace-suppliers", "_id": edited.pk}}
    assert source["summary"] == "Renamed meanwhile"
    assert catch_up_delete.lines() == [
        {"delete": {"_index": "marketplace-suppliers", "_id": suspended.pk}}
    ]
    assert "1 updated, 1 removed" in out.getvalue()


def test_a_supplier_without_a_location_has_no_distance(fake_es):
    fake_es.search_response = empty_search_response(
        hits=[{"_id": "2", "_score": None, "sort": [float("inf"), 2]}], total=1
    )
    result, _body = _run(fake_es, near=LEEDS, sort="distance")
    assert result.hits[0].distance_miles is None


@pytest.mark.parametrize("table", ["suppliers", "challenges"])
def test_every_conformance_query_makes_a_request(table, fake_es, world, db):
    """Each query of the shared conformance table can be sent (types serialise, no filter or
    sort is unknown to the builder); ``test_es_live.py`` checks the answers on a cluster."""
    from tests.search.test_conformance import CHALLENGE_QUERIES, SUPPLIER_QUERIES

    queries = SUPPLIER_QUERIES if table == "suppliers" else CHALLENGE_QUERIES
    for make in queries.values():
        ElasticsearchBackend().search(make(world))
    assert len(fake_es.find("POST", rf"/marketplace-{table}/_search")) == len(queries)


@pytest.fixture
def evaluating_es(fake_es, world, db):
    """The recording fake, answering from the world's documents as Elasticsearch would."""
    from search import documents

    fake_es.search_response = None
    backend = ElasticsearchBackend()
    backend.rebuild("suppliers", documents.iter_supplier_documents())
    backend.rebuild("challenges", documents.iter_challenge_documents())
    return backend


def test_the_conformance_table_through_the_whole_backend(evaluating_es, world):
    """Request building, the HTTP round trip and parsing, against the brute-force oracle, with
    the fake evaluating each request as the Elasticsearch reference defines it."""
    from tests.search.test_conformance import CHALLENGE_QUERIES, SUPPLIER_QUERIES, _check

    for name, make in {**SUPPLIER_QUERIES, **CHALLENGE_QUERIES}.items():
        try:
            _check(evaluating_es, make(world))
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc
