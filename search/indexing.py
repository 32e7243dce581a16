"""Keep the search index in step with the data.

- ``queue_supplier_reindex(pk)`` / ``queue_challenge_reindex(pk)``: what other apps (and this
  app's signals) call when something a search shows has changed. The update runs after commit
  in a Celery task; where Celery runs tasks inline (tests, ``make run``) it runs at once, in the
  same transaction, so what a test or a local page just saved is searchable straight away.
- ``update(index, ids)``: rewrite the entries of these objects (removing the ones that are no
  longer searchable: a suspended supplier, a deleted challenge). Idempotent.
- ``reindex_all(index, progress=...)``: rebuild the database index in batches, each batch one
  transaction with a constant number of queries (vectors computed by PostgreSQL in the same
  bulk INSERT). Idempotent: run it any time.

The database entries are always kept, whichever backend answers queries: they are the fallback
when Elasticsearch is unreachable. When Elasticsearch is configured, updates are sent there too.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import documents, facet_keys, geo, text
from .models import (
    ChallengeEntry,
    ChallengeTerm,
    SupplierEntry,
    SupplierTerm,
    TermKind,
    certificate_columns,
    split_facet_key,
    supplier_facet_code,
    supplier_facet_key,
)

logger = logging.getLogger(__name__)

INDEXES = ("suppliers", "challenges")
REINDEX_BATCH_SIZE = 1000


# --- Queueing ---------------------------------------------------------------------------------


def queue_supplier_reindex(pk: int) -> None:
    queue("suppliers", [pk])


def queue_challenge_reindex(pk: int) -> None:
    queue("challenges", [pk])


_batch = threading.local()


@contextmanager
def deferred():
    """Collect the updates queued inside and queue each index's ids once on leaving: for bulk
    loads (the demo seed), which would otherwise rewrite a supplier's entry after every part
    saved. Nested use joins the outer batch. If the block raises, nothing is queued."""
    if getattr(_batch, "pending", None) is not None:
        yield
        return
    _batch.pending = {name: set() for name in INDEXES}
    try:
        yield
        pending = _batch.pending
    finally:
        _batch.pending = None
    for name, ids in pending.items():
        queue(name, ids)


def queue(index: str, ids: Iterable[int]) -> None:
    """Update these entries after commit (Celery), or now where tasks run inline."""
    ids = sorted({int(pk) for pk in ids if pk is not None})
    if not ids:
        return
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending[index].update(ids)
        return
    if _index_immediately():
        update(index, ids, external_errors="log")
        return
    from .tasks import search_index_task

    transaction.on_commit(lambda: search_index_task.delay(index, ids))


def _index_immediately() -> bool:
    configured = getattr(settings, "SEARCH_INDEX_IMMEDIATELY", None)
    if configured is not None:
        return bool(configured)
    from marketplace.celery import app

    return bool(app.conf.task_always_eager)


# --- Writing entries --------------------------------------------------------------------------


def update(index: str, ids: Iterable[int], *, external_errors: str = "raise") -> tuple[int, int]:
    """Rewrite the entries for ``ids``; returns (written, removed)."""
    ids = {int(pk) for pk in ids}
    spec = _SPECS[index]
    docs = list(spec.iter_documents(ids))
    gone = ids - {doc["id"] for doc in docs}
    with transaction.atomic():
        spec.write(docs)
        removed = _delete_entries(spec, gone)
    _send_to_external_backend(index, docs, gone, errors=external_errors)
    return len(docs), removed


def reindex_all(
    index: str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = REINDEX_BATCH_SIZE,
) -> dict[str, int]:
    """Rebuild the database index (both indexes when ``index`` is None); returns counts."""
    counts = {}
    for name in (index,) if index else INDEXES:
        spec = _SPECS[name]
        source = spec.source_queryset()
        total = source.count()
        done = 0
        if progress:
            progress(0, total)
        for chunk in documents.id_batches(source, batch_size):
            docs = list(spec.iter_documents(chunk, batch_size=batch_size))
            with transaction.atomic():
                spec.write(docs)
                _delete_entries(spec, set(chunk) - {doc["id"] for doc in docs})
            done += len(chunk)
            if progress:
                progress(done, total)
        # Entries of objects that are no longer searchable (suspended, deleted, unpublished).
        stale = spec.entry.objects.exclude(pk__in=source.values("pk"))
        _delete_entries(spec, set(stale.values_list("pk", flat=True)))
        counts[name] = done
    return counts


def _counts_changed(spec) -> None:
    """Cached totals and facet counts of this index are out of date: now for this process,
    and again at commit for the others (which may have counted the old rows meanwhile)."""
    if not getattr(settings, "SEARCH_COUNTS_CACHE_SECONDS", 0):
        return  # nothing is cached
    from .backends.database import new_generation

    index = spec.name
    new_generation(index)
    transaction.on_commit(lambda: new_generation(index))


def _delete_entries(spec, ids) -> int:
    ids = sorted(ids)
    if not ids:
        return 0
    _counts_changed(spec)
    if connection.vendor == "postgresql":
        # Plain DELETEs: the ORM would first read every row to cascade in Python.
        entry_table, pk_column = spec.entry._meta.db_table, spec.entry._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {spec.term._meta.db_table} WHERE entry_id = ANY(%s)",  # noqa: S608
                [ids],
            )
            cursor.execute(
                f"DELETE FROM {entry_table} WHERE {pk_column} = ANY(%s)",  # noqa: S608
                [ids],
            )
            return cursor.rowcount
    spec.term.objects.filter(entry_id__in=ids).delete()
    removed, _ = spec.entry.objects.filter(pk__in=ids).delete()
    return removed


def _weighted_words(doc: dict) -> dict[str, str]:
    """The document's text by weight, as plain words (so both databases see the same words)."""
    return {w: " ".join(text.words(t)) for w, t in documents.weighted_text(doc).items()}


