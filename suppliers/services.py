"""Every write to a supplier profile: onboarding answers, evidence and the review lifecycle.

Status lifecycle (``SupplierProfile.Status``)::

    draft ──submit──▶ submitted ──approve──▶ approved ──suspend──▶ suspended
      ▲                  │   │                  ▲                      │
      │                  │   └─reject─▶ rejected│                      │
      │        request_changes                  └──────reinstate───────┘
      │                  ▼
      └── (edit) ◀── changes_requested ──submit──▶ submitted

Each transition is one function below: it locks the row, checks the allowed-from set, stamps
``*_at``/``*_by``, writes an ``AuditEvent`` in the same transaction and, after commit, queues the
email to the supplier's admins.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.gb import vat as gb_vat

from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.core import geo
from marketplace.core.audit import audit
from marketplace.core.errors import InvalidTransition, ValidationFailed, ensure_status

from . import permissions  # noqa: F401  (registers the suppliers.* rules permissions)
from .models import (
    MAX_PENCE,
    Capability,
    CaseStudy,
    Certification,
    Listing,
    Region,
    SupplierProfile,
)
from .sizing import classify_size

Status = SupplierProfile.Status

EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED, Status.APPROVED)
SUBMITTABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
REVIEWABLE = (Status.SUBMITTED,)
SUSPENDABLE = (Status.APPROVED,)
REINSTATABLE = (Status.SUSPENDED,)

MAX_STAFF = 5_000_000
MAX_REASONS_LENGTH = 5000

# Slugs that would shadow fixed paths under /suppliers/.
RESERVED_SLUGS = {"join", "new", "search", "map", "api", "export", "csv"}

# --- Companies House company numbers ----------------------------------------------------------
# Companies registered in England and Wales have 8 digits (leading zeros count). Everything else
# has a two-character prefix followed by 6 digits.
COMPANY_NUMBER_PREFIXES: dict[str, str] = {
    "SC": "Company registered in Scotland",
    "NI": "Company registered in Northern Ireland",
    "R0": "Company registered in Northern Ireland before partition",
    "OC": "Limited liability partnership (England and Wales)",
    "SO": "Limited liability partnership (Scotland)",
    "NC": "Limited liability partnership (Northern Ireland)",
    "LP": "Limited partnership (England and Wales)",
    "SL": "Limited partnership (Scotland)",
    "NL": "Limited partnership (Northern Ireland)",
    "FC": "Overseas company (England and Wales)",
    "SF": "Overseas company (Scotland)",
    "NF": "Overseas company (Northern Ireland)",
    "GE": "European Economic Interest Grouping (England and Wales)",
    "GS": "European Economic Interest Grouping (Scotland)",
    "GN": "European Economic Interest Grouping (Northern Ireland)",
    "IP": "Industrial and provident society (England and Wales)",
    "SP": "Industrial and provident society (Scotland)",
    "NP": "Industrial and provident society (Northern Ireland)",
    "RS": "Registered society",
    "IC": "Investment company with variable capital (England and Wales)",
    "SI": "Investment company with variable capital (Scotland)",
    "NV": "Investment company with variable capital (Northern Ireland)",
    "RC": "Royal Charter company (England and Wales)",
    "SR": "Royal Charter company (Scotland)",
    "NR": "Royal Charter company (Northern Ireland)",
    "SE": "European public limited-liability company (Societas Europaea)",
    "CE": "Charitable incorporated organisation (England and Wales)",
    "CS": "Charitable incorporated organisation (Scotland)",
    "AC": "Assurance company (England and Wales)",
    "SA": "Assurance company (Scotland)",
    "NA": "Assurance company (Northern Ireland)",
    "ZC": "Unregistered company (England and Wales)",
    "SZ": "Unregistered company (Scotland)",
    "NZ": "Unregistered company (Northern Ireland)",
}
_COMPANY_NUMBER_RE = re.compile(r"^(?:\d{8}|(?P<prefix>[A-Z][A-Z0-9])\d{6})$")

COMPANY_NUMBER_FORMAT_MESSAGE = (
    "Enter a company number in the correct format: 8 digits, like 01234567, or 2 letters and "
    "6 digits, like SC123456"
)
COMPANY_NUMBER_TAKEN_MESSAGE = (
    "An organisation with this company number has already joined. If it is yours, ask its "
    "supplier admin to invite you"
)
VAT_NUMBER_MESSAGE = (
    "Enter a real UK VAT number, like GB 123 4567 89. Check it against your VAT certificate"
)
CERTIFICATE_EXPIRED_MESSAGE = (
    "The expiry date must be today or in the future. You cannot add a certificate that has expired"
)


def normalise_company_number(value: str) -> str:
    """Return the company number in Companies House form, or raise ``ValidationFailed``."""
    compact = re.sub(r"[\s\-]", "", value or "").upper()
    if not compact:
        return ""
    match = _COMPANY_NUMBER_RE.match(compact)
    if not match or (match["prefix"] and match["prefix"] not in COMPANY_NUMBER_PREFIXES):
        raise ValidationFailed(COMPANY_NUMBER_FORMAT_MESSAGE, field="company_number")
    return compact


def normalise_vat_number(value: str) -> str:
    """Return a checked UK VAT number as ``GB`` + digits, or raise ``ValidationFailed``."""
    if not (value or "").strip():
        return ""
    if len(value) > 30:
        raise ValidationFailed(VAT_NUMBER_MESSAGE, field="vat_number")
    try:
        return "GB" + gb_vat.validate(value)
    except StdnumValidationError:
        raise ValidationFailed(VAT_NUMBER_MESSAGE, field="vat_number") from None


def _lock(profile: SupplierProfile) -> SupplierProfile:
    return SupplierProfile.objects.select_for_update().get(pk=profile.pk)


def _raise_for(exc: ValidationError) -> None:
    """Turn a model ``ValidationError`` into the first user-facing ``ValidationFailed``."""
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.error_dict.items()))
        raise ValidationFailed(
            str(errors[0].messages[0]), field=None if field == "__all__" else field
        ) from exc
    raise ValidationFailed(exc.messages[0]) from exc


def _save(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        _raise_for(exc)
    obj.save()


def _notify(profile: SupplierProfile, event: str) -> None:
    from .tasks import send_profile_status_email

    profile_id = profile.pk
    transaction.on_commit(lambda: send_profile_status_email.delay(profile_id, event))


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "supplier"
    if base in RESERVED_SLUGS:
        base = f"{base}-supplier"
    slug, n = base, 2
    while SupplierProfile.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _ensure_editable(profile: SupplierProfile) -> None:
    if profile.status not in EDITABLE:
        raise InvalidTransition(
            f"You cannot change your profile while it is {profile.get_status_display().lower()}."
        )


def _mark_step(profile: SupplierProfile, step: str | None) -> None:
    if step and step not in profile.completed_steps:
        profile.completed_steps = [*profile.completed_steps, step]


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
    the change is audited.
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
        if fields["company_number"] != profile.company_number:
            profile.company_number_verified = False
    if "vat_number" in fields:
        fields["vat_number"] = normalise_vat_number(fields["vat_number"])
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
            raise ValidationFailed("Enter an amount between £0 and £10,000,000,000,000", field=name)
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


# --- Evidence: certifications, case studies, listings ----------------------------------------


def _check_certificate_dates(expires_on: datetime.date | None) -> None:
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationFailed(CERTIFICATE_EXPIRED_MESSAGE, field="expires_on")


@transaction.atomic
def certification_add(*, profile: SupplierProfile, by: User, **fields: Any) -> Certification:
    profile = _lock(profile)
    _ensure_editable(profile)
    _check_certificate_dates(fields.get("expires_on"))
    certification = Certification(profile=profile, **fields)
    _save(certification)
    audit(by, "supplier.certification_added", profile, certification=certification.name)
    return certification


@transaction.atomic
def certification_update(*, certification: Certification, by: User, **fields: Any) -> Certification:
    profile = _lock(certification.profile)
    _ensure_editable(profile)
    _check_certificate_dates(fields.get("expires_on"))
    for name, value in fields.items():
        setattr(certification, name, value)
    _save(certification)
    audit(by, "supplier.certification_updated", profile, certification=certification.name)
    return certification


@transaction.atomic
def certification_remove(*, certification: Certification, by: User) -> None:
    profile = _lock(certification.profile)
    _ensure_editable(profile)
    name = certification.name
    certification.delete()
    audit(by, "supplier.certification_removed", profile, certification=name)


@transaction.atomic
def case_study_add(*, profile: SupplierProfile, by: User, **fields: Any) -> CaseStudy:
    profile = _lock(profile)
    _ensure_editable(profile)
    case_study = CaseStudy(profile=profile, **fields)
    _check_case_study_dates(case_study)
    _save(case_study)
    audit(by, "supplier.case_study_added", profile, title=case_study.title)
    return case_study


def _check_case_study_dates(case_study: CaseStudy) -> None:
    if (
        case_study.start_date
        and case_study.end_date
        and case_study.end_date < case_study.start_date
    ):
        raise ValidationFailed(
            "The end date must be the same as or after the start date", field="end_date"
        )


@transaction.atomic
def case_study_update(*, case_study: CaseStudy, by: User, **fields: Any) -> CaseStudy:
    profile = _lock(case_study.profile)
    _ensure_editable(profile)
    for name, value in fields.items():
        setattr(case_study, name, value)
    _check_case_study_dates(case_study)
    _save(case_study)
    audit(by, "supplier.case_study_updated", profile, title=case_study.title)
    return case_study


@transaction.atomic
def case_study_remove(*, case_study: CaseStudy, by: User) -> None:
    profile = _lock(case_study.profile)
    _ensure_editable(profile)
    title = case_study.title
    case_study.delete()
    audit(by, "supplier.case_study_removed", profile, title=title)


@transaction.atomic
def listing_add(
    *,
    profile: SupplierProfile,
    by: User,
    capabilities: Iterable[Capability] = (),
    **fields: Any,
) -> Listing:
    profile = _lock(profile)
    _ensure_editable(profile)
    listing = Listing(profile=profile, **fields)
    _save(listing)
    listing.capabilities.set(list(capabilities))
    audit(by, "supplier.listing_added", profile, title=listing.title, kind=listing.kind)
    return listing


@transaction.atomic
def listing_update(
    *,
    listing: Listing,
    by: User,
    capabilities: Iterable[Capability] | None = None,
    **fields: Any,
) -> Listing:
    profile = _lock(listing.profile)
    _ensure_editable(profile)
    for name, value in fields.items():
        setattr(listing, name, value)
    _save(listing)
    if capabilities is not None:
        listing.capabilities.set(list(capabilities))
    audit(by, "supplier.listing_updated", profile, title=listing.title)
    return listing


@transaction.atomic
def listing_remove(*, listing: Listing, by: User) -> None:
    profile = _lock(listing.profile)
    _ensure_editable(profile)
    title = listing.title
    listing.delete()
    audit(by, "supplier.listing_removed", profile, title=title)


# --- Lifecycle transitions --------------------------------------------------------------------


def _clean_reasons(reasons: str, *, what: str) -> str:
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationFailed(f"Enter {what}", field="reasons")
    if len(reasons) > MAX_REASONS_LENGTH:
        raise ValidationFailed(
            f"The reasons must be {MAX_REASONS_LENGTH:,} characters or fewer", field="reasons"
        )
    return reasons


@transaction.atomic
def profile_submit(*, profile: SupplierProfile, by: User) -> SupplierProfile:
    """Send the profile to platform admins for review. Refused until the required parts are done."""
    from .completeness import missing_required

    profile = _lock(profile)
    ensure_status(profile, allowed=SUBMITTABLE)
    missing = missing_required(profile)
    if missing:
        raise ValidationFailed(
            "You need to finish these parts before you submit: "
            + "; ".join(item.label for item in missing)
        )
    previous = profile.status
    profile.status = Status.SUBMITTED
    profile.submitted_at = timezone.now()
    profile.submitted_by = by
    _save(profile)
    audit(by, "supplier.submitted", profile, previous_status=previous)
    _notify(profile, "submitted")
    return profile


@transaction.atomic
def profile_approve(*, profile: SupplierProfile, by: User, reasons: str = "") -> SupplierProfile:
    profile = _lock(profile)
    ensure_status(profile, allowed=REVIEWABLE)
    now = timezone.now()
    profile.status = Status.APPROVED
    profile.reviewed_at = now
    profile.reviewed_by = by
    profile.approved_at = now
    profile.review_reasons = (reasons or "").strip()[:MAX_REASONS_LENGTH]
    _save(profile)
    audit(by, "supplier.approved", profile, reasons=profile.review_reasons)
    _notify(profile, "approved")
    return profile


@transaction.atomic
def profile_request_changes(*, profile: SupplierProfile, by: User, reasons: str) -> SupplierProfile:
    """Send the profile back to the supplier with what to change; they edit and resubmit."""
    reasons = _clean_reasons(reasons, what="what the supplier needs to change")
    profile = _lock(profile)
    ensure_status(profile, allowed=REVIEWABLE)
    profile.status = Status.CHANGES_REQUESTED
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = by
    profile.review_reasons = reasons
    _save(profile)
    audit(by, "supplier.changes_requested", profile, reasons=reasons)
    _notify(profile, "changes_requested")
    return profile


@transaction.atomic
def profile_reject(*, profile: SupplierProfile, by: User, reasons: str) -> SupplierProfile:
    reasons = _clean_reasons(reasons, what="why the profile is rejected")
    profile = _lock(profile)
    ensure_status(profile, allowed=REVIEWABLE)
    profile.status = Status.REJECTED
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = by
    profile.review_reasons = reasons
    _save(profile)
    audit(by, "supplier.rejected", profile, reasons=reasons)
    _notify(profile, "rejected")
    return profile


@transaction.atomic
def profile_suspend(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Hide an approved supplier from buyers until reinstated."""
    reason = _clean_reasons(reason, what="why the supplier is suspended")
    profile = _lock(profile)
    ensure_status(profile, allowed=SUSPENDABLE)
    profile.status = Status.SUSPENDED
    profile.suspended_at = timezone.now()
    profile.suspension_reason = reason
    _save(profile)
    audit(by, "supplier.suspended", profile, reasons=reason)
    _notify(profile, "suspended")
    return profile


@transaction.atomic
def profile_reinstate(*, profile: SupplierProfile, by: User, reason: str) -> SupplierProfile:
    """Make a suspended supplier visible again; the suspension stays in the audit trail."""
    reason = _clean_reasons(reason, what="why the supplier is reinstated")
    profile = _lock(profile)
    ensure_status(profile, allowed=REINSTATABLE)
    profile.status = Status.APPROVED
    profile.suspended_at = None
    profile.suspension_reason = ""
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = by
    _save(profile)
    audit(by, "supplier.reinstated", profile, reasons=reason)
    _notify(profile, "reinstated")
    return profile
