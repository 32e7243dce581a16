"""The words of supplier facet codes (``SupplierEntry.facet_code``), in the database
(``SupplierFacetKey``) and in this process.

A code's words never change (the code is a hash of them), so a process keeps every code it has
written or read: a search adds up its facet counts without asking the database for words it
has seen, and a code written by another process (a worker) is read once.
"""

from __future__ import annotations

import threading

from django.db import connection

from .models import SupplierFacetKey, supplier_facet_words

# Every facet word seen ("size_band:small" ...), its position in that list, and the positions
# of each code's words: counts are added up in a list, by position, which is the cheapest way
# Python has (a search over 60,000 suppliers adds up 50,000 word counts).
_VOCABULARY: list[str] = []
_POSITION: dict[str, int] = {}
_CODES: dict[int, tuple[int, ...]] = {}
# Threads of one process add words one at a time, so that a word's position is its place in
# the list.
_LOCK = threading.Lock()


def _keep(code: int, key: str) -> None:
    """Call with ``_LOCK`` held."""
    positions = []
    for word in supplier_facet_words(key):
        if word not in _POSITION:
            _POSITION[word] = len(_VOCABULARY)
            _VOCABULARY.append(word)
        positions.append(_POSITION[word])
    _CODES[code] = tuple(positions)


def remember(keys: dict[int, str]) -> None:
    """Store the words of ``keys`` ({code: key}); a code already stored is left as it is."""
    if not keys:
        return
    if connection.vendor == "postgresql":
        table = SupplierFacetKey._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (code, key) "  # noqa: S608 - the model's table
                "SELECT * FROM unnest(%s::bigint[], %s::text[]) ON CONFLICT (code) DO NOTHING",
                [list(keys), list(keys.values())],
            )
    else:
        SupplierFacetKey.objects.bulk_create(
            [SupplierFacetKey(code=code, key=key) for code, key in keys.items()],
            ignore_conflicts=True,
        )
    # After the write: if it failed, nothing is kept here either. A rolled-back write leaves
    # words here that are still right (a code's words are fixed), and the next entry with
    # that code writes them again.
    with _LOCK:
        for code, key in keys.items():
            if code not in _CODES:
                _keep(code, key)


def count_words(*counts: dict[int, int]) -> dict[str, int]:
    """{word: count} from {code: count} (one or more): each code's count added to each of its
    words. The words of codes this process has not seen are read in one query (a code without
    words, which the indexer never writes, counts under none)."""
    missing = [code for by_code in counts for code in by_code if code not in _CODES]
    if missing:
        found = list(SupplierFacetKey.objects.filter(code__in=missing).values_list("code", "key"))
        with _LOCK:
            for code, key in found:
                if code not in _CODES:
                    _keep(code, key)
    # Every word of these codes is in the list by now; another thread may add more meanwhile.
    vocabulary = _VOCABULARY[:]
    totals = [0] * len(vocabulary)
    codes = _CODES
    for by_code in counts:
        for code, n in by_code.items():
            for position in codes.get(code, ()):
                totals[position] += n
    return {word: n for word, n in zip(vocabulary, totals, strict=True) if n}


def forget() -> None:
    """Empty this process's copy (tests: to count the query that fills it)."""
    with _LOCK:
        _CODES.clear()
        _POSITION.clear()
        _VOCABULARY.clear()
