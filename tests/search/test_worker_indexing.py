"""A supplier edit is searchable within 2 s of commit with a real Celery worker consuming from
Redis (skipped when ``REDIS_URL`` is not set). In its own module: a transactional test empties
the tables, so it runs after the tests that share data."""

from __future__ import annotations

import os
import time

import pytest
from django.db import transaction
from django.test import override_settings

from search.backends.database import DatabaseBackend
from search.models import SupplierEntry
from search.query import SearchQuery
from tests.factories.suppliers import SupplierProfileFactory


def found(text: str) -> list[int]:
    return DatabaseBackend().search(SearchQuery(index="suppliers", text=text)).ids


@pytest.mark.integration
@pytest.mark.skipif(
    not os.environ.get("SEARCH_WORKER_TEST"),
    reason="Run on its own (SEARCH_WORKER_TEST=1 pytest tests/search/test_worker_indexing.py): "
    "after tests/integration's worker in the same process, kombu answers 'Acquire on closed "
    "pool' (open in issue #11)",
)
@pytest.mark.django_db(transaction=True)
def test_a_supplier_edit_is_searchable_within_two_seconds_with_a_worker():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set")
    import redis
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from marketplace.celery import app
    from tests.integration.test_celery_worker import _reset_connection_pool, wait_for

    url = settings.TEST_REDIS_URL
    redis.Redis.from_url(url).ping()
    with override_settings(SEARCH_INDEX_IMMEDIATELY=None):
        profile = _approved_profile_committed()
        previous = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
        app.conf.update(broker_url=url, task_always_eager=False, result_backend=None)
        _reset_connection_pool()
        try:
            with app.connection_for_write() as conn:
                conn.default_channel.queue_purge(app.conf.task_default_queue)
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                with transaction.atomic():
                    profile.summary = "Hydrogen ferries for island councils."
                    profile.save()
                committed = time.monotonic()
                assert wait_for(lambda: found("hydrogen ferries") == [profile.pk], timeout=2.0)
                assert time.monotonic() - committed < 2.0
        finally:
            app.conf.update(previous)
            _reset_connection_pool()


def _approved_profile_committed():
    with transaction.atomic():
        profile = SupplierProfileFactory(approved=True, summary="Buses.")
    assert SupplierEntry.objects.filter(pk=profile.pk).exists()
    return profile
