"""Elasticsearch documents and mappings for the two search indexes.

The facts come from ``search.documents`` (the one document builder, shared with the database
backend); this module only says how Elasticsearch stores them:

- text fields use ``marketplace_english``: words are runs of letters and digits, lower-cased,
  PostgreSQL's English stop words dropped, Snowball English (Porter2) stems -- the same words,
  stop list and stemmer as PostgreSQL's ``english`` configuration and ``search.text``, so
  "sensor" and "sensors" match and a query needs the same words on both backends;
- filters are ``keyword``/``boolean``/numeric fields; the location is a ``geo_point``;
- certifications are ``nested`` ``{scheme, expires_on}`` so that "in date today" is a range filter
  at query time, not a fact frozen at indexing time;
- each index is versioned (``<alias>-<timestamp>``) and read and written through its alias, so
  ``manage.py search_reindex`` can build a new one and swap the alias with no downtime.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import timezone
from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Float,
    GeoPoint,
    Index,
    InnerDoc,
    Integer,
    Keyword,
    Long,
    MetaField,
    Nested,
    Text,
    analyzer,
    token_filter,
    tokenizer,
)

from search.text import STOP_WORDS

english = analyzer(
    "marketplace_english",
    # Words are runs of letters and digits, as in ``search.text.words`` and PostgreSQL's parser
    # ("O'Brien" is "o" + "brien"; "Dave's" is "dave" + the stop word "s").
    tokenizer=tokenizer("marketplace_words", "pattern", pattern="[^\\p{L}\\p{N}]+"),
    filter=[
        "lowercase",
        token_filter("marketplace_english_stop", "stop", stopwords=sorted(STOP_WORDS)),
        token_filter("marketplace_english_stemmer", "stemmer", language="porter2"),
    ],
)


def _text() -> Text:
    return Text(analyzer=english)


class CertificationDoc(InnerDoc):
    scheme = Keyword()
    expires_on = Date(format="strict_date")


class _SearchDocument(Document):
    """The fields both indexes share, named as in ``search.documents``. Text weights follow the
    database backend's A/B/C/D (boosts in ``search.backends.elasticsearch.TEXT_FIELDS``)."""

    id = Long()
    name = _text()  # A
    capability_names = _text()  # B
    summary = _text()  # C
    other_text = _text()  # D
    # Already normalised by ``search.documents.sort_key`` (lower case letters and digits), the
    # database backend's sort column, so "name" sorts the same on both.
    sort_name = Keyword()
    capability_slugs = Keyword()  # each capability with all its headings
    capability_top = Keyword()  # headings only: the capability facet
    region = Keyword()
    location = GeoPoint()

    class Meta:
        # Only the fields above: a stray key in a document is an error, not a new mapping.
        dynamic = MetaField("strict")


class SupplierDocument(_SearchDocument):
    """An approved supplier."""

    size_band = Keyword()
    is_sme = Boolean()
    is_vcse = Boolean()
    remote_regions = Keyword()
    # Nested so that scheme and expiry are matched on the same certificate, and "in date today"
    # is a range filter at query time rather than a fact frozen when the supplier was indexed.
    certifications = Nested(CertificationDoc)
    rating_count = Integer()
    rating_average = Float()
    new_to_public_sector = Boolean()


class ChallengeDocument(_SearchDocument):
    """A public challenge."""

    status = Keyword()
    procedure = Keyword()
    mode = Keyword()
    buyer_ids = Long()
    uk_wide = Boolean()
    budget_pence = Long()
    closes_at = Date()
    published_at = Date()


DOCUMENTS: dict[str, type[Document]] = {
    "suppliers": SupplierDocument,
    "challenges": ChallengeDocument,
}
INDEXES = tuple(DOCUMENTS)


def index_alias(index: str) -> str:
    """The alias every query and incremental update uses, e.g. ``marketplace-suppliers``."""
    if index not in DOCUMENTS:
        raise ValueError(f"Unknown search index {index!r}")
    prefix = getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "marketplace")
    return f"{prefix}-{index}"


def versioned_index_name(index: str, now: dt.datetime | None = None) -> str:
    """A new concrete index for ``search_reindex``: ``<alias>-<UTC timestamp>``."""
    now = now or timezone.now()
    return f"{index_alias(index)}-{now.astimezone(dt.UTC):%Y%m%d%H%M%S%f}"


def index_definition(index: str, name: str) -> Index:
    """Settings, analysis and mappings for a new concrete index called ``name``.

    One shard: 100,000 suppliers is a small index, and one shard keeps scores (and so the
    relevance order) independent of how documents happen to be spread. Refresh is off while the
    bulk load runs; ``search_reindex`` switches it back on before the alias moves.
    """
    definition = Index(name)
    definition.settings(
        number_of_shards=1,
        number_of_replicas=getattr(settings, "ELASTICSEARCH_NUMBER_OF_REPLICAS", 0),
        refresh_interval="-1",
        max_result_window=10_000,
    )
    # mapping(), not document(): document() would make this index the class-wide default.
    definition.mapping(DOCUMENTS[index]._doc_type.mapping)
    return definition


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def to_es_document(index: str, doc: dict) -> Document:
    """An Elasticsearch document from one ``search.documents`` dict: the mapped fields, as they
    are (dates and times as ISO 8601)."""
    document_class = DOCUMENTS[index]
    fields = _mapped_fields(index)
    source = {key: _iso(value) for key, value in doc.items() if key in fields}
    if index == "suppliers":
        source["certifications"] = [
            CertificationDoc(scheme=cert["scheme"], expires_on=_iso(cert["expires_on"]))
            for cert in doc.get("certifications", ())
        ]
    return document_class(meta={"id": doc["id"]}, **source)


def _mapped_fields(index: str) -> frozenset[str]:
    return frozenset(DOCUMENTS[index]._doc_type.mapping.properties.to_dict()["properties"])


def bulk_actions(index: str, target: str, docs: Iterable[dict]) -> Iterator[dict]:
    """``_bulk`` index actions writing ``docs`` into the concrete index or alias ``target``."""
    for doc in docs:
        action = to_es_document(index, doc).to_dict(include_meta=True, skip_empty=False)
        action["_index"] = target
        yield action


def delete_actions(target: str, ids: Iterable[int]) -> Iterator[dict]:
    for pk in ids:
        yield {"_op_type": "delete", "_index": target, "_id": pk}
