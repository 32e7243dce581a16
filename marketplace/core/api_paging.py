"""Paging for the public JSON API's lists (``/api/v1/...``), one way for every app.

- ``page`` counts from 1 and ``page_size`` runs from 1 to ``MAX_PAGE_SIZE`` (default
  ``DEFAULT_PAGE_SIZE``); anything else is a 400, and a page after the last one a 404 (an empty
  list still has page 1).
- A page answers ``{"count", "next", "previous", "results"}``: ``next`` and ``previous`` are
  absolute URLs that keep the request's other parameters, or null.
- A request a list cannot answer raises ``PageRequestError`` carrying the status and the
  ``detail`` to answer with, so an endpoint turns every such case into its
  ``{"detail": "..."}`` response in one place.
"""

import math
from collections.abc import Collection
from dataclasses import dataclass

from django.http import HttpRequest

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Longer numbers are refused rather than read: no list is that long, and the database's integer
# would overflow.
MAX_DIGITS = 9
MISSING_PAGE = "Page {page} does not exist: choose a page from 1 to {last}"


class PageRequestError(Exception):
    """What to answer instead of a page: ``status`` 400 or 404, and the ``detail`` saying why."""

    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def page_url(request: HttpRequest, page: int) -> str:
    """The absolute URL of another page of the same list, with the same other parameters."""
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def whole_number(request: HttpRequest, name: str, default: int) -> int | None:
    """The query parameter as a whole number, ``default`` when absent or empty, None when it
    is not plain digits (or too long to be one)."""
    text = request.GET.get(name, "")
    if text == "":
        return default
    return int(text) if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS else None


def refuse_unknown_parameters(request: HttpRequest, allowed: Collection[str]) -> None:
    """A 400 naming every parameter the endpoint does not have, so a typo is never ignored."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise PageRequestError(
            400, f"Unknown parameter {', '.join(unknown)}. Use: {', '.join(sorted(allowed))}"
        )


def check_page_bounds(
    *, page: int | None, page_size: int | None, max_page_size: int = MAX_PAGE_SIZE
) -> None:
    """A 400 when the page size (checked first) or the page number is missing or out of range."""
    if page_size is None or not 1 <= page_size <= max_page_size:
        raise PageRequestError(400, f"page_size must be between 1 and {max_page_size}")
    if page is None or page < 1:
        raise PageRequestError(400, "page must be 1 or more")


def read_page_request(
    request: HttpRequest,
    *,
    allowed: Collection[str],
    default_page_size: int = DEFAULT_PAGE_SIZE,
    max_page_size: int = MAX_PAGE_SIZE,
) -> tuple[int, int]:
    """(page, page_size) from the query string, after refusing unknown parameters."""
    refuse_unknown_parameters(request, allowed)
    page_size = whole_number(request, "page_size", default_page_size)
    page = whole_number(request, "page", 1)
    check_page_bounds(page=page, page_size=page_size, max_page_size=max_page_size)
    return page, page_size


@dataclass(frozen=True)
class Page:
    """One page of a list of ``count`` items: items ``start`` to ``stop`` (a slice's bounds)."""

    number: int
    size: int
    count: int
    last: int

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        return self.start + self.size

    def body(self, request: HttpRequest, results: list) -> dict:
        """The page as the API answers it."""
        return {
            "count": self.count,
            "next": page_url(request, self.number + 1) if self.number < self.last else None,
            "previous": page_url(request, self.number - 1) if self.number > 1 else None,
            "results": results,
        }


def page_of(*, count: int, page: int, page_size: int, missing: str = MISSING_PAGE) -> Page:
    """Page ``page`` of ``count`` items, or a 404 (``missing`` formatted with ``page`` and
    ``last``) when it is after the last page."""
    last = max(1, math.ceil(count / page_size))
    if page > last:
        raise PageRequestError(404, missing.format(page=page, last=last))
    return Page(number=page, size=page_size, count=count, last=last)