def _token_columns(doc: dict) -> dict:
    """Not PostgreSQL: the lexemes of each weight, space-separated and space-framed."""
    if connection.vendor == "postgresql":
        return {}
    return {
        f"tokens_{w.lower()}": " " + " ".join(sorted(set(text.lexemes(value)))) + " "
        for w, value in _weighted_words(doc).items()
    }


def _pg_insert_entries(table: str, columns: list[tuple[str, str]], rows: list, docs) -> None:
    """PostgreSQL: insert a batch of entries in one statement, each column travelling as one
    array, with the weighted vector computed in the same statement from the documents' words.
    JSON columns travel as text and are cast in the statement."""
    names = [name for name, _type in columns]
    arrays = [
        [json.dumps(row[i]) if sql_type == "jsonb" else row[i] for row in rows]
        for i, (_name, sql_type) in enumerate(columns)
    ]
    texts = [_weighted_words(doc) for doc in docs]
    arrays += [[words[weight] for words in texts] for weight in "ABCD"]
    casts = ", ".join(
        f"%s::{'text' if sql_type == 'jsonb' else sql_type}[]" for _name, sql_type in columns
    )
    selected = ", ".join(
        f"v.{name}::jsonb" if sql_type == "jsonb" else f"v.{name}" for name, sql_type in columns
    )
    sql = f"""
        INSERT INTO {table} ({", ".join(names)}, vector, tokens_a, tokens_b, tokens_c,
                             tokens_d, indexed_at)
        SELECT {selected},
            setweight(to_tsvector('english', v.text_a), 'A')
            || setweight(to_tsvector('english', v.text_b), 'B')
            || setweight(to_tsvector('english', v.text_c), 'C')
            || setweight(to_tsvector('english', v.text_d), 'D'),
            '', '', '', '', %s::timestamptz
        FROM unnest({casts}, %s::text[], %s::text[], %s::text[], %s::text[])
            AS v({", ".join(names)}, text_a, text_b, text_c, text_d)
    """  # noqa: S608 - table and column names are constants of this module
    # The clock now, not SQL now(): that is the transaction's start, and search_reindex tells
    # the entries rewritten while it loaded by this time.
    params = [timezone.now(), *arrays]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _pg_insert_terms(table: str, rows: list) -> None:
    if not rows:
        return
    arrays = [[row[i] for row in rows] for i in range(3)]
    sql = (
        f"INSERT INTO {table} (entry_id, kind, value) "  # noqa: S608
        "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::text[])"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)


SUPPLIER_COLUMNS = [
    ("supplier_id", "bigint"),
    ("sort_name", "text"),
    ("size_band", "text"),
    ("is_sme", "boolean"),
    ("is_vcse", "boolean"),
    ("region", "text"),
    ("latitude", "float8"),
    ("longitude", "float8"),
    ("unit_x", "float8"),
    ("unit_y", "float8"),
    ("unit_z", "float8"),
    ("rating_average", "float8"),
    ("rating_count", "integer"),
    ("new_to_public_sector", "boolean"),
    ("capabilities", "jsonb"),
    ("certified_until", "jsonb"),
    ("certificate_bits", "integer"),
    ("certificates_all_in_date_until", "integer"),
    ("facet_code", "bigint"),
    ("capability_code", "bigint"),
]
CHALLENGE_COLUMNS = [
    ("challenge_id", "bigint"),
    ("sort_title", "text"),
    ("status", "text"),
    ("procedure", "text"),
    ("mode", "text"),
    ("region", "text"),
    ("uk_wide", "boolean"),
    ("latitude", "float8"),
    ("longitude", "float8"),
    ("unit_x", "float8"),
    ("unit_y", "float8"),
    ("unit_z", "float8"),
    ("budget_pence", "bigint"),
    ("closes_at", "timestamptz"),
    ("published_at", "timestamptz"),
]


