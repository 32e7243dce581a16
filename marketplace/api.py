"""The versioned public JSON API (/api/v1/), with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI
from ninja.errors import ValidationError

from suppliers.api import router as suppliers_router

api = NinjaAPI(
    title="Innovation Marketplace API",
    version="1",
    urls_namespace="api-v1",
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


api.add_router("/suppliers", suppliers_router)
