"""Reads of supplier profiles for the public directory, profile pages and the JSON API.

Only approved profiles are public. The listing filters live in ``_apply_filters`` alone, so a
search backend can take them over by replacing that one function.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from marketplace.core import geo

from .filters import SupplierFilters
from .models import Capability, CaseStudy, Certification, Listing, Region, SupplierProfile


def _public_base() -> QuerySet[SupplierProfile]:
    return SupplierProfile.objects.filter(status=SupplierProfile.Status.APPROVED)


def _with_list_relations(qs: QuerySet[SupplierProfile]) -> QuerySet[SupplierProfile]:
    """What a list of suppliers shows: place, badges, capabilities, regions served."""
    return (
        qs.select_related("region", "organisation")
        .prefetch_related(
            Prefetch("capabilities", queryset=Capability.objects.select_related("parent")),
            Prefetch("certifications", queryset=Certification.objects.order_by("scheme")),
            Prefetch("regions_served", queryset=Region.objects.order_by("order")),
        )
        .annotate(
            has_public_sector_case_study=Exists(
                CaseStudy.objects.filter(profile=OuterRef("pk"), is_public_sector=True)
            )
        )
    )


def _apply_filters(
    qs: QuerySet[SupplierProfile], filters: SupplierFilters
) -> QuerySet[SupplierProfile]:
    """Every listing filter, as plain ORM filters. A search backend replaces this function."""
    if filters.text:
        qs = qs.filter(
            Q(legal_name__icontains=filters.text)
            | Q(trading_name__icontains=filters.text)
            | Q(summary__icontains=filters.text)
        )
    if filters.region:
        qs = qs.filter(region_id=filters.region)
    if filters.serves:
        qs = qs.filter(
            Q(serves_whole_uk=True)
            | Q(
                pk__in=SupplierProfile.regions_served.through.objects.filter(
                    region_id=filters.serves
                ).values("supplierprofile_id")
            )
        )
    if filters.sme:
        qs = qs.filter(is_sme=True)
    if filters.size_bands:
        qs = qs.filter(size_band__in=filters.size_bands)
    if filters.vcse:
        qs = qs.filter(is_vcse=True)
    if filters.capability:
        # A heading matches itself and every entry under it.
        qs = qs.filter(
            pk__in=SupplierProfile.capabilities.through.objects.filter(
                Q(capability__slug=filters.capability)
                | Q(capability__parent__slug=filters.capability)
            ).values("supplierprofile_id")
        )
    if filters.certification:
        qs = qs.filter(
            Exists(
                Certification.objects.filter(
                    profile=OuterRef("pk"),
                    scheme=filters.certification,
                    expires_on__gte=timezone.localdate(),
                )
            )
        )
    if filters.remote:
        qs = qs.filter(remote_delivery=True)
    return qs


def supplier_list_public(*, filters: SupplierFilters) -> QuerySet[SupplierProfile]:
    """Approved suppliers matching ``filters``, ordered by name, ready for a list page."""
    qs = _apply_filters(_public_base(), filters)
    return _with_list_relations(qs).order_by("legal_name", "pk")


def _with_profile_relations(qs: QuerySet[SupplierProfile]) -> QuerySet[SupplierProfile]:
    return _with_list_relations(qs).prefetch_related(
        "case_studies",
        Prefetch("listings", queryset=Listing.objects.order_by("kind", "title")),
    )


def supplier_get_public(*, slug: str) -> SupplierProfile:
    """An approved supplier's full profile. Raises ``SupplierProfile.DoesNotExist`` otherwise."""
    return _with_profile_relations(_public_base()).get(slug=slug)


def supplier_get_by_slug(*, slug: str) -> SupplierProfile:
    """A profile in any status, for its own organisation to preview. Callers check access."""
    return _with_profile_relations(SupplierProfile.objects.all()).get(slug=slug)


def supplier_get_for_api(*, pk: int) -> SupplierProfile:
    """An approved supplier for the API. Raises ``SupplierProfile.DoesNotExist`` otherwise."""
    return _with_list_relations(_public_base()).get(pk=pk)


def region_codes() -> list[str]:
    """All 12 ITL1 codes in order, for suppliers that serve the whole UK."""
    return list(Region.objects.order_by("order").values_list("code", flat=True))


# --- What of a supplier's location may be published -------------------------------------------
# Northern Ireland postcode data may only be published at district level, so for suppliers
# there we show the outward code ("BT1") and the district centroid, never the exact point.


def is_district_precision_only(profile: SupplierProfile) -> bool:
    return profile.region_id == "TLN" or profile.postcode.upper().startswith("BT")


def public_postcode(profile: SupplierProfile) -> str:
    """The full postcode, or only its outward code ("BT1") in Northern Ireland."""
    postcode = profile.postcode.strip().upper()
    if is_district_precision_only(profile) and " " in postcode:
        return postcode.split(" ", 1)[0]
    return postcode


def public_coordinates(profile: SupplierProfile) -> tuple[float | None, float | None]:
    """Latitude and longitude to 4 decimal places; the district centroid in Northern Ireland.

    Returns ``(None, None)`` when there is nothing that may be published.
    """
    if is_district_precision_only(profile):
        try:
            place = geo.lookup_postcode(profile.postcode)
        except geo.PostcodeError:
            return None, None
        return place.public_latitude, place.public_longitude
    if profile.latitude is None or profile.longitude is None:
        return None, None
    return round(profile.latitude, 4), round(profile.longitude, 4)


def dashboard_profiles(*, organisation_ids) -> dict[int, dict]:
    """For the signed-in dashboard: each supplier organisation's profile and the links its
    members need: the next step for its status (the same status rules the services apply), and
    the public page once approved."""
    from django.urls import reverse

    from .services import EDITABLE, SUBMITTABLE

    out = {}
    for profile in SupplierProfile.objects.filter(organisation_id__in=list(organisation_ids)):
        tasks = reverse("suppliers:join_tasks", args=[profile.slug])
        if profile.status in SUBMITTABLE:
            actions = [{"text": "Continue", "hidden": " your supplier profile", "href": tasks}]
        elif profile.status in EDITABLE:
            actions = [{"text": "Update", "hidden": " your supplier profile", "href": tasks}]
        else:
            status = reverse("suppliers:join_status", args=[profile.slug])
            actions = [
                {"text": "Check status", "hidden": " of your supplier profile", "href": status}
            ]
        if profile.status == SupplierProfile.Status.APPROVED:
            actions.append(
                {
                    "text": "View public page",
                    "hidden": f" for {profile.display_name}",
                    "href": reverse("suppliers:detail", args=[profile.slug]),
                }
            )
        out[profile.organisation_id] = {"profile": profile, "actions": actions}
    return out
