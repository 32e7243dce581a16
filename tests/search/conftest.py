"""Fixtures for search tests.

- ``world``: the fixed data set of ``tests.factories.search`` built once per module inside a
  transaction that is rolled back at the end (each test runs in a savepoint within it), with the
  database index rebuilt so every entry is current.
- ``search_backend``: every backend available here, as an object with ``search(query)``: the
  database backend always; Elasticsearch too when ``ELASTICSEARCH_URL`` is set (its index is
  filled from the same documents). Tests that take it run once per backend.
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.test import override_settings

from search import documents
from search.backends.database import DatabaseBackend
from search.indexing import reindex_all
from tests.factories import search as world_factory


def available_backends() -> list[str]:
    names = ["database"]
    if os.environ.get("ELASTICSEARCH_URL"):
        names.append("elasticsearch")
    return names


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    patch = pytest.MonkeyPatch()
    # Ratings come from the feedback app; the world supplies them until it exists.
    patch.setattr(documents, "_rating_summaries", world_factory.rating_summaries)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # Index once at the end rather than on every save while building.
            with override_settings(SEARCH_INDEX_IMMEDIATELY=False):
                built = world_factory.build_world()
            reindex_all()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            patch.undo()


def _fill_external(backend) -> None:
    # A fresh index (behind its alias) holding exactly the world's documents.
    backend.rebuild("suppliers", list(documents.iter_supplier_documents()))
    backend.rebuild("challenges", list(documents.iter_challenge_documents()))
    refresh = getattr(backend, "refresh", None)
    if refresh:
        refresh()


@pytest.fixture(params=available_backends())
def search_backend(request, world, db):
    if request.param == "database":
        return DatabaseBackend()
    from search.backends.elasticsearch import ElasticsearchBackend

    backend = ElasticsearchBackend()
    _fill_external(backend)
    return backend
