"""The one document builder: what each backend knows about a supplier or a challenge.

``supplier_document(profile)`` and ``challenge_document(challenge)`` return plain dicts (or
``None`` when the object must not be searchable: only approved suppliers and public challenges
are). The database backend's rows (``search.models``) and Elasticsearch's documents are both
made from these dicts, so the two backends index the same facts.

The bulk iterators read a batch of objects with a constant number of queries, whatever the batch
size; the single-object builders are the iterators with one id.

Text fields and their weights (PostgreSQL ``setweight``; Elasticsearch boosts):
``name`` A, ``capability_names`` B, ``summary`` C, ``other_text`` D (``weighted_text``).

Facts a backend filters by, and what they mean:
- ``capability_slugs``: every capability the object has, with all its headings (so a heading's
  slug finds its entries); ``capability_top``: just the headings (the capability facet).
- ``certifications``: ``[{"scheme", "expires_on"}]``, one per scheme with its latest expiry;
  "in date" is decided at query time (``expires_on >= today``).
- ``remote_regions``: ITL1 codes a supplier serves remotely (all regions when it serves the whole
  UK), empty unless it delivers remotely. ``include_remote`` adds suppliers whose list holds the
  searched point's region.
- ``new_to_public_sector``: the supplier said it has no public sector experience.
- Challenges: ``buyer_ids`` holds the buyer and co-funders; ``uk_wide`` challenges match every
  region and every point; ``closes_at`` is the current phase's closing time (``None`` for open
  calls); ``published_at`` orders "newest".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch

from challenges.models import Challenge, Phase
from marketplace.accounts.models import Organisation
from marketplace.core.registry import lookup
from suppliers.models import (
    Capability,
    CaseStudy,
    Certification,
    Listing,
    Region,
    SupplierProfile,
)

BATCH_SIZE = 500

PUBLIC_CHALLENGE_STATUSES = tuple(
    s
    for s in Challenge.Status.values
    if s not in (Challenge.Status.DRAFT, Challenge.Status.IN_REVIEW)
)


def weighted_text(document: dict) -> dict[str, str]:
    """The document's searchable text by PostgreSQL weight letter."""
    return {
        "A": document["name"],
        "B": " ".join(document["capability_names"]),
        "C": document["summary"],
        "D": document["other_text"],
    }


def sort_key(text: str) -> str:
    """Name order that every database agrees on: lower case letters and digits only."""
    return "".join(ch for ch in text.lower() if ch.isalnum())[:200]


# --- Capabilities -----------------------------------------------------------------------------


class _Taxonomy:
    """All capabilities, read once per batch: slugs with their headings, and names."""

    def __init__(self):
        rows = list(Capability.objects.values_list("pk", "slug", "name", "parent_id"))
        self.by_pk = {pk: (slug, name, parent) for pk, slug, name, parent in rows}

    def expand(self, pks: Iterable[int]) -> tuple[list[str], list[str], list[str]]:
        """(names and slugs, each with every heading above it; top-level slugs), sorted."""
        names, slugs, top = set(), set(), set()
        for pk in pks:
            if pk not in self.by_pk:
                continue
            seen = set()
            current = pk
            while current is not None and current not in seen and current in self.by_pk:
                seen.add(current)
                slug, name, parent = self.by_pk[current]
                names.add(name)
                slugs.add(slug)
                if parent is None:
                    top.add(slug)
                current = parent
        return sorted(names), sorted(slugs), sorted(top)


def _rating_summaries(ids: list[int]) -> dict[int, tuple[int, float]]:
    """``{supplier id: (count, average)}`` from whichever app answers the ``supplier_rating``
    lookup (the feedback app; none when it is not installed)."""
    return {
        pk: (rating["count"], rating["average"])
        for pk, rating in lookup("supplier_rating", ids).items()
    }


def _join(*parts) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


# --- Suppliers --------------------------------------------------------------------------------


def supplier_queryset():
    """The suppliers that are searchable (approved)."""
    return SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED).order_by("pk")


