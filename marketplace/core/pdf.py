"""PDFs from Django templates with WeasyPrint (receipts, contracts).

``render_pdf("pdf/receipt.html", context)`` renders the template (which extends
``pdf/base.html``) with the GOV.UK-like print stylesheet ``pdf/print.css`` and returns the PDF
bytes. Nothing is fetched over the network: a template that points at a remote URL gets
nothing back, so a PDF can never be used to make the server call out.
"""

from __future__ import annotations

from django.template.loader import render_to_string

PRINT_STYLESHEET = "pdf/print.css"


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"PDFs do not load external resources ({url[:60]})")


def _fetcher():
    """A WeasyPrint fetcher that fetches nothing: any URL is skipped with a warning."""
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url, headers=None):
            _no_fetching(url)

    return NoFetching(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)


def render_pdf(template: str, context: dict) -> bytes:
    """Render ``template`` with ``context`` to PDF bytes."""
    from weasyprint import CSS, HTML  # imported late: it loads fonts and native libraries

    html = render_to_string(template, context)
    stylesheet = CSS(string=render_to_string(PRINT_STYLESHEET, context))
    document = HTML(string=html, base_url=None, url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=[stylesheet])
