"""Creating a supplier and saving the answers to its own questions: details, size, address and
location, regions served and capabilities."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.core import geo
from marketplace.core.audit import audit
from marketplace.core.errors import ValidationFailed
from marketplace.core.money import format_gbp

from ..identifiers import (
    COMPANY_NUMBER_TAKEN_MESSAGE,
    normalise_company_number,
    normalise_vat_number,
)
from ..limits import MAX_STAFF
from ..models import MAX_PENCE, Capability, Region, SupplierProfile
from ..sizing import classify_size
from . import identity
from ._editing import _ensure_editable, _mark_step, _unique_slug
from ._persist import _lock, _save

# --- Creating and editing ---------------------------------------------------------------------


@transaction.atomic
def supplier_create(*, name: str, by: User, trading_name: str = "") -> SupplierProfile:
    """Create a supplier organisation, make ``by`` its supplier admin, and start a draft profile."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("Enter your organisation’s legal name", field="legal_name")
    organisation = Organisation(name=name[:200], kind=Organisation.Kind.SUPPLIER)
    _save(organisation, exclude=["slug"])
    Membership.objects.create(user=by, organisation=organisation, role=Role.SUPPLIER_ADMIN)
    profile = SupplierProfile(
        organisation=organisation,
        slug=_unique_slug(name),
        legal_name=name,
        trading_name=(trading_name or "").strip(),
        completed_steps=["name"],
    )
    _save(profile)
    audit(by, "supplier.created", profile, name=name)
    return profile


PROFILE_FIELDS = {
    "legal_name",
    "trading_name",
    "company_number",
    "charity_number",
    "vat_number",
    "website",
    "summary",
    "contact_name",
    "contact_email",
    "contact_phone",
    "logo",
    "vcse_type",
    "innovation_type",
    "innovation_evidence",
    "has_public_sector_experience",
}


@transaction.atomic
def profile_update(
    *, profile: SupplierProfile, by: User, step: str | None = None, **fields: Any
) -> SupplierProfile:
    """Save answers to the supplier's own questions. ``step`` marks an onboarding page as answered.

    Allowed while draft, changes requested or approved; an approved profile stays approved and
    the change is audited. On an approved profile, changes to who the supplier is (legal and
    trading name, company, charity and VAT numbers) are held for a platform admin's review
    (``services.identity``); the public keeps seeing the approved values until then.
    """
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"profile_update cannot set {sorted(unknown)}")
    profile = _lock(profile)
    _ensure_editable(profile)
    if "company_number" in fields:
        fields["company_number"] = normalise_company_number(fields["company_number"])
        if (
            fields["company_number"]
            and SupplierProfile.objects.filter(company_number=fields["company_number"])
            .exclude(pk=profile.pk)
            .exists()
        ):
            raise ValidationFailed(COMPANY_NUMBER_TAKEN_MESSAGE, field="company_number")
    if "vat_number" in fields:
        fields["vat_number"] = normalise_vat_number(fields["vat_number"])
    if identity.identity_is_reviewed(profile):
        fields = identity.hold_identity_changes(profile, fields, by=by)
    if "vcse_type" in fields:
        fields["vcse_type"] = fields["vcse_type"] or ""
        profile.is_vcse = bool(fields["vcse_type"])
    changed = []
    for name, value in fields.items():
        if name == "logo" and not value:
            continue  # no new upload: keep the logo already saved
        if getattr(profile, name) != value:
            changed.append(name)
        setattr(profile, name, value)
    _mark_step(profile, step)
    if "company_number" in changed:
        profile.company_number_verified = False
    if "legal_name" in changed:
        profile.organisation.name = profile.legal_name
        profile.organisation.save(update_fields=["name", "updated_at"])
    try:
        _save(profile)
    except IntegrityError:  # a concurrent profile took the company number first
        raise ValidationFailed(COMPANY_NUMBER_TAKEN_MESSAGE, field="company_number") from None
    audit(by, "supplier.profile_updated", profile, fields=sorted(changed), status=profile.status)
    return profile


