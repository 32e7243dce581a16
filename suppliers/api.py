"""Public JSON API for approved suppliers: /api/v1/suppliers and /api/v1/suppliers/{id}.

Decisions (see the OpenAPI descriptions too):
- Pagination is by ``page`` (from 1) and ``page_size`` (1 to 100, default 20). A page_size or
  page outside those bounds is a 400; a page after the last one is a 404. Both answer
  ``{"detail": "..."}`` saying the allowed range. An empty result set still has page 1.
- ``certifications`` lists every certificate with an ``expired`` flag, so a client can tell
  "expired" from "never had one"; the directory shows only in-date ones as badges.
- Location is published at the precision the profile page shows, never the exact point (which
  stays on the server for distance search): ``location`` holds the district, the outward code
  ("LS1"), the ITL1 region and a point rounded to 2 decimal places (about 1 km). In Northern
  Ireland the data licence allows district precision only, so there the point is the district
  centroid.
- ``/api/v1/suppliers/{id_or_slug}`` takes the numeric id or the slug.
- Query parameters are checked strictly, so a typing mistake is never silently ignored: an
  unknown parameter is a 400; a multi-valued filter given more than once matches any of the
  values (``region=TLE&region=TLD``); a single-valued parameter given twice is a 400 rather
  than the last value silently winning. Errors keep the API's one shape:
  ``{"detail": "<parameter>: <what is wrong>"}``.
"""

import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from marketplace.core.api_paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    PageRequestError,
    check_page_bounds,
    page_of,
)
from marketplace.core.registry import lookup

from . import selectors
from .filters import MULTI_VALUED, SupplierFilterForm
from .models import SupplierProfile

router = Router(tags=["suppliers"])

LOCATION_DECIMAL_PLACES = selectors.PUBLIC_POINT_DECIMAL_PLACES
LOCATION_PRECISION = (
    "Published at about 1 km precision, never the exact point: latitude and longitude are "
    f"rounded to {LOCATION_DECIMAL_PLACES} decimal places (about 1.1 km north to south and "
    "0.7 km east to west in the UK). In Northern Ireland the point is the centre of the "
    "district, as the postcode data licence allows district precision only."
)
SINGLE_VALUED = ("text", "sme", "vcse", "remote", "page", "page_size")


class CertificationOut(Schema):
    scheme: str = Field(description="Scheme code, for example cyber_essentials")
    name: str
    expires: datetime.date
    expired: bool


class LocationOut(Schema):
    district: str | None = Field(description="Local authority district, for example Leeds")
    outward_code: str | None = Field(description="First part of the postcode only, e.g. LS1")
    region: str | None = Field(description="ITL1 code where the supplier is based, e.g. TLE")
    latitude: float | None = Field(description=f"Rounded to {LOCATION_DECIMAL_PLACES} dp")
    longitude: float | None = Field(description=f"Rounded to {LOCATION_DECIMAL_PLACES} dp")


class RatingDimensions(Schema):
    delivery: float | None
    quality: float | None
    value: float | None
    communication: float | None


class RatingOut(Schema):
    count: int = Field(description="Published, contract-backed reviews")
    average: float | None = Field(description="Weighted towards a neutral score; null if none")
    dimensions: RatingDimensions


# A supplier nobody has reviewed yet (or a site without the feedback app).
NO_RATING = {
    "count": 0,
    "average": None,
    "dimensions": dict.fromkeys(("delivery", "quality", "value", "communication")),
}


class SupplierOut(Schema):
    id: int
    slug: str
    name: str
    legal_name: str
    summary: str
    sme: bool = Field(description="True for micro, small and medium businesses")
    size_band: str | None = Field(description="micro, small, medium or large")
    vcse: bool = Field(description="Voluntary, community or social enterprise")
    vcse_type: str | None
    company_number: str | None
    location: LocationOut = Field(description=LOCATION_PRECISION)
    regions_served: list[str] = Field(description="ITL1 codes; all 12 if they serve the UK")
    remote_delivery: bool
    capabilities: list[str] = Field(description="Capability slugs")
    certifications: list[CertificationOut] = Field(
        description="Every certificate, in date or not: check `expired`"
    )
    url: str = Field(description="The supplier's public profile page")
    rating: RatingOut = Field(description="Buyers' reviews (see /suppliers/{id}/reviews)")


class SupplierPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[SupplierOut]


class Error(Schema):
    detail: str


class SupplierQuery(Schema):
    text: str | None = Field(None, description="Words in the name or summary")
    region: list[str] = Field(
        default_factory=list, description="ITL1 code where the supplier is based; repeat for any of"
    )
    serves: list[str] = Field(
        default_factory=list, description="ITL1 code the supplier works in; repeat for any of"
    )
    sme: bool | None = Field(None, description="true: SMEs only")
    size_band: list[str] = Field(
        default_factory=list, description="micro, small, medium or large; repeat for any of"
    )
    vcse: bool | None = Field(None, description="true: VCSEs only")
    capability: list[str] = Field(
        default_factory=list,
        description="Capability slug (a heading's slug too); repeat for any of",
    )
    certification: list[str] = Field(
        default_factory=list, description="Scheme code held and in date; repeat for any of"
    )
    remote: bool | None = Field(None, description="true: can deliver remotely")
    page: int = Field(1, description="Page number, from 1")
    page_size: int = Field(DEFAULT_PAGE_SIZE, description=f"Results per page, 1 to {MAX_PAGE_SIZE}")


