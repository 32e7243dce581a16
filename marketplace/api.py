"""The versioned public JSON API (/api/v1/), with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Innovation Marketplace API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
)
