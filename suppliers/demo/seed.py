"""Writing the demo suppliers: organisations, admin users, profiles and their children."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.core import geo

from ..models import (
    Capability,
    CaseStudy,
    Certification,
    Listing,
    Region,
    SupplierProfile,
)
from ..sizing import MILLION, classify_size
from .catalogue import NORTHERN_SENSORS, NORTHERN_SENSORS_PROFILE, SUPPLIERS, DemoSupplier
from .offers import BUYERS, OFFERS

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - local demo accounts only
EMAIL_DOMAIN = "suppliers.demo.marketplace.localhost"

Status = SupplierProfile.Status
VCSE = SupplierProfile.VCSEType

# Every onboarding question the supplier has answered (the onboarding records each key as its
# page is saved); a draft has answered only the first few.
ANSWERED_STEPS = (
    "name",
    "company",
    "about",
    "contact",
    "size",
    "vcse",
    "address",
    "regions",
    "capabilities",
    "innovation",
)

# staff, turnover, balance sheet: chosen so classify_size gives the band in the key.
SIZE_INPUTS = {
    "micro": (4, 320_000 * 100, 140_000 * 100),
    "small": (23, 3 * MILLION, 1 * MILLION + 400_000 * 100),
    "medium": (140, 19 * MILLION, 8 * MILLION),
    "large": (1_200, 160 * MILLION, 95 * MILLION),
}


def _company_number(index: int, postcode: str) -> str:
    """Plausible, unique, fixed company numbers: SC/NI prefixes where companies register."""
    if postcode.startswith("BT"):
        return f"NI{700100 + index:06d}"
    if postcode[:2] in {"EH", "G1", "AB", "DD", "IV", "FK", "KY"}:
        return f"SC{700100 + index:06d}"
    return f"{15700100 + index:08d}"


def _review_trail(status: str, index: int) -> dict:
    """Timestamps and reasons that match the status, spaced out over the past year."""
    now = timezone.now().replace(microsecond=0)
    submitted = now - datetime.timedelta(days=300 - index * 5)
    reviewed = submitted + datetime.timedelta(days=3)
    trail = {
        "submitted_at": None,
        "reviewed_at": None,
        "approved_at": None,
        "suspended_at": None,
        "review_reasons": "",
        "suspension_reason": "",
    }
    if status == Status.DRAFT:
        return trail
    trail["submitted_at"] = submitted
    if status == Status.SUBMITTED:
        return trail
    trail["reviewed_at"] = reviewed
    if status == Status.CHANGES_REQUESTED:
        trail["review_reasons"] = (
            "Add at least one case study with a public sector client, and upload your "
            "Cyber Essentials certificate."
        )
    elif status == Status.REJECTED:
        trail["review_reasons"] = (
            "The company number does not match the company name on Companies House."
        )
    else:
        trail["approved_at"] = reviewed
    if status == Status.SUSPENDED:
        trail["suspended_at"] = reviewed + datetime.timedelta(days=60)
        trail["suspension_reason"] = "Insurance certificate expired. Upload a current one."
    return trail


def _regions_served(size: str, own: str, codes: list[str]) -> tuple[bool, list[str]]:
    """(serves the whole UK, regions): small firms stay near home, large ones go national."""
    if size == "large":
        return True, []
    i = codes.index(own)
    reach = {"micro": 0, "small": 1, "medium": 2}[size]
    nearby = codes[max(0, i - reach) : i + reach + 1]
    return False, nearby


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
    return user


def _profile(
    supplier: DemoSupplier, index: int, organisation: Organisation, codes: list[str]
) -> SupplierProfile:
    place = geo.lookup_postcode(supplier.postcode)
    staff, turnover, balance = SIZE_INPUTS[supplier.size]
    size = classify_size(
        staff_headcount=staff, turnover_pence=turnover, balance_sheet_pence=balance
    )
    assert size is not None and size.band == supplier.size  # noqa: S101 - guards the table
    whole_uk, served = _regions_served(supplier.size, place.region_code, codes)
    headings = {
        c.slug: c.parent.slug
        for c in Capability.objects.filter(slug__in=supplier.capabilities).select_related("parent")
    }
    if set(headings) != set(supplier.capabilities):
        raise ValueError(f"Unknown capability in the demo data for {supplier.name}")
    digital = any(h in {"data-and-ai", "digital-services"} for h in headings.values())
    values = {
        "organisation": organisation,
        "status": supplier.status,
        "legal_name": supplier.name,
        "trading_name": "",
        "company_number": _company_number(index, supplier.postcode),
        "company_number_verified": supplier.status != Status.DRAFT,
        "charity_number": f"{1_190_000 + index}" if supplier.vcse == VCSE.CHARITY else "",
        "website": f"https://{organisation.slug}.example",
        "summary": supplier.summary,
        "contact_name": "Demo Contact",
        "contact_email": f"{organisation.slug}@{EMAIL_DOMAIN}",
        "staff_headcount": staff,
        "turnover_pence": turnover,
        "balance_sheet_pence": balance,
        "size_band": size.band,
        "is_sme": size.is_sme,
        "vcse_type": supplier.vcse,
        "is_vcse": bool(supplier.vcse),
        "address_line_1": f"{10 + index} High Street",
        "town": supplier.town,
        "postcode": place.postcode,
        "latitude": place.public_latitude,
        "longitude": place.public_longitude,
        "district_code": place.district_code,
        "district_name": place.district_name,
        "region": Region.objects.get(code=place.region_code),
        "country": place.country,
        "serves_whole_uk": whole_uk,
        "remote_delivery": digital,
        "innovation_type": ("incremental", "disruptive", "radical")[index % 3],
        "innovation_evidence": "Piloted with two public bodies; results published openly.",
        "has_public_sector_experience": not supplier.new_to_public_sector,
        "completed_steps": list(
            ANSWERED_STEPS[:5] if supplier.status == Status.DRAFT else ANSWERED_STEPS
        ),
        **_review_trail(supplier.status, index),
    }
    profile = SupplierProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        profile = SupplierProfile(slug=organisation.slug)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    profile.regions_served.set(Region.objects.filter(code__in=served))
    profile.capabilities.set(Capability.objects.filter(slug__in=supplier.capabilities))
    _children(profile, supplier, index, set(headings.values()))
    return profile


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _children(
    profile: SupplierProfile, supplier: DemoSupplier, index: int, headings: set[str]
) -> None:
    today = timezone.localdate()
    keep = []
    for scheme, days in supplier.certifications:
        cert, _ = Certification.objects.get_or_create(
            profile=profile, scheme=scheme, defaults={"expires_on": today}
        )
        cert.expires_on = today + datetime.timedelta(days=days)
        cert.certificate_number = f"DEMO-{index:03d}-{scheme[:3].upper()}"
        _save(cert)
        keep.append(cert.pk)
    profile.certifications.exclude(pk__in=keep).delete()

    heading = next(h for h in OFFERS if h in headings)
    offer, trial, story = OFFERS[heading]
    listings = [offer] + ([trial] if index % 3 != 2 else [])
    kept_listings = []
    for item in listings:
        listing = Listing.objects.filter(profile=profile, title=item.title).first() or Listing(
            profile=profile, title=item.title
        )
        listing.kind = item.kind
        listing.summary = item.summary
        listing.price_model = item.price_model
        listing.price_pence = item.price_pence
        _save(listing)
        listing.capabilities.set(profile.capabilities.all())
        kept_listings.append(listing.pk)
    profile.listings.exclude(pk__in=kept_listings).delete()

    public = not supplier.new_to_public_sector
    buyer = BUYERS[profile.region_id] if public else f"A {supplier.town} retailer"
    case = CaseStudy.objects.filter(profile=profile, title=story.title).first() or CaseStudy(
        profile=profile, title=story.title
    )
    case.buyer_name = buyer
    case.is_public_sector = public
    case.challenge = story.challenge
    case.outcome = story.outcome
    case.start_date = datetime.date(2024, 1 + index % 12, 1)
    case.end_date = datetime.date(2025, 1 + index % 12, 28)
    case.place = supplier.town
    _save(case)
    profile.case_studies.exclude(pk=case.pk).delete()


def _organisation(name: str, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name=name, slug=slug, kind=Organisation.Kind.SUPPLIER
        )
    return organisation


@transaction.atomic
def seed(*, stdout) -> None:
    """Create or update the demo suppliers. Safe to run again: it converges, never duplicates."""
    codes = list(Region.objects.order_by("order").values_list("code", flat=True))
    profiles = []
    for index, supplier in enumerate(SUPPLIERS):
        slug = slugify(supplier.name)
        organisation = _organisation(supplier.name, slug)
        user = _user(f"{slug}@{EMAIL_DOMAIN}", f"{supplier.name} admin")
        Membership.objects.get_or_create(
            user=user, organisation=organisation, role=Role.SUPPLIER_ADMIN
        )
        profiles.append(_profile(supplier, index, organisation, codes))

    northern = Organisation.objects.filter(
        name=NORTHERN_SENSORS, kind=Organisation.Kind.SUPPLIER
    ).first()
    if northern is not None:
        profiles.append(_profile(NORTHERN_SENSORS_PROFILE, len(SUPPLIERS), northern, codes))
    else:
        stdout.write(f"  {NORTHERN_SENSORS} not found: seed the demo accounts first for it\n")

    approved = sum(p.status == Status.APPROVED for p in profiles)
    regions = len({p.region_id for p in profiles})
    stdout.write(
        f"Suppliers: {len(profiles)} demo profiles ({approved} approved) in {regions} regions; "
        f"admins sign in as <slug>@{EMAIL_DOMAIN}\n"
    )
