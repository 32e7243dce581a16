"""Loading the rows of one page of hits, in hit order.

A backend pages only ids over its narrow index table; the wide rows of the page (20 by default)
are read afterwards, by id, in a constant number of queries whatever the page or the data size:

- pages get model instances with what the list templates show (the list selectors' own
  ``select_related``/``prefetch_related``);
- the API gets plain dicts with the same fields as the list APIs (``suppliers.api`` and
  ``challenges.api``), read with ``values()`` so no model instances are built: one query for the
  rows and one per many-valued field, and the URL built by string formatting rather than by
  ``reverse()`` per row.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
from collections import defaultdict

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from challenges.models import Challenge
from challenges.selectors import challenges as challenge_selectors
from marketplace.core import geo
from marketplace.core.registry import lookup
from suppliers import selectors as supplier_selectors
from suppliers.api import NO_RATING
from suppliers.filters import SupplierFilters
from suppliers.models import Certification, SupplierProfile

from .query import SearchResult

_SLUG = "--slug--"


def _in_order(objects, ids: list[int]) -> list:
    by_id = {obj.pk: obj for obj in objects}
    return [by_id[pk] for pk in ids if pk in by_id]


def safe_highlight(text: str) -> SafeString:
    """A backend's highlight as HTML in which only ``<mark>`` survives, whatever it escaped."""
    escaped = html.escape(html.unescape(text or ""), quote=True)
    return mark_safe(  # noqa: S308 - everything but <mark> is escaped on the line above
        escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
    )


def supplier_objects(result: SearchResult) -> list[SupplierProfile]:
    """The page's suppliers for the directory template, each with ``hit`` (distance, highlight)."""
    ids = result.ids
    if not ids:
        return []
    qs = supplier_selectors.supplier_list_public(filters=SupplierFilters()).filter(pk__in=ids)
    profiles = _in_order(qs, ids)
    hits = {hit.id: hit for hit in result.hits}
    for profile in profiles:
        profile.hit = hits[profile.pk]
        profile.search_highlight = safe_highlight(profile.hit.highlight)
    return profiles


def challenge_objects(result: SearchResult) -> list[Challenge]:
    """The page's challenges for the list template, each with ``hit``."""
    ids = result.ids
    if not ids:
        return []
    qs = challenge_selectors.challenge_list_public(
        filters=challenge_selectors.ChallengeFilters(status="")
    ).filter(pk__in=ids)
    challenges = _in_order(qs, ids)
    hits = {hit.id: hit for hit in result.hits}
    for challenge in challenges:
        challenge.hit = hits[challenge.pk]
        challenge.search_highlight = safe_highlight(challenge.hit.highlight)
    return challenges


# --- API rows --------------------------------------------------------------------------------

_SUPPLIER_FIELDS = (
    "pk",
    "slug",
    "legal_name",
    "trading_name",
    "summary",
    "is_sme",
    "size_band",
    "is_vcse",
    "vcse_type",
    "company_number",
    "district_name",
    "postcode",
    "region_id",
    "latitude",
    "longitude",
    "serves_whole_uk",
    "remote_delivery",
)


def _url_template(request, name: str) -> str:
    return request.build_absolute_uri(reverse(name, args=[_SLUG]))


def _round_point(value: float | None) -> float | None:
    if value is None:
        return None
    return round(value, supplier_selectors.PUBLIC_POINT_DECIMAL_PLACES)


def _public_point(row: dict) -> dict:
    """As ``suppliers.selectors.public_location``: both rounded, or both None."""
    if row["latitude"] is None or row["longitude"] is None:
        return {"latitude": None, "longitude": None}
    return {"latitude": _round_point(row["latitude"]), "longitude": _round_point(row["longitude"])}


_CAPABILITY_ORDER = ("capability__parent__order", "capability__order", "capability__name")
_SCHEME_NAMES = dict(Certification.Scheme.choices)


def _certification_out(scheme: str, other_name: str, expires: dt.date, today: dt.date) -> dict:
    """As ``Certification.name`` and ``.is_expired``, without building the model."""
    return {
        "scheme": scheme,
        "name": other_name if scheme == Certification.Scheme.OTHER else _SCHEME_NAMES[scheme],
        "expires": expires,
        "expired": expires < today,
    }


@functools.cache
def _one_query_statement() -> tuple[str, tuple, int]:
    """PostgreSQL: the page's rows with their capabilities, certificates and regions as arrays,
    compiled once per process (building and compiling the ORM query costs several times what
    running it does). The ids travel as one array parameter; returns (sql, params, the position
    of that parameter)."""
    capabilities = ArraySubquery(
        SupplierProfile.capabilities.through.objects.filter(supplierprofile_id=OuterRef("pk"))
        .order_by(*_CAPABILITY_ORDER)
        .values("capability__slug")
    )
    certifications = ArraySubquery(
        Certification.objects.filter(profile_id=OuterRef("pk"))
        .order_by("scheme", "pk")
        .values(c=JSONObject(s="scheme", o="other_name", e="expires_on"))
    )
    served = ArraySubquery(
        SupplierProfile.regions_served.through.objects.filter(supplierprofile_id=OuterRef("pk"))
        .order_by("region__order")
        .values("region_id")
    )
    table = SupplierProfile._meta.db_table
    ids = ["ids"]  # stands for the page's ids; found again by identity below
    qs = (
        SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED)
        .extra(where=[f'"{table}"."id" = ANY(%s)'], params=[ids])  # noqa: S610 - constant
        .annotate(_caps=capabilities, _certs=certifications, _served=served)
        .values(*_SUPPLIER_FIELDS, "_caps", "_certs", "_served")
    )
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params), next(i for i, p in enumerate(params) if p is ids)


