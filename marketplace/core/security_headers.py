"""``Content-Security-Policy`` and ``Permissions-Policy`` on every response.

Django 5.2 has no CSP support of its own (Django 6 adds it), so this small middleware writes
both headers from settings:

- ``CONTENT_SECURITY_POLICY``: the policy for every path, a dict of directive -> sources.
- ``CONTENT_SECURITY_POLICY_BY_PATH``: path prefix -> directives that replace the default ones
  under that prefix (the longest matching prefix wins). The Wagtail admin needs inline scripts
  and styles, so ``/cms/`` gets a looser policy and every other path keeps the strict one.
- ``PERMISSIONS_POLICY``: feature -> allowed origins (an empty list switches it off).

Put the middleware near the top of ``MIDDLEWARE`` so that static files served by WhiteNoise,
redirects and error pages get the headers too. A response that already carries a header
(a view that set its own) is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_HEADER = "Content-Security-Policy"
PERMISSIONS_HEADER = "Permissions-Policy"

Directives = Mapping[str, Sequence[str]]


def build_csp(directives: Directives) -> str:
    """``{"default-src": ["'self'"], "upgrade-insecure-requests": []}`` ->
    ``default-src 'self'; upgrade-insecure-requests``."""
    parts = []
    for name, sources in directives.items():
        parts.append(" ".join([name, *sources]))
    return "; ".join(parts)


def build_permissions_policy(features: Mapping[str, Sequence[str]]) -> str:
    """``{"camera": [], "fullscreen": ["self"]}`` -> ``camera=(), fullscreen=(self)``.

    Origins are written as given: ``self`` and ``*`` bare, anything else in double quotes
    (the structured-header syntax the specification asks for)."""
    parts = []
    for feature, origins in features.items():
        written = [o if o in ("self", "*") else f'"{o}"' for o in origins]
        parts.append(f"{feature}=({' '.join(written)})")
    return ", ".join(parts)


def csp_for_path(path: str) -> str:
    """The policy header value for a request to ``path``."""
    directives = dict(settings.CONTENT_SECURITY_POLICY)
    overrides: Mapping[str, Directives] = getattr(settings, "CONTENT_SECURITY_POLICY_BY_PATH", {})
    matching = [prefix for prefix in overrides if path.startswith(prefix)]
    if matching:
        directives.update(overrides[max(matching, key=len)])
    return build_csp(directives)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        # Settings do not change while the process runs; build the common headers once.
        self.permissions_policy = build_permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = csp_for_path(request.path_info)
        if PERMISSIONS_HEADER not in response:
            response[PERMISSIONS_HEADER] = self.permissions_policy
        return response
