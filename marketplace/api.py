"""The versioned public JSON API (/api/v1/), with its OpenAPI document at /api/v1/openapi.json.

Each app contributes its router as an ``ApiRouter`` from its ``AppConfig.ready()``; this module
mounts them. It is imported by ``marketplace.urls``, which Django loads only after every app is
ready, so the registry is complete by then.
"""

from ninja import NinjaAPI
from ninja.errors import ValidationError

from marketplace.core.registry import ApiRouter, contributions

api = NinjaAPI(
    title="Innovation Marketplace API",
    version="1",
    urls_namespace="api-v1",
    # Swagger UI from django-ninja's own static files ("ninja" is in INSTALLED_APPS), never a
    # CDN: no third-party script runs on our origin, and the page works offline.
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def bad_parameters(request, exc: ValidationError):
    """Malformed parameters (``page=abc``) are the client's mistake: 400 with what to fix."""
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'is not valid')}")
    return api.create_response(request, {"detail": "; ".join(problems)}, status=400)


def _mount_routers() -> None:
    for contribution in contributions(ApiRouter):
        api.add_router(contribution.prefix, contribution.router)


_mount_routers()
