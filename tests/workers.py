"""A real Celery worker for the tests that check what travels through Redis (the integration
tests and the search index's "searchable within 2 s"). Everywhere else tasks run eagerly."""

from __future__ import annotations

import time
from contextlib import contextmanager

import kombu.pools
import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from marketplace.celery import app


@contextmanager
def redis_worker():
    """A worker thread of this process consuming from the test Redis broker, with eager tasks
    switched off while it runs; the queue is emptied first so no earlier test's task runs."""
    url = settings.TEST_REDIS_URL
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {url}: start it (see README) or set REDIS_URL.")
    previous = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=url, task_always_eager=False, result_backend=None)
    reset_connection_pools()
    try:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(app.conf.task_default_queue)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(previous)
        reset_connection_pools()


def reset_connection_pools():
    """Drop every broker connection pool, so the next publish connects to the broker configured
    now. Kombu also keeps a process-wide pool per broker URL: closing only the app's pool leaves
    that one closed but cached, and a second worker in the same process then fails with
    "Acquire on closed pool"."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


def wait_for(condition, timeout=20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