def _supplier_parts_one_query(ids: list[int]):
    """PostgreSQL: everything about the page's suppliers in ONE query (round trips dominate
    the cost of a page of 20)."""
    sql, params, position = _one_query_statement()
    params = list(params)
    params[position] = list(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        fetched = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    today = timezone.localdate()
    rows, caps, certs, regions = {}, {}, {}, {}
    for row in fetched:
        pk = row["pk"]
        rows[pk] = row
        caps[pk] = row["_caps"]
        regions[pk] = row["_served"]
        certs[pk] = [
            _certification_out(c["s"], c["o"], dt.date.fromisoformat(c["e"]), today)
            for c in map(_json, row["_certs"])
        ]
    return rows, caps, certs, regions


def _json(value):
    # Django's PostgreSQL connection leaves jsonb as text for the ORM's fields to parse.
    return json.loads(value) if isinstance(value, str) else value


def _supplier_parts(ids: list[int]):
    """Other databases: the rows, then one query per many-valued field."""
    rows = {
        row["pk"]: row
        for row in SupplierProfile.objects.filter(
            pk__in=ids, status=SupplierProfile.Status.APPROVED
        ).values(*_SUPPLIER_FIELDS)
    }
    capabilities = defaultdict(list)
    for profile_id, slug in (
        SupplierProfile.capabilities.through.objects.filter(supplierprofile_id__in=ids)
        .order_by(*_CAPABILITY_ORDER)
        .values_list("supplierprofile_id", "capability__slug")
    ):
        capabilities[profile_id].append(slug)
    today = timezone.localdate()
    certifications = defaultdict(list)
    for profile_id, scheme, other_name, expires in (
        Certification.objects.filter(profile_id__in=ids)
        .order_by("scheme", "pk")
        .values_list("profile_id", "scheme", "other_name", "expires_on")
    ):
        certifications[profile_id].append(_certification_out(scheme, other_name, expires, today))
    served = defaultdict(list)
    for profile_id, code in (
        SupplierProfile.regions_served.through.objects.filter(supplierprofile_id__in=ids)
        .order_by("region__order")
        .values_list("supplierprofile_id", "region_id")
    ):
        served[profile_id].append(code)
    return rows, capabilities, certifications, served


def supplier_rows(result: SearchResult, *, request) -> list[dict]:
    """The same fields as ``GET /api/v1/suppliers`` results, plus ``distance_miles`` (0.1 mile)
    when the search had a place, and ``highlight``. One query on PostgreSQL (four elsewhere), plus
    one for the page's ratings."""
    ids = result.ids
    if not ids:
        return []
    if connection.vendor == "postgresql":
        rows, capabilities, certifications, served = _supplier_parts_one_query(ids)
    else:
        rows, capabilities, certifications, served = _supplier_parts(ids)
    all_regions = [code for code, _ in geo.regions()]
    ratings = lookup("supplier_rating", ids)
    url = _url_template(request, "suppliers:detail")
    with_distance = any(hit.distance_miles is not None for hit in result.hits)
    out = []
    for hit in result.hits:
        row = rows.get(hit.id)
        if row is None:  # unpublished between the search and this read
            continue
        pk = row["pk"]
        item = {
            "id": pk,
            "slug": row["slug"],
            "name": row["trading_name"] or row["legal_name"],
            "legal_name": row["legal_name"],
            "summary": row["summary"],
            "sme": row["is_sme"] is True,
            "size_band": row["size_band"] or None,
            "vcse": row["is_vcse"],
            "vcse_type": row["vcse_type"] or None,
            "company_number": row["company_number"] or None,
            "location": {
                "district": row["district_name"] or None,
                "outward_code": row["postcode"].strip().upper().split(" ", 1)[0] or None,
                "region": row["region_id"],
                **_public_point(row),
            },
            "regions_served": all_regions if row["serves_whole_uk"] else served.get(pk, []),
            "remote_delivery": row["remote_delivery"],
            "capabilities": capabilities.get(pk, []),
            "certifications": certifications.get(pk, []),
            "url": url.replace(_SLUG, row["slug"]),
            "rating": ratings.get(pk, NO_RATING),
            "highlight": hit.highlight,
        }
        if with_distance:
            item["distance_miles"] = (
                round(hit.distance_miles, 1) if hit.distance_miles is not None else None
            )
        out.append(item)
    return out


def challenge_rows(result: SearchResult, *, request) -> list[dict]:
    """The same fields as ``GET /api/v1/challenges`` results, plus ``distance_miles`` and
    ``highlight``."""
    challenges = challenge_objects(result)
    url = _url_template(request, "challenges:detail")
    with_distance = any(hit.distance_miles is not None for hit in result.hits)
    out = []
    for challenge in challenges:
        hit = challenge.hit
        item = {
            "id": challenge.pk,
            "slug": challenge.slug,
            "title": challenge.title,
            "status": challenge.status,
            "mode": challenge.mode,
            "procedure": challenge.procedure,
            "buyer": {"id": challenge.buyer_id, "name": challenge.buyer.name},
            "budget_pence": challenge.budget_pence,
            "opens_at": challenge.current_opens_at,
            "closes_at": challenge.current_closes_at,
            "capabilities": [c.slug for c in challenge.capabilities.all()],
            "region": challenge.region_id,
            "url": url.replace(_SLUG, challenge.slug),
            "highlight": hit.highlight,
        }
        if with_distance:
            item["distance_miles"] = (
                round(hit.distance_miles, 1) if hit.distance_miles is not None else None
            )
        out.append(item)
    return out