def _supplier_rows(docs: list[dict]) -> tuple[list[tuple], list[tuple], dict[int, str]]:
    entries, terms, keys = [], [], {}
    for doc in docs:
        location = doc["location"] or {}
        pk = doc["id"]
        certified_until = {c["scheme"]: c["expires_on"].toordinal() for c in doc["certifications"]}
        facet_key = supplier_facet_key(
            size_band=doc["size_band"],
            region=doc["region"],
            is_vcse=doc["is_vcse"],
            capability_top=doc["capability_top"],
        )
        facet_codes = []
        for key in split_facet_key(facet_key):
            facet_codes.append(supplier_facet_code(key))
            keys[facet_codes[-1]] = key
        entries.append(
            (
                pk,
                doc["sort_name"],
                doc["size_band"],
                doc["is_sme"],
                doc["is_vcse"],
                doc["region"],
                location.get("lat"),
                location.get("lon"),
                *geo.unit_vector(location.get("lat"), location.get("lon")),
                doc["rating_average"],
                doc["rating_count"],
                doc["new_to_public_sector"],
                dict.fromkeys(doc["capability_slugs"], 1),
                certified_until,
                *certificate_columns(certified_until),
                *facet_codes,
            )
        )
        terms += [(pk, TermKind.REMOTE_REGION.value, v) for v in doc["remote_regions"]]
    return entries, terms, keys


def _challenge_rows(docs: list[dict]) -> tuple[list[tuple], list[tuple], dict[int, str]]:
    entries, terms = [], []
    for doc in docs:
        location = doc["location"] or {}
        pk = doc["id"]
        entries.append(
            (
                pk,
                doc["sort_name"],
                doc["status"],
                doc["procedure"],
                doc["mode"],
                doc["region"],
                doc["uk_wide"],
                location.get("lat"),
                location.get("lon"),
                *geo.unit_vector(location.get("lat"), location.get("lon")),
                doc["budget_pence"],
                doc["closes_at"],
                doc["published_at"],
            )
        )
        terms += [(pk, TermKind.CAPABILITY.value, v) for v in doc["capability_slugs"]]
        terms += [(pk, TermKind.CAPABILITY_TOP.value, v) for v in doc["capability_top"]]
        terms += [(pk, TermKind.BUYER.value, str(v)) for v in doc["buyer_ids"]]
    return entries, terms, {}


def _write(spec, docs: list[dict]) -> None:
    """Replace the entries (and terms) of these documents."""
    _counts_changed(spec)
    _delete_entries(spec, [doc["id"] for doc in docs])
    if not docs:
        return
    entries, terms, keys = spec.rows(docs)
    facet_keys.remember(keys)
    if connection.vendor == "postgresql":
        _pg_insert_entries(spec.entry._meta.db_table, spec.columns, entries, docs)
        _pg_insert_terms(spec.term._meta.db_table, terms)
        return
    names = [name for name, _type in spec.columns]
    spec.entry.objects.bulk_create(
        [
            spec.entry(**dict(zip(names, row, strict=True)), **_token_columns(doc))
            for row, doc in zip(entries, docs, strict=True)
        ]
    )
    term_names = ["entry_id", "kind", "value"]
    spec.term.objects.bulk_create(
        [spec.term(**dict(zip(term_names, row, strict=True))) for row in terms]
    )


class _Spec:
    def __init__(self, *, name, entry, term, iter_documents, rows, columns, source_queryset):
        self.name = name
        self.entry = entry
        self.term = term
        self.iter_documents = iter_documents
        self.rows = rows
        self.columns = columns
        self.source_queryset = source_queryset

    def write(self, docs: list[dict]) -> None:
        _write(self, docs)


_SPECS = {
    "suppliers": _Spec(
        name="suppliers",
        entry=SupplierEntry,
        term=SupplierTerm,
        iter_documents=documents.iter_supplier_documents,
        rows=_supplier_rows,
        columns=SUPPLIER_COLUMNS,
        source_queryset=lambda: documents.supplier_queryset().only("pk"),
    ),
    "challenges": _Spec(
        name="challenges",
        entry=ChallengeEntry,
        term=ChallengeTerm,
        iter_documents=documents.iter_challenge_documents,
        rows=_challenge_rows,
        columns=CHALLENGE_COLUMNS,
        source_queryset=lambda: documents.challenge_queryset().only("pk"),
    ),
}


# --- Elasticsearch (or any other external backend) --------------------------------------------


def _send_to_external_backend(index: str, docs: list[dict], gone: set[int], *, errors: str):
    from .backends import get_backend

    backend = get_backend()
    if backend.name == "database":
        return
    try:
        if docs:
            backend.index_documents(index, docs)
        if gone:
            backend.delete_documents(index, sorted(gone))
    except Exception:
        if errors == "raise":
            raise
        logger.warning(
            "Could not update the %s search index in %s", index, backend.name, exc_info=True
        )
