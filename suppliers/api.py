"""Public JSON API for approved suppliers: /api/v1/suppliers and /api/v1/suppliers/{id}.

Decisions (see the OpenAPI descriptions too):
- Pagination is by ``page`` (from 1) and ``page_size`` (1 to 100, default 20). A page_size or
  page outside those bounds is a 400; a page after the last one is a 404. Both answer
  ``{"detail": "..."}`` saying the allowed range. An empty result set still has page 1.
- ``certifications`` lists every certificate with an ``expired`` flag, so a client can tell
  "expired" from "never had one"; the directory shows only in-date ones as badges.
- Location: ``latitude``/``longitude`` are rounded to 4 decimal places. In Northern Ireland
  the data licence allows district precision only, so there they are the district centroid
  (from the postcode lookup) and ``postcode`` is the outward code only ("BT1").
"""

import datetime
import math

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from . import selectors
from .filters import SupplierFilterForm
from .models import SupplierProfile

router = Router(tags=["suppliers"])

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class CertificationOut(Schema):
    scheme: str = Field(description="Scheme code, for example cyber_essentials")
    name: str
    expires: datetime.date
    expired: bool


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
    postcode: str | None = Field(description="Outward code only in Northern Ireland")
    district: str | None
    region: str | None = Field(description="ITL1 code where the supplier is based, e.g. TLE")
    latitude: float | None = Field(description="4 dp; district centroid in Northern Ireland")
    longitude: float | None = Field(description="4 dp; district centroid in Northern Ireland")
    regions_served: list[str] = Field(description="ITL1 codes; all 12 if they serve the UK")
    remote_delivery: bool
    capabilities: list[str] = Field(description="Capability slugs")
    certifications: list[CertificationOut] = Field(
        description="Every certificate, in date or not: check `expired`"
    )
    url: str = Field(description="The supplier's public profile page")


class SupplierPage(Schema):
    count: int
    next: str | None
    previous: str | None
    results: list[SupplierOut]


class Error(Schema):
    detail: str


class SupplierQuery(Schema):
    text: str | None = Field(None, description="Words in the name or summary")
    region: str | None = Field(None, description="ITL1 code where the supplier is based")
    serves: str | None = Field(None, description="ITL1 code the supplier works in")
    sme: bool | None = Field(None, description="true: SMEs only")
    size_band: list[str] = Field(default_factory=list, description="micro, small, ...")
    vcse: bool | None = Field(None, description="true: VCSEs only")
    capability: str | None = Field(None, description="Capability slug; a heading's slug too")
    certification: str | None = Field(None, description="Scheme code held and in date")
    remote: bool | None = Field(None, description="true: can deliver remotely")
    page: int = Field(1, description="Page number, from 1")
    page_size: int = Field(DEFAULT_PAGE_SIZE, description=f"Results per page, 1 to {MAX_PAGE_SIZE}")


def _filter_form(query: SupplierQuery) -> SupplierFilterForm:
    data: dict = {
        "text": query.text or "",
        "region": query.region or "",
        "serves": query.serves or "",
        "capability": query.capability or "",
        "certification": query.certification or "",
        "size_band": query.size_band,
    }
    for flag in ("sme", "vcse", "remote"):
        if getattr(query, flag):
            data[flag] = "on"
    return SupplierFilterForm(data)


def _form_error(form: SupplierFilterForm) -> str:
    return "; ".join(
        f"{name}: {message}" for name, messages in form.errors.items() for message in messages
    )


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def _supplier_out(request: HttpRequest, profile: SupplierProfile, all_regions: list[str]) -> dict:
    latitude, longitude = selectors.public_coordinates(profile)
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
        "postcode": selectors.public_postcode(profile) or None,
        "district": profile.district_name or None,
        "region": profile.region_id,
        "latitude": latitude,
        "longitude": longitude,
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
    }


@router.get(
    "",
    response={200: SupplierPage, 400: Error, 404: Error},
    summary="List approved suppliers",
    description=(
        f"Approved suppliers, by name. `page_size` must be 1 to {MAX_PAGE_SIZE} "
        f"(default {DEFAULT_PAGE_SIZE}) and `page` at least 1, otherwise 400; a page after "
        "the last is 404. Filters are the same as the supplier directory's."
    ),
)
def list_suppliers(request: HttpRequest, query: Query[SupplierQuery]):
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        return Status(400, {"detail": f"page_size must be between 1 and {MAX_PAGE_SIZE}"})
    if query.page < 1:
        return Status(400, {"detail": "page must be 1 or more"})
    form = _filter_form(query)
    if not form.is_valid():
        return Status(400, {"detail": _form_error(form)})
    suppliers = selectors.supplier_list_public(filters=form.to_filters())
    count = suppliers.count()
    last_page = max(1, math.ceil(count / query.page_size))
    if query.page > last_page:
        return Status(
            404,
            {"detail": f"Page {query.page} does not exist: choose a page from 1 to {last_page}"},
        )
    start = (query.page - 1) * query.page_size
    profiles = list(suppliers[start : start + query.page_size])
    all_regions = selectors.region_codes() if any(p.serves_whole_uk for p in profiles) else []
    return Status(
        200,
        {
            "count": count,
            "next": _page_url(request, query.page + 1) if query.page < last_page else None,
            "previous": _page_url(request, query.page - 1) if query.page > 1 else None,
            "results": [_supplier_out(request, p, all_regions) for p in profiles],
        },
    )


@router.get(
    "/{int:supplier_id}",
    response={200: SupplierOut, 404: Error},
    summary="One approved supplier",
)
def get_supplier(request: HttpRequest, supplier_id: int):
    try:
        profile = selectors.supplier_get_for_api(pk=supplier_id)
    except SupplierProfile.DoesNotExist:
        return Status(404, {"detail": f"There is no approved supplier with id {supplier_id}"})
    all_regions = selectors.region_codes() if profile.serves_whole_uk else []
    return Status(200, _supplier_out(request, profile, all_regions))
