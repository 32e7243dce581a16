"""A supplier edit is searchable within 2 s of commit with a real Celery worker consuming from
Redis (skipped when ``REDIS_URL`` is not set). In its own module: a transactional test empties
the tables, so it runs after the tests that share data."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError, transaction
from django.test import override_settings

from search.backends.database import DatabaseBackend
from search.models import SupplierEntry
from search.query import SearchQuery
from tests.factories.suppliers import SupplierProfileFactory
from tests.workers import redis_worker, wait_for


def found(text: str) -> list[int]:
    return DatabaseBackend().search(SearchQuery(index="suppliers", text=text)).ids


def found_yet(text: str, expected: list[int]) -> bool:
    """For polling while the worker writes. The tests' SQLite database is in memory with a
    shared cache, where a read of a table that another connection is writing fails at once
    ("database table is locked") instead of waiting: that read counts as not found yet."""
    try:
        return found(text) == expected
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        return False


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_supplier_edit_is_searchable_within_two_seconds_with_a_worker():
    with override_settings(SEARCH_INDEX_IMMEDIATELY=None):
        profile = _approved_profile_committed()
        with redis_worker():
            with transaction.atomic():
                profile.summary = "Hydrogen ferries for island councils."
                profile.save()
            committed = time.monotonic()
            assert wait_for(lambda: found_yet("hydrogen ferries", [profile.pk]), timeout=2.0)
            assert time.monotonic() - committed < 2.0


def _approved_profile_committed():
    with transaction.atomic():
        profile = SupplierProfileFactory(approved=True, summary="Buses.")
    assert SupplierEntry.objects.filter(pk=profile.pk).exists()
    return profile