def _filter_form(query: SupplierQuery) -> SupplierFilterForm:
    data: dict = {"text": query.text or ""}
    for name in MULTI_VALUED:
        data[name] = getattr(query, name)
    for flag in ("sme", "vcse", "remote"):
        if getattr(query, flag):
            data[flag] = "on"
    return SupplierFilterForm(data)


def _form_error(form: SupplierFilterForm) -> str:
    return "; ".join(
        f"{name}: {message}" for name, messages in form.errors.items() for message in messages
    )


def _parameter_problems(request: HttpRequest, allowed: tuple[str, ...]) -> str:
    """Unknown parameters, and single-valued ones given more than once, in the API's error
    wording; "" when there are none."""
    problems = []
    for name in request.GET:
        if name not in allowed:
            known = ", ".join(allowed) if allowed else "none"
            problems.append(f"{name}: Unknown parameter. The parameters are: {known}")
        elif name not in MULTI_VALUED and len(request.GET.getlist(name)) > 1:
            problems.append(f"{name}: Give this parameter once; it takes a single value")
    return "; ".join(problems)


def _supplier_out(
    request: HttpRequest, profile: SupplierProfile, all_regions: list[str], ratings: dict
) -> dict:
    return {
        "id": profile.pk,
        "slug": profile.slug,
        "name": profile.display_name,
        "legal_name": profile.legal_name,
        "summary": profile.summary,
        "sme": profile.is_sme is True,
        "size_band": profile.size_band or None,
        "vcse": profile.is_vcse,
        "vcse_type": profile.vcse_type or None,
        "company_number": profile.company_number or None,
        "location": selectors.public_location(profile),
        "regions_served": (
            all_regions
            if profile.serves_whole_uk
            else [r.code for r in profile.regions_served.all()]
        ),
        "remote_delivery": profile.remote_delivery,
        "capabilities": [c.slug for c in profile.capabilities.all()],
        "certifications": [
            {"scheme": c.scheme, "name": c.name, "expires": c.expires_on, "expired": c.is_expired}
            for c in profile.certifications.all()
        ],
        "url": request.build_absolute_uri(reverse("suppliers:detail", args=[profile.slug])),
        "rating": ratings.get(profile.pk, NO_RATING),
    }


@router.get(
    "",
    response={200: SupplierPage, 400: Error, 404: Error},
    summary="List approved suppliers",
    description=(
        f"Approved suppliers, by name. `page_size` must be 1 to {MAX_PAGE_SIZE} "
        f"(default {DEFAULT_PAGE_SIZE}) and `page` at least 1, otherwise 400; a page after "
        "the last is 404. Filters are the same as the supplier directory's. "
        f"{', '.join(MULTI_VALUED)} may be repeated to match any of the values "
        "(`region=TLE&region=TLD`); any other parameter given twice, or a parameter this "
        "endpoint does not have, is 400."
    ),
)
def list_suppliers(request: HttpRequest, query: Query[SupplierQuery]):
    problems = _parameter_problems(request, (*SINGLE_VALUED, *MULTI_VALUED))
    if problems:
        return Status(400, {"detail": problems})
    try:
        check_page_bounds(page=query.page, page_size=query.page_size)
        form = _filter_form(query)
        if not form.is_valid():
            return Status(400, {"detail": _form_error(form)})
        suppliers = selectors.supplier_list_public(filters=form.to_filters())
        window = page_of(count=suppliers.count(), page=query.page, page_size=query.page_size)
    except PageRequestError as exc:
        return Status(exc.status, {"detail": exc.detail})
    profiles = list(suppliers[window.start : window.stop])
    all_regions = selectors.region_codes() if any(p.serves_whole_uk for p in profiles) else []
    ratings = lookup("supplier_rating", [p.pk for p in profiles])
    results = [_supplier_out(request, p, all_regions, ratings) for p in profiles]
    return Status(200, window.body(request, results))


# Longer numbers cannot be an id (and would overflow the database's integer).
MAX_ID_DIGITS = 18


@router.get(
    "/{id_or_slug}",
    response={200: SupplierOut, 400: Error, 404: Error},
    summary="One approved supplier, by id or slug",
    description="`id_or_slug` is the supplier's numeric `id` or its `slug`: digits only are "
    "read as an id, anything else as a slug. 404 if there is no approved supplier with it.",
)
def get_supplier(request: HttpRequest, id_or_slug: str):
    problems = _parameter_problems(request, ())
    if problems:
        return Status(400, {"detail": problems})
    try:
        if id_or_slug.isascii() and id_or_slug.isdigit():
            if len(id_or_slug) > MAX_ID_DIGITS:
                raise SupplierProfile.DoesNotExist
            profile = selectors.supplier_get_for_api(pk=int(id_or_slug))
        else:
            profile = selectors.supplier_get_for_api_by_slug(slug=id_or_slug[:220])
    except SupplierProfile.DoesNotExist:
        what = "id" if id_or_slug.isascii() and id_or_slug.isdigit() else "address"
        return Status(404, {"detail": f"There is no approved supplier with {what} {id_or_slug}"})
    all_regions = selectors.region_codes() if profile.serves_whole_uk else []
    ratings = lookup("supplier_rating", [profile.pk])
    return Status(200, _supplier_out(request, profile, all_regions, ratings))
