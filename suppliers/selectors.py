"""Reads of supplier profiles for the public directory, profile pages and the JSON API.

Only approved profiles are public. The listing filters live in ``_apply_filters`` alone, so a
search backend can take them over by replacing that one function.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

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
    # Multi-valued filters are tuples: a supplier matching any of the values matches.
    if filters.region:
        qs = qs.filter(region_id__in=filters.region)
    if filters.serves:
        qs = qs.filter(
            Q(serves_whole_uk=True)
            | Q(
                pk__in=SupplierProfile.regions_served.through.objects.filter(
                    region_id__in=filters.serves
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
                Q(capability__slug__in=filters.capability)
                | Q(capability__parent__slug__in=filters.capability)
            ).values("supplierprofile_id")
        )
    if filters.certification:
        qs = qs.filter(
            Exists(
                Certification.objects.filter(
                    profile=OuterRef("pk"),
                    scheme__in=filters.certification,
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


def supplier_for_access_check(*, slug: str) -> SupplierProfile | None:
    """A profile in any status with what its private pages show, or None; callers check access."""
    return (
        SupplierProfile.objects.select_related("organisation", "region").filter(slug=slug).first()
    )


def has_pending_identity(*, profile: SupplierProfile) -> bool:
    """Whether a name or company change waits for staff (read afresh, not from the instance)."""
    return SupplierProfile.objects.filter(pk=profile.pk).exclude(pending_identity={}).exists()


def profiles_for_member(*, user) -> list[SupplierProfile]:
    """The supplier profiles of organisations ``user`` belongs to as a supplier admin or member."""
    from marketplace.accounts.models import Role

    return list(
        SupplierProfile.objects.filter(
            organisation__memberships__user=user,
            organisation__memberships__role__in=[Role.SUPPLIER_ADMIN, Role.SUPPLIER_MEMBER],
        )
        .select_related("organisation")
        .distinct()
    )


def approved_by_slugs(*, slugs: list[str]) -> QuerySet[SupplierProfile]:
    """Approved suppliers among ``slugs`` (ticked on a page)."""
    return _public_base().filter(slug__in=slugs)


def supplier_get_for_api(*, pk: int) -> SupplierProfile:
    """An approved supplier for the API. Raises ``SupplierProfile.DoesNotExist`` otherwise."""
    return _with_list_relations(_public_base()).get(pk=pk)


def supplier_get_for_api_by_slug(*, slug: str) -> SupplierProfile:
    """The same, found by its slug. Raises ``SupplierProfile.DoesNotExist`` otherwise."""
    return _with_list_relations(_public_base()).get(slug=slug)


def region_codes() -> list[str]:
    """All 12 ITL1 codes in order, for suppliers that serve the whole UK."""
    return list(Region.objects.order_by("order").values_list("code", flat=True))


# --- What of a supplier's location may be published -------------------------------------------
# A supplier's address may be a home (sole traders, micro businesses), so pages and the API show
# the district, the outward code ("LS1") and a point rounded to about 1 km. The stored point is
# kept for distance search: exact in Great Britain, the district centre in Northern Ireland,
# whose postcode data may be used at district precision only. That rule is decided once, when
# the postcode is saved (``geo.Place.public_latitude``), so nothing here looks a postcode up.

# 2 decimal places of latitude is about 1.1 km; of longitude, about 0.7 km across the UK.
PUBLIC_POINT_DECIMAL_PLACES = 2


def public_outward_code(profile: SupplierProfile) -> str:
    """The outward code of the supplier's postcode ("LS1"), or "" when there is none."""
    return profile.postcode.strip().upper().split(" ", 1)[0]


def public_location(profile: SupplierProfile) -> dict:
    """Where the supplier is, at the precision the profile page shows."""
    latitude = longitude = None
    if profile.latitude is not None and profile.longitude is not None:
        latitude = round(profile.latitude, PUBLIC_POINT_DECIMAL_PLACES)
        longitude = round(profile.longitude, PUBLIC_POINT_DECIMAL_PLACES)
    return {
        "district": profile.district_name or None,
        "outward_code": public_outward_code(profile) or None,
        "region": profile.region_id,
        "latitude": latitude,
        "longitude": longitude,
    }