_PROFILE_FIELDS = (
    "pk",
    "slug",
    "legal_name",
    "trading_name",
    "summary",
    "size_band",
    "is_sme",
    "is_vcse",
    "region_id",
    "latitude",
    "longitude",
    "remote_delivery",
    "serves_whole_uk",
    "has_public_sector_experience",
)


def _all_region_codes() -> list[str]:
    return list(Region.objects.order_by("order").values_list("code", flat=True))


def _grouped(rows) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for key, *rest in rows:
        out[key].append(rest[0] if len(rest) == 1 else rest)
    return out


def _supplier_parts(chunk: list[int]) -> dict[str, dict[int, list]]:
    """Everything multi-valued about a batch of suppliers: one plain query per kind of thing
    (rows as tuples: model instances and prefetching cost more than the queries)."""
    capabilities = SupplierProfile.capabilities.through.objects.filter(
        supplierprofile_id__in=chunk
    ).values_list("supplierprofile_id", "capability_id")
    served = SupplierProfile.regions_served.through.objects.filter(
        supplierprofile_id__in=chunk
    ).values_list("supplierprofile_id", "region_id")
    certifications = Certification.objects.filter(profile_id__in=chunk).values_list(
        "profile_id", "scheme", "expires_on"
    )
    case_studies = CaseStudy.objects.filter(profile_id__in=chunk).values_list(
        "profile_id", "title", "buyer_name", "challenge", "outcome", "place"
    )
    listings = Listing.objects.filter(profile_id__in=chunk).values_list(
        "profile_id", "title", "summary"
    )
    return {
        "capabilities": _grouped(capabilities),
        "served": _grouped(served),
        "certifications": _grouped(certifications),
        "case_studies": _grouped(case_studies),
        "listings": _grouped(listings),
    }


def _build_supplier(profile: dict, parts, taxonomy, ratings, all_regions) -> dict:
    pk = profile["pk"]
    names, slugs, top = taxonomy.expand(parts["capabilities"].get(pk, ()))
    certifications: dict[str, dt.date] = {}
    for scheme, expires_on in parts["certifications"].get(pk, ()):
        if scheme not in certifications or expires_on > certifications[scheme]:
            certifications[scheme] = expires_on
    if profile["remote_delivery"]:
        served = all_regions if profile["serves_whole_uk"] else sorted(parts["served"].get(pk, ()))
    else:
        served = []
    count, average = ratings.get(pk, (0, None))
    has_point = profile["latitude"] is not None and profile["longitude"] is not None
    other = [_join(*case_study) for case_study in parts["case_studies"].get(pk, ())]
    other += [_join(*listing) for listing in parts["listings"].get(pk, ())]
    display_name = profile["trading_name"] or profile["legal_name"]
    return {
        "id": pk,
        "slug": profile["slug"],
        "name": _join(profile["legal_name"], profile["trading_name"]),
        "display_name": display_name,
        "sort_name": sort_key(display_name),
        "summary": profile["summary"] or "",
        "capability_names": names,
        "other_text": "\n".join(other),
        "capability_slugs": slugs,
        "capability_top": top,
        "size_band": profile["size_band"] or "",
        "is_sme": profile["is_sme"],
        "is_vcse": bool(profile["is_vcse"]),
        "region": profile["region_id"] or "",
        "location": (
            {"lat": profile["latitude"], "lon": profile["longitude"]} if has_point else None
        ),
        "remote_regions": served,
        "certifications": [
            {"scheme": scheme, "expires_on": expires_on}
            for scheme, expires_on in sorted(certifications.items())
        ],
        "rating_count": count or 0,
        "rating_average": float(average) if average is not None else None,
        "new_to_public_sector": profile["has_public_sector_experience"] is False,
    }


