"""Operational endpoints: ``/healthz`` says the process is up; ``/readyz`` checks dependencies."""

import hmac
import logging

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .registry import ReadinessCheck, contributions

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict:
    broker_url = settings.CELERY_BROKER_URL or ""
    if settings.CELERY_TASK_ALWAYS_EAGER or not broker_url.startswith(("redis", "amqp")):
        # Tasks run in the web process: there is no broker to be unavailable.
        return {"ok": True, "mode": "eager"}
    from kombu import Connection

    # Built from settings on every call (not the Celery app's cached config) so the check
    # always talks to the broker this process is configured to use. One quick attempt only:
    # a readiness probe must answer within the orchestrator's timeout.
    with Connection(broker_url, connect_timeout=2, transport_options={"max_retries": 0}) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        if broker_url.startswith("redis"):
            conn.default_channel.client.ping()
    return {"ok": True, "mode": "broker", "transport": conn.transport_cls}


CHECKS = {"database": _check_database, "broker": _check_broker}


def _all_checks() -> dict:
    """Core's checks, then each app's (``ReadinessCheck``), such as the search backend's."""
    return {**CHECKS, **{c.key: c.check for c in contributions(ReadinessCheck)}}


@never_cache
def readyz(request):
    results = {}
    for name, check in _all_checks().items():
        try:
            results[name] = check()
        except Exception as exc:  # a failed dependency is reported, never raised
            logger.warning("readiness check failed", extra={"check": name, "error": str(exc)})
            # The class name only: error text can carry hosts or credentials from URLs.
            results[name] = {"ok": False, "error": exc.__class__.__name__}
    ready = all(r["ok"] for r in results.values())
    body = {"status": "ok" if ready else "unavailable"}
    if _may_see_check_details(request):
        body["checks"] = results
    return JsonResponse(body, status=200 if ready else 503)


def _may_see_check_details(request) -> bool:
    """Per-check details (database vendor, broker transport, search fallback) help an attacker
    map the service, so only staff and callers with ``READYZ_TOKEN`` get them."""
    user = getattr(request, "user", None)
    # /readyz skips the two-factor middleware, so check here that this staff session passed the
    # second factor (allauth's "mfa" record; the same test as accounts.mfa, which core cannot
    # import).
    if user is not None and user.is_authenticated and user.is_staff:
        records = get_authentication_records(request, user)
        return any(record.get("method") == "mfa" for record in records)
    token = getattr(settings, "READYZ_TOKEN", "")
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer" or not sent:
        return False
    return hmac.compare_digest(sent.strip().encode(), token.encode())
