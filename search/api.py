"""Search API: ``GET /api/v1/search/suppliers`` and ``GET /api/v1/search/challenges``.

Parameters are those of the pages (``search.forms``), parsed by the same forms, so a page URL
and an API URL for the same search differ only in their path. Any problem with the query string
is a 400 naming the parameter at fault: ``{"errors": {"near": "We could not find ..."}}``;
unknown parameters are refused (``{"errors": {"text": "Unknown parameter"}}``) so a typing
mistake is never silently ignored. A page after the last one is a 400 on ``page`` too.

Results carry the fields of the list APIs (``/api/v1/suppliers``, ``/api/v1/challenges``) plus
``highlight`` (the matched words wrapped in ``<mark>``, the rest escaped) and, when ``near`` is
given, ``distance_miles`` rounded to 0.1 mile (the exact point stays on the server).
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from suppliers.api import RatingOut

from . import results
from .forms import ChallengeSearchForm, SearchForm, SupplierSearchForm, last_page
from .query import CHALLENGE_FACETS, MAX_RESULT_WINDOW, SUPPLIER_FACETS

router = Router(tags=["search"])


class Errors(Schema):
    errors: dict[str, str] = Field(description="Parameter name -> what is wrong with it")


class CertificationOut(Schema):
    scheme: str
    name: str
    expires: datetime.date
    expired: bool


class LocationOut(Schema):
    district: str | None
    outward_code: str | None
    region: str | None
    latitude: float | None = Field(description="Rounded to 2 decimal places (about 1 km)")
    longitude: float | None = Field(description="Rounded to 2 decimal places (about 1 km)")


class SupplierHitOut(Schema):
    id: int
    slug: str
    name: str
    legal_name: str
    summary: str
    sme: bool
    size_band: str | None
    vcse: bool
    vcse_type: str | None
    company_number: str | None
    location: LocationOut
    regions_served: list[str]
    remote_delivery: bool
    capabilities: list[str]
    certifications: list[CertificationOut]
    url: str
    rating: RatingOut
    highlight: str = Field(description="Matched words in <mark>; everything else escaped")
    distance_miles: float | None = Field(
        None, description="Only when `near` is given: miles from the place, to 0.1 mile"
    )


class BuyerOut(Schema):
    id: int
    name: str


class ChallengeHitOut(Schema):
    id: int
    slug: str
    title: str
    status: str
    mode: str
    procedure: str
    buyer: BuyerOut
    budget_pence: int
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    capabilities: list[str]
    region: str | None
    url: str
    highlight: str
    distance_miles: float | None = None


class SupplierResults(Schema):
    count: int
    results: list[SupplierHitOut]
    facets: dict[str, dict[str, int]]


class ChallengeResults(Schema):
    count: int
    results: list[ChallengeHitOut]
    facets: dict[str, dict[str, int]]


def _search(form: SearchForm, facets: tuple[str, ...]):
    """(result, errors): runs the form's query, refusing a page after the last one."""
    from search import run

    errors = form.param_errors
    if errors:
        return None, errors
    query = form.query(facets=facets)
    if query.offset >= MAX_RESULT_WINDOW:
        return None, {
            "page": f"Only the first {MAX_RESULT_WINDOW:,} results can be paged through. "
            "Add words or filters to narrow the search"
        }
    result = run(query)
    if query.page > 1 and not result.hits:
        last = last_page(result.total, query.page_size)
        return None, {"page": f"Page {query.page} is after the last page. Choose 1 to {last}"}
    return result, {}


@router.get(
    "/suppliers",
    response={200: SupplierResults, 400: Errors},
    exclude_unset=True,
    summary="Search approved suppliers",
    description=(
        "q (words, all must match), sme=true|false, size_band (micro|small|medium|large, "
        "repeatable), vcse=true|false, region (ITL1 code, repeatable: any of), near (postcode, "
        "outward code or district, e.g. LS1 4AP, LS1, Leeds), radius_miles (default 25, capped "
        "at 1,000), remote=true (also suppliers delivering remotely in that region), "
        "capability (slug; a heading includes its entries; repeatable), certification (scheme "
        "held and in date; repeatable), min_rating (1-5), new_to_public_sector=true, "
        "sort=relevance|distance|rating|name, page, page_size (1-100). Any other parameter is "
        "a 400."
    ),
)
def search_suppliers(request: HttpRequest):
    form = SupplierSearchForm(request.GET, strict=True)
    result, errors = _search(form, SUPPLIER_FACETS)
    if errors:
        return Status(400, {"errors": errors})
    return Status(
        200,
        {
            "count": result.total,
            "results": results.supplier_rows(result, request=request),
            "facets": result.facets,
        },
    )


@router.get(
    "/challenges",
    response={200: ChallengeResults, 400: Errors},
    exclude_unset=True,
    summary="Search public challenges",
    description=(
        "q, status (default open; `any` for every public status; repeatable), buyer "
        "(organisation slug or id; repeatable), capability (slug; repeatable), region (ITL1; "
        "repeatable), near, radius_miles, budget_min and budget_max (pounds), closing_before "
        "(YYYY-MM-DD), procedure (repeatable), mode=competition|open_call, "
        "sort=closing|newest|relevance|budget, page, page_size (1-100). Any other parameter "
        "is a 400."
    ),
)
def search_challenges(request: HttpRequest):
    form = ChallengeSearchForm(request.GET, strict=True)
    result, errors = _search(form, CHALLENGE_FACETS)
    if errors:
        return Status(400, {"errors": errors})
    return Status(
        200,
        {
            "count": result.total,
            "results": results.challenge_rows(result, request=request),
            "facets": result.facets,
        },
    )
