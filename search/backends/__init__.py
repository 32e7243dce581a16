"""Which backend answers: ``settings.SEARCH_BACKEND`` ("database" or "elasticsearch").

``run(query)`` asks the configured backend. If Elasticsearch cannot be reached it answers from
the database backend instead (always kept up to date by ``search.indexing``), logs a warning,
marks the result ``degraded`` and remembers it for the health check (``status()``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading

from django.conf import settings
from django.utils import timezone

from ..query import SearchQuery, SearchResult
from .database import DatabaseBackend

logger = logging.getLogger(__name__)

DEGRADED_MESSAGE = "Elasticsearch is unreachable: results come from the database backend"

_state_lock = threading.Lock()
_state: dict = {"backend": "", "degraded": "", "since": None, "last_error": ""}


def get_backend():
    name = getattr(settings, "SEARCH_BACKEND", "database") or "database"
    if name == "elasticsearch":
        from .elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend()
    return DatabaseBackend()


def _connection_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        import elastic_transport
        import elasticsearch

        errors += [
            elastic_transport.ConnectionError,
            elastic_transport.ConnectionTimeout,
            elasticsearch.ConnectionError,
        ]
    except ImportError:  # pragma: no cover - elasticsearch is a dependency
        pass
    return tuple(errors)


def run(query: SearchQuery) -> SearchResult:
    backend = get_backend()
    if backend.name == "database":
        return backend.search(query)
    try:
        result = backend.search(query)
    except _connection_errors() as exc:
        logger.warning("Search falling back to the database backend: %s", exc)
        _record(backend.name, degraded=DEGRADED_MESSAGE, error=str(exc))
        result = DatabaseBackend().search(query)
        return dataclasses.replace(result, degraded=DEGRADED_MESSAGE)
    _record(backend.name, degraded="")
    return result


def _record(backend: str, *, degraded: str, error: str = "") -> None:
    with _state_lock:
        if degraded and not _state["degraded"]:
            _state["since"] = timezone.now()
        if not degraded:
            _state["since"] = None
        _state.update(backend=backend, degraded=degraded, last_error=error)


def status() -> dict:
    """For /readyz: the configured backend and, when it last failed over, why and since when."""
    with _state_lock:
        state = dict(_state)
    state["backend"] = state["backend"] or getattr(settings, "SEARCH_BACKEND", "database")
    return state
