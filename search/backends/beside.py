"""Run a read on a second database connection while this one reads something else.

A search with facets reads its page and its counts: two statements that need nothing from each
other. On PostgreSQL each statement runs on one core, so the database backend sends the counts
to a helper thread, which runs them on its own connection while the request's thread reads the
page (``search.backends.database``). At 100,000 suppliers, one broad word with every facet then
takes as long as the longer of the two, not both.

Only where it gives the same answer: PostgreSQL, and the request's connection outside any
transaction (a helper's connection cannot see what a transaction has not committed). Turned off
by ``SEARCH_COUNTS_BESIDE_PAGE = False`` (the test settings do; their own tests turn it on).

Each helper keeps its connection as a request does: it is reused until ``CONN_MAX_AGE`` runs
out or it fails, and closed by ``close_helpers`` (at exit, and by the tests). Helpers add
connections, not work: under full load they do not make searches faster, and a deployment
short of connections can turn them off.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, connections

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_helper_connections: list = []  # each helper thread's connection wrapper, to close them


def available() -> bool:
    """Whether a read can run beside this connection's and see the same rows."""
    return (
        getattr(settings, "SEARCH_COUNTS_BESIDE_PAGE", False)
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def submit(function: Callable[..., Any], *args) -> Future | None:
    """Run ``function(*args)`` in a helper thread on its own connection; None when not
    ``available()``, and the caller runs it itself."""
    if not available():
        return None
    return _executor().submit(_in_helper, function, *args)


def _executor() -> ThreadPoolExecutor:
    global _pool, _pool_pid
    with _lock:
        # A process forked from one that had helpers (a server's workers) starts its own.
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                max_workers=getattr(settings, "SEARCH_COUNTS_HELPERS", 4),
                thread_name_prefix="search-counts",
            )
            _pool_pid = os.getpid()
            _helper_connections.clear()
        return _pool


def _in_helper(function: Callable[..., Any], *args):
    wrapper = connections["default"]
    with _lock:
        if wrapper not in _helper_connections:
            _helper_connections.append(wrapper)
    # As around a request: a connection past CONN_MAX_AGE, or broken, is closed first and
    # reopened; after, it is closed if a statement failed on it.
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


def close_helpers() -> None:
    """Stop the helper threads and close their connections (a new search starts them again)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
        wrappers = list(_helper_connections)
        _helper_connections.clear()
    if pool is not None:
        pool.shutdown(wait=True)
    for wrapper in wrappers:
        raw = wrapper.connection
        if raw is not None:
            # The helper thread has ended: its psycopg connection is closed directly (Django
            # refuses to close a connection from a thread other than its own).
            raw.close()
            wrapper.connection = None


atexit.register(close_helpers)
