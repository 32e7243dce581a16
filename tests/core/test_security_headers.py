"""Content-Security-Policy and Permissions-Policy on every response, no inline script in any
template, the API docs page served from our own origin, and /.well-known/security.txt."""

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from marketplace import urls as site_urls
from marketplace.core.security_headers import (
    SecurityHeadersMiddleware,
    build_csp,
    build_permissions_policy,
    csp_for_path,
)

REPO = Path(__file__).resolve().parents[2]
CSP = "Content-Security-Policy"
PERMISSIONS = "Permissions-Policy"


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_public_policy(response):
    policy = directives(response[CSP])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for name in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{name}=()" in response[PERMISSIONS]


# --- Every kind of response carries the headers ----------------------------------------------


@pytest.mark.django_db
def test_public_page_has_the_strict_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert_public_policy(response)


@pytest.mark.django_db
def test_not_found_page_has_the_headers(client):
    response = client.get("/no-such-page-here/")
    assert response.status_code == 404
    assert_public_policy(response)


@pytest.mark.django_db
def test_api_response_has_the_headers(client):
    response = client.get("/api/v1/suppliers")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_public_policy(response)


@pytest.mark.django_db
def test_openapi_document_has_the_headers(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert_public_policy(response)


@pytest.mark.django_db
def test_wagtail_admin_redirect_has_the_admin_policy(client):
    response = client.get("/cms/")
    assert response.status_code == 302
    policy = directives(response[CSP])
    # Looser than public pages (Wagtail's own inline scripts) but never framed by other sites.
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "camera=()" in response[PERMISSIONS]


def test_wagtail_admin_page_for_staff_has_the_admin_policy(client, staff_user, mfa_login):
    mfa_login(client, staff_user)
    response = client.get("/cms/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in directives(response[CSP])["script-src"]


def test_django_admin_page_for_staff_has_the_strict_policy(client, staff_user, mfa_login):
    # Django's admin runs no inline script, so it keeps the public policy.
    mfa_login(client, staff_user)
    response = client.get("/django-admin/")
    assert response.status_code == 200
    assert_public_policy(response)


@pytest.mark.django_db
def test_django_admin_redirect_has_the_strict_policy(client):
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert_public_policy(response)


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_file_served_by_the_app_has_the_headers():
    # A new client builds the middleware chain with the overridden WhiteNoise settings.
    response = Client().get("/static/js/init.js")
    assert response.status_code == 200
    assert b"initAll" in b"".join(response.streaming_content)
    assert_public_policy(response)


def _boom(request):
    raise RuntimeError("deliberate failure")


# The site's own URLs too: the error page's header links to them.
urlpatterns = [path("boom", _boom), *site_urls.urlpatterns]
handler500 = site_urls.handler500


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_has_the_headers():
    response = Client(raise_request_exception=False).get("/boom")
    assert response.status_code == 500
    assert_public_policy(response)


@pytest.mark.django_db
def test_security_txt_has_the_headers(client):
    assert_public_policy(client.get("/.well-known/security.txt"))


# --- The policy itself ------------------------------------------------------------------------


def test_public_policy_allows_no_inline_or_eval_script():
    policy = directives(csp_for_path("/suppliers/"))
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]


def test_api_docs_page_keeps_the_public_policy():
    # Swagger UI from django-ninja's static files runs with no inline script or style.
    assert csp_for_path("/api/v1/docs") == csp_for_path("/")


def test_admin_prefix_does_not_loosen_lookalike_public_paths():
    assert directives(csp_for_path("/cmsx/"))["script-src"] == ["'self'"]
    assert directives(csp_for_path("/suppliers/cms/"))["script-src"] == ["'self'"]


@override_settings(
    CONTENT_SECURITY_POLICY={"default-src": ["'self'"], "img-src": ["'self'"]},
    CONTENT_SECURITY_POLICY_BY_PATH={
        "/a/": {"img-src": ["'self'", "data:"]},
        "/a/b/": {"img-src": ["'none'"]},
    },
)
def test_longest_matching_prefix_wins():
    assert csp_for_path("/z/") == "default-src 'self'; img-src 'self'"
    assert csp_for_path("/a/x") == "default-src 'self'; img-src 'self' data:"
    assert csp_for_path("/a/b/x") == "default-src 'self'; img-src 'none'"


def test_headers_are_written_in_their_standard_syntax():
    assert build_csp({"default-src": ["'self'"], "upgrade-insecure-requests": []}) == (
        "default-src 'self'; upgrade-insecure-requests"
    )
    assert build_permissions_policy(
        {"camera": [], "fullscreen": ["self", "https://example.org"]}
    ) == ('camera=(), fullscreen=(self "https://example.org")')


def test_a_view_that_sets_its_own_policy_keeps_it():
    def view(request):
        response = HttpResponse("ok")
        response[CSP] = "default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))
    assert response[CSP] == "default-src 'none'"
    assert "camera=()" in response[PERMISSIONS]


# --- No inline script in any template ---------------------------------------------------------

# Data blocks are not run by the browser, so the policy does not need to (and cannot) refuse them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}
TEMPLATE_DIRS = sorted(
    p
    for p in REPO.glob("**/templates")
    if p.is_dir() and not {".venv", "node_modules", "staticfiles"} & set(p.parts)
)


class InlineScriptFinder(HTMLParser):
    """Collects what a strict policy would refuse: inline <script>, on* handler attributes,
    style attributes and javascript: links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            if not attributes.get("src") and kind not in DATA_SCRIPT_TYPES:
                self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= handler at line {self.getpos()[0]}")
            if name == "style":
                self.problems.append(f"style= attribute at line {self.getpos()[0]}")
            if value and re.match(r"\s*javascript:", value, re.IGNORECASE):
                self.problems.append(f"javascript: URL at line {self.getpos()[0]}")


def inline_script_problems(source: str) -> list[str]:
    # Template tags are not HTML: a placeholder keeps src="{% static ... %}" non-empty without
    # confusing the parser.
    finder = InlineScriptFinder()
    finder.feed(re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "TAG", source, flags=re.DOTALL))
    return finder.problems


def test_template_folders_were_found():
    found = {str(p.relative_to(REPO)) for p in TEMPLATE_DIRS}
    assert {"marketplace/templates", "suppliers/templates"} <= found


def test_the_scanner_catches_what_the_policy_would_refuse():
    assert inline_script_problems("<script>alert(1)</script>")
    assert inline_script_problems('<script type="module">import "x";</script>')
    assert inline_script_problems('<a href="#" onclick="go()">Go</a>')
    assert inline_script_problems('<div style="color: red"></div>')
    assert inline_script_problems('<a href="javascript:go()">Go</a>')
    assert not inline_script_problems("<script src=\"{% static 'js/init.js' %}\"></script>")
    assert not inline_script_problems('<script type="application/json">{"a": 1}</script>')


@pytest.mark.parametrize(
    "template",
    [p for d in TEMPLATE_DIRS for p in sorted(d.rglob("*.html")) if "email" not in p.parts],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_template_has_no_inline_script(template):
    assert inline_script_problems(template.read_text()) == []


# --- The API docs page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_docs_page_loads_nothing_from_another_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_public_policy(response)
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls, "the page should load its scripts and styles"
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "cdn." not in html


@pytest.mark.django_db
@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_api_docs_assets_are_served_by_the_app():
    client = Client()
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert client.get(f"/static/{asset}").status_code == 200, asset


# --- /.well-known/security.txt ----------------------------------------------------------------


@pytest.mark.django_db
def test_security_txt_says_where_to_report(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = dict(
        line.split(": ", 1) for line in response.content.decode().splitlines() if line.strip()
    )
    assert fields["Contact"] == "mailto:security@marketplace.localhost"
    assert fields["Canonical"] == "http://testserver/.well-known/security.txt"
    expires = datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    # RFC 9116: in the future, and no more than a year away.
    assert datetime.now(UTC) < expires < datetime.now(UTC) + timedelta(days=365)


@pytest.mark.django_db
def test_security_txt_refuses_writes(client):
    assert client.post("/.well-known/security.txt").status_code == 405