@transaction.atomic
def profile_set_size(
    *,
    profile: SupplierProfile,
    by: User,
    staff_headcount: int | None,
    turnover_pence: int | None,
    balance_sheet_pence: int | None,
    step: str | None = "size",
) -> SupplierProfile:
    """Store the size inputs and compute the band (never self-declared)."""
    profile = _lock(profile)
    _ensure_editable(profile)
    if staff_headcount is not None and not 0 <= staff_headcount <= MAX_STAFF:
        raise ValidationFailed(
            f"Enter a number of staff between 0 and {MAX_STAFF:,}", field="staff_headcount"
        )
    for name, value in (
        ("turnover_pence", turnover_pence),
        ("balance_sheet_pence", balance_sheet_pence),
    ):
        if value is not None and not 0 <= value <= MAX_PENCE:
            raise ValidationFailed(
                f"Enter an amount between £0 and {format_gbp(MAX_PENCE)}", field=name
            )
    profile.staff_headcount = staff_headcount
    profile.turnover_pence = turnover_pence
    profile.balance_sheet_pence = balance_sheet_pence
    size = classify_size(
        staff_headcount=staff_headcount,
        turnover_pence=turnover_pence,
        balance_sheet_pence=balance_sheet_pence,
    )
    profile.size_band = size.band if size else ""
    profile.is_sme = size.is_sme if size else None
    if size:
        _mark_step(profile, step)
    _save(profile)
    audit(
        by,
        "supplier.size_set",
        profile,
        staff_headcount=staff_headcount,
        turnover_pence=turnover_pence,
        balance_sheet_pence=balance_sheet_pence,
        size_band=profile.size_band,
    )
    return profile


@transaction.atomic
def profile_set_address(
    *,
    profile: SupplierProfile,
    by: User,
    address_line_1: str = "",
    address_line_2: str = "",
    town: str = "",
) -> SupplierProfile:
    """Save the street address lines on their own (the postcode is set by the location service)."""
    profile = _lock(profile)
    _ensure_editable(profile)
    profile.address_line_1 = address_line_1
    profile.address_line_2 = address_line_2
    profile.town = town
    _save(profile)
    audit(by, "supplier.address_set", profile)
    return profile


@transaction.atomic
def profile_set_location(
    *,
    profile: SupplierProfile,
    by: User,
    address_line_1: str,
    address_line_2: str = "",
    town: str = "",
    postcode: str,
) -> SupplierProfile:
    """Save the address and fill position, district and ITL1 region from the postcode."""
    try:
        place = geo.lookup_postcode(postcode)
    except geo.PostcodeError as exc:
        raise ValidationFailed(str(exc), field="postcode") from None
    profile = _lock(profile)
    _ensure_editable(profile)
    profile.address_line_1 = address_line_1
    profile.address_line_2 = address_line_2
    profile.town = town
    profile.postcode = place.postcode
    # Northern Ireland data may only be shown at district precision.
    profile.latitude = place.public_latitude
    profile.longitude = place.public_longitude
    profile.district_code = place.district_code
    profile.district_name = place.district_name
    profile.region = Region.objects.filter(code=place.region_code).first()
    profile.country = place.country
    _mark_step(profile, "address")
    _save(profile)
    audit(by, "supplier.location_set", profile, postcode=place.postcode, region=place.region_code)
    return profile


@transaction.atomic
def profile_set_regions(
    *,
    profile: SupplierProfile,
    by: User,
    regions: Iterable[Region],
    serves_whole_uk: bool,
    remote_delivery: bool,
) -> SupplierProfile:
    """Where the supplier can work: chosen ITL1 regions or the whole UK, and remote delivery."""
    profile = _lock(profile)
    _ensure_editable(profile)
    regions = list(regions)
    if not regions and not serves_whole_uk and not remote_delivery:
        raise ValidationFailed(
            "Select the regions you work in, or select that you work across the whole UK",
            field="regions_served",
        )
    profile.serves_whole_uk = serves_whole_uk
    profile.remote_delivery = remote_delivery
    _mark_step(profile, "regions")
    _save(profile)
    profile.regions_served.set([] if serves_whole_uk else regions)
    audit(
        by,
        "supplier.regions_set",
        profile,
        regions=[r.code for r in regions],
        serves_whole_uk=serves_whole_uk,
        remote_delivery=remote_delivery,
    )
    return profile


@transaction.atomic
def profile_set_capabilities(
    *, profile: SupplierProfile, by: User, capabilities: Iterable[Capability]
) -> SupplierProfile:
    """What the supplier does, chosen from the taxonomy (entries under a heading, not headings)."""
    profile = _lock(profile)
    _ensure_editable(profile)
    capabilities = list(capabilities)
    if not capabilities:
        raise ValidationFailed(
            "Select at least one thing your organisation does", field="capabilities"
        )
    if any(c.parent_id is None for c in capabilities):
        raise ValidationFailed(
            "Select the things you do under each heading, not the heading itself",
            field="capabilities",
        )
    _mark_step(profile, "capabilities")
    _save(profile)
    profile.capabilities.set(capabilities)
    audit(by, "supplier.capabilities_set", profile, capabilities=[c.slug for c in capabilities])
    return profile