def dashboard_profiles(*, organisation_ids) -> list[dict]:
    """For the signed-in dashboard: each supplier organisation's profile and the links its
    members need. The next step's words come from the transition table's status styles; it
    leads to the task list while the supplier may still change the profile, else to the status
    page; the public page is linked once the profile is public."""
    from django.urls import reverse

    out = []
    profiles = SupplierProfile.objects.filter(organisation_id__in=list(organisation_ids))
    for profile in profiles.select_related("organisation").order_by("legal_name", "pk"):
        style = SupplierProfile.TRANSITIONS.style(profile.status)
        if profile.status in SupplierProfile.EDITABLE_STATUSES:
            href = reverse("suppliers:join_tasks", args=[profile.slug])
            hidden = " your supplier profile"
        else:
            href = reverse("suppliers:join_status", args=[profile.slug])
            hidden = " of your supplier profile"
        actions = [{"text": style.next_step, "hidden": hidden, "href": href}]
        if profile.is_public:
            actions.append(
                {
                    "text": "View public page",
                    "hidden": f" for {profile.display_name}",
                    "href": reverse("suppliers:detail", args=[profile.slug]),
                }
            )
        out.append({"profile": profile, "actions": actions})
    return out


def dashboard_panel(request) -> dict | None:
    """The dashboard's supplier panel: the person's supplier profiles, or the way to join."""
    from django.urls import reverse

    from marketplace.accounts.models import Organisation
    from marketplace.accounts.selectors import organisations_for

    supplier_ids = list(
        organisations_for(user=request.user, kind=Organisation.Kind.SUPPLIER).values_list(
            "pk", flat=True
        )
    )
    if not supplier_ids:
        return {"profiles": [], "join_url": reverse("suppliers:join_start")}
    return {"profiles": dashboard_profiles(organisation_ids=supplier_ids), "join_url": ""}


def supplier_get_for_email(*, pk: int) -> SupplierProfile | None:
    """The profile an email is about, with its organisation; None when it has gone."""
    return SupplierProfile.objects.select_related("organisation").filter(pk=pk).first()


def supplier_admin_emails(*, organisation_id: int) -> list[str]:
    """Addresses of the active supplier admins of an organisation, in order."""
    from marketplace.accounts.models import Role, User

    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role=Role.SUPPLIER_ADMIN,
        )
        .distinct()
        .order_by("email")
        .values_list("email", flat=True)
    )


# --- Staff review --------------------------------------------------------------------------------


def profiles_waiting_for_review() -> QuerySet[SupplierProfile]:
    """Profiles a platform admin can decide on, the longest waiting first."""
    reviewable = SupplierProfile.TRANSITIONS.allowed_from("approve")
    return SupplierProfile.objects.filter(status__in=reviewable).order_by("submitted_at", "pk")


def review_queue_summary() -> tuple[int, object]:
    """(how many profiles wait for review, when the oldest was submitted) for staff queues."""
    from django.db.models import Count, Min

    summary = profiles_waiting_for_review().aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    return summary["count"], summary["oldest"]


def identity_changes_queue_summary() -> tuple[int, object]:
    """(how many approved suppliers wait for a decision on identity changes, oldest request)."""
    from django.db.models import Count, Min

    summary = SupplierProfile.objects.filter(identity_submitted_at__isnull=False).aggregate(
        count=Count("pk"), oldest=Min("identity_submitted_at")
    )
    return summary["count"], summary["oldest"]


def profile_for_review(*, pk: int) -> SupplierProfile:
    """A profile with everything the review screen shows. Raises ``DoesNotExist``."""
    return (
        SupplierProfile.objects.select_related(
            "organisation", "region", "submitted_by", "reviewed_by"
        )
        .prefetch_related(
            Prefetch("capabilities", queryset=Capability.objects.select_related("parent")),
            "regions_served",
            "certifications",
            "case_studies",
            "listings",
        )
        .get(pk=pk)
    )


def profile_history(*, profile: SupplierProfile, limit: int = 30) -> list[dict]:
    """The profile's audit trail, newest first, each event in words ("Submitted for review")."""
    from django.contrib.contenttypes.models import ContentType

    from marketplace.core.models import AuditEvent

    from .lifecycle import event_label

    events = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(SupplierProfile),
            object_id=str(profile.pk),
        )
        .select_related("actor")
        .order_by("-occurred_at", "-pk")[:limit]
    )
    return [
        {
            "event": event,
            "label": event_label(SupplierProfile.TRANSITIONS, event.verb),
            "reasons": (event.payload or {}).get("reasons", ""),
        }
        for event in events
    ]
