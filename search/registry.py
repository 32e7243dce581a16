"""What the search app contributes to the site (see ``marketplace.core.registry``): the search
API router, mounted at ``/api/v1/search``, its ``/readyz`` check, and the batching of index
updates while the demo is seeded. ``SearchConfig.ready()`` calls
``register_contributions()``."""

from django.conf import settings

from marketplace.core.registry import ApiRouter, DemoSeeder, ReadinessCheck, register


def _readiness() -> dict:
    """For /readyz: the backend that answers now. With Elasticsearch configured but down (or
    its indexes missing) queries fall back to the database: still ready, but degraded."""
    from .backends import status

    state = status()
    if settings.SEARCH_BACKEND != "elasticsearch":
        return {"ok": True, "backend": "database"}
    from .backends.elasticsearch import readiness

    result = readiness()
    if state.get("degraded"):
        result["last_fallback"] = state["degraded"]
        result["since"] = state.get("since")
    return result


def register_contributions() -> None:
    from .api import router

    register(ApiRouter(key="search", prefix="/search", router=router, order=50))
    register(ReadinessCheck(key="search", check=_readiness))
    # The demo is indexed once, after every app has seeded, not after each save.
    register(DemoSeeder(key="search", run=lambda stdout: None, order=1000, wraps=_deferred))


def _deferred():
    from .indexing import deferred

    return deferred()
