"""What the search app contributes to the site (see ``marketplace.core.registry``): the search
API router, mounted at ``/api/v1/search``, its ``/readyz`` check, the batching of index
updates while the demo is seeded, and a demo search alert. ``SearchConfig.ready()`` calls
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
    register(DemoSeeder(key="search", run=_seed_demo, order=1000, wraps=_deferred))


def _seed_demo(stdout) -> None:
    """One search alert for the demo supplier admin, so /search-alerts/ has something to show.
    Idempotent: the same search is one alert."""
    from django.http import QueryDict

    from marketplace.accounts.demo import DEMO_EMAIL_DOMAIN
    from marketplace.accounts.models import User

    from .alerts import search_alert_save

    user = User.objects.filter(email__iexact=f"supplier@{DEMO_EMAIL_DOMAIN}").first()
    if user is None:
        return
    search_alert_save(user=user, data=QueryDict("capability=iot-and-sensors&region=TLE"))
    stdout.write("Search: 1 demo search alert (supplier admin)\n")


def _deferred():
    from .indexing import deferred

    return deferred()
