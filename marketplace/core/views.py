"""Operational endpoints: ``/healthz`` says the process is up; ``/readyz`` checks dependencies."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager"}
    from marketplace.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"ok": True, "mode": "broker"}


def _check_search() -> dict:
    backend = settings.SEARCH_BACKEND
    if backend != "elasticsearch":
        return {"ok": True, "backend": backend}
    from elasticsearch import Elasticsearch

    client = Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=2)
    if client.ping():
        return {"ok": True, "backend": "elasticsearch"}
    # Queries fall back to the database backend, so the service still answers.
    return {"ok": True, "backend": "database", "degraded": "elasticsearch unreachable"}


CHECKS = {"database": _check_database, "broker": _check_broker, "search": _check_search}


@never_cache
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a failed dependency is reported, never raised
            logger.warning("readiness check failed", extra={"check": name, "error": str(exc)})
            results[name] = {"ok": False, "error": exc.__class__.__name__}
    ready = all(r["ok"] for r in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