def iter_supplier_documents(
    ids: Iterable[int] | None = None, *, batch_size: int = BATCH_SIZE
) -> Iterator[dict]:
    """Documents for the approved suppliers among ``ids`` (all when ``None``), in id order.
    Eight queries per batch of ``batch_size``, whatever it holds."""
    base = supplier_queryset()
    if ids is not None:
        wanted = sorted(set(ids))
        chunks = (wanted[i : i + batch_size] for i in range(0, len(wanted), batch_size))
    else:
        chunks = id_batches(base, batch_size)
    taxonomy = None
    all_regions = None
    for chunk in chunks:
        if not chunk:
            continue
        profiles = list(base.filter(pk__in=chunk).values(*_PROFILE_FIELDS))
        if not profiles:
            continue
        if taxonomy is None:
            taxonomy, all_regions = _Taxonomy(), _all_region_codes()
        found = [p["pk"] for p in profiles]
        parts = _supplier_parts(found)
        ratings = _rating_summaries(found)
        for profile in profiles:
            yield _build_supplier(profile, parts, taxonomy, ratings, all_regions)


def supplier_document(profile: SupplierProfile) -> dict | None:
    """The supplier's document, or ``None`` when it must not be found (not approved)."""
    return next(iter_supplier_documents([profile.pk]), None)


# --- Challenges -------------------------------------------------------------------------------


def challenge_queryset():
    """The challenges that are searchable (public), with what a document reads."""
    return (
        Challenge.objects.filter(status__in=PUBLIC_CHALLENGE_STATUSES)
        .prefetch_related(
            Prefetch("capabilities", queryset=Capability.objects.only("pk")),
            Prefetch("co_funders", queryset=Organisation.objects.only("pk")),
            Prefetch(
                "phases",
                queryset=Phase.objects.only(
                    "challenge_id", "number", "name", "description", "closes_at"
                ),
            ),
        )
        .order_by("pk")
    )


def _build_challenge(challenge, taxonomy) -> dict:
    names, slugs, top = taxonomy.expand(c.pk for c in challenge.capabilities.all())
    phases = list(challenge.phases.all())
    current = next((p for p in phases if p.number == challenge.current_phase_number), None)
    has_point = challenge.latitude is not None and challenge.longitude is not None
    buyers = sorted({challenge.buyer_id, *(o.pk for o in challenge.co_funders.all())})
    other = _join(
        challenge.problem_statement,
        challenge.outcomes_sought,
        challenge.who_is_affected,
        challenge.place_name,
        *(_join(p.name, p.description) for p in phases),
    )
    return {
        "id": challenge.pk,
        "slug": challenge.slug,
        "name": challenge.title,
        "sort_name": sort_key(challenge.title),
        "summary": challenge.summary or "",
        "capability_names": names,
        "other_text": other,
        "capability_slugs": slugs,
        "capability_top": top,
        "status": challenge.status,
        "procedure": challenge.procedure,
        "mode": challenge.mode,
        "buyer_ids": buyers,
        "region": challenge.region_id or "",
        "uk_wide": bool(challenge.uk_wide),
        "location": (
            {"lat": challenge.latitude, "lon": challenge.longitude} if has_point else None
        ),
        "budget_pence": challenge.budget_pence,
        "closes_at": current.closes_at if current else None,
        "published_at": challenge.opened_at or challenge.approved_at or challenge.created_at,
    }


def iter_challenge_documents(
    ids: Iterable[int] | None = None, *, batch_size: int = BATCH_SIZE
) -> Iterator[dict]:
    """Documents for the public challenges among ``ids`` (all when ``None``), in id order."""
    base = challenge_queryset()
    if ids is not None:
        wanted = sorted(set(ids))
        chunks = (wanted[i : i + batch_size] for i in range(0, len(wanted), batch_size))
    else:
        chunks = id_batches(base, batch_size)
    taxonomy = None
    for chunk in chunks:
        if not chunk:
            continue
        if taxonomy is None:
            taxonomy = _Taxonomy()
        for challenge in base.filter(pk__in=chunk):
            yield _build_challenge(challenge, taxonomy)


def challenge_document(challenge: Challenge) -> dict | None:
    """The challenge's document, or ``None`` when it is not public."""
    return next(iter_challenge_documents([challenge.pk]), None)


def id_batches(queryset, batch_size: int) -> Iterator[list[int]]:
    """Ids of ``queryset`` in ascending batches (keyset, so each batch is one cheap query)."""
    last = 0
    while True:
        chunk = list(
            queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1]
