"""Demo suppliers for local use and previews: ``seed(stdout=...)``, called by ``manage.py seed_demo``.

Forty-odd believable supplier organisations in all 12 UK regions, at real city-centre
postcodes whose location (coordinates, district, region) comes from the offline postcode
lookup. Sizes come from ``classify_size`` on realistic inputs; a mix of onboarding states
(mostly approved). Every supplier has an admin user ``<slug>@suppliers.demo.marketplace.localhost``
with the shared demo password.

Deterministic and idempotent: no randomness, every row is found by a natural key and updated,
so running it twice leaves the same rows. Seed data is written directly (not through the
onboarding services) because it describes an end state (for example "approved last spring"),
not a journey; ``full_clean()`` still runs on every profile and child row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from marketplace.accounts.models import Membership, Organisation, Role, User
from marketplace.core import geo

from .models import (
    Capability,
    CaseStudy,
    Certification,
    Listing,
    Region,
    SupplierProfile,
)
from .sizing import MILLION, classify_size

try:  # the accounts demo owns the shared password when it exists
    from marketplace.core.demo import DEMO_PASSWORD  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on what else has been built
    DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - local demo accounts only

EMAIL_DOMAIN = "suppliers.demo.marketplace.localhost"
NORTHERN_SENSORS = "Northern Sensors Ltd"

Status = SupplierProfile.Status
VCSE = SupplierProfile.VCSEType

# staff, turnover, balance sheet: chosen so classify_size gives the band in the key.
SIZE_INPUTS = {
    "micro": (4, 320_000 * 100, 140_000 * 100),
    "small": (23, 3 * MILLION, 1 * MILLION + 400_000 * 100),
    "medium": (140, 19 * MILLION, 8 * MILLION),
    "large": (1_200, 160 * MILLION, 95 * MILLION),
}

# Public bodies that appear as clients in case studies, by region.
BUYERS = {
    "TLC": "Newcastle City Council",
    "TLD": "Greater Manchester Combined Authority",
    "TLE": "Leeds City Council",
    "TLF": "Nottingham City Council",
    "TLG": "Birmingham City Council",
    "TLH": "Cambridgeshire County Council",
    "TLI": "London Borough of Camden",
    "TLJ": "Brighton and Hove City Council",
    "TLK": "Bristol City Council",
    "TLL": "Cardiff Council",
    "TLM": "The City of Edinburgh Council",
    "TLN": "Belfast City Council",
}


@dataclass(frozen=True)
class Offer:
    title: str
    summary: str
    price_model: str
    price_pence: int | None
    kind: str = Listing.Kind.SERVICE


@dataclass(frozen=True)
class Story:
    title: str
    challenge: str
    outcome: str


# One offer, one proof of concept and one story per capability heading.
OFFERS: dict[str, tuple[Offer, Offer, Story]] = {
    "data-and-ai": (
        Offer(
            "Data discovery sprint",
            "Two weeks to find out what your data can and cannot tell you, with a report "
            "your team can act on.",
            Listing.PriceModel.FIXED,
            1_200_000,
        ),
        Offer(
            "Predictive model trial",
            "A working model trained on a sample of your data, tested against last year's "
            "outcomes, so you can judge it before you buy.",
            Listing.PriceModel.FIXED,
            450_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Predicting which homes need repairs first",
            "Repairs were booked only after tenants complained, often too late.",
            "Damp and mould cases were found 6 weeks earlier on average, and emergency "
            "call-outs fell by 18% in the first year.",
        ),
    ),
    "iot-and-sensors": (
        Offer(
            "Sensor network as a service",
            "Installed, maintained and replaced sensors with an open data feed.",
            Listing.PriceModel.PER_USER,
            4_500,
        ),
        Offer(
            "Ten-sensor pilot",
            "Ten sensors for three months with a dashboard and a findings report.",
            Listing.PriceModel.FIXED,
            600_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Air quality outside school gates",
            "The council could not see pollution at the times children arrive and leave.",
            "Engine idling fell by 40% at 12 schools and the data now feeds the council's "
            "school streets programme.",
        ),
    ),
    "health-tech": (
        Offer(
            "Remote monitoring platform",
            "Patients record readings at home; clinicians see who needs a call today.",
            Listing.PriceModel.PER_USER,
            1_800,
        ),
        Offer(
            "Ward-level pilot",
            "Twelve weeks on one ward or service, with an independent evaluation plan.",
            Listing.PriceModel.FIXED,
            1_500_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Fewer readmissions for heart failure patients",
            "Patients were readmitted because changes in weight and breathing went unnoticed.",
            "Readmissions within 30 days fell from 21% to 13% over 9 months.",
        ),
    ),
    "digital-services": (
        Offer(
            "Discovery and alpha team",
            "A multidisciplinary team that follows the Service Standard from day one.",
            Listing.PriceModel.DAY_RATE,
            85_000,
        ),
        Offer(
            "Accessibility check of one service",
            "We test one online service against WCAG 2.2 AA and show you how to fix what fails.",
            Listing.PriceModel.FIXED,
            350_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "An online form people can finish",
            "Half of the people who started the blue badge application gave up.",
            "Completion rose to 89% and phone calls about the form halved.",
        ),
    ),
    "net-zero-and-energy": (
        Offer(
            "Building energy survey",
            "Sensor-backed survey of a public building with a costed retrofit plan.",
            Listing.PriceModel.FIXED,
            900_000,
        ),
        Offer(
            "Heat loss pilot for 20 homes",
            "Thermal imaging and smart meters in 20 homes to show where retrofit pays back.",
            Listing.PriceModel.FIXED,
            800_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Cutting energy use in council buildings",
            "Energy bills for 40 buildings had doubled and nobody knew which to fix first.",
            "A ranked retrofit plan saved 1,100 tonnes of CO2 and £380,000 a year.",
        ),
    ),
    "transport": (
        Offer(
            "Traffic data service",
            "Counts and journey times from existing cameras, without storing images.",
            Listing.PriceModel.OUTCOME_BASED,
            None,
        ),
        Offer(
            "Junction trial",
            "Smart signals at one junction for three months, measured against a control site.",
            Listing.PriceModel.FIXED,
            1_000_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Faster buses through a congested corridor",
            "Buses on the main corridor were late 1 time in 3 at peak times.",
            "Bus journey times fell by 12% and punctuality rose to 88%.",
        ),
    ),
    "citizen-engagement": (
        Offer(
            "Community consultation platform",
            "Online and in-person consultation with easy read and translated versions.",
            Listing.PriceModel.FIXED,
            750_000,
        ),
        Offer(
            "Neighbourhood pilot",
            "Six weeks of engagement in one neighbourhood with a report of what people said.",
            Listing.PriceModel.FIXED,
            250_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Hearing from people who never reply to consultations",
            "Consultation responses came mostly from a small group of retired homeowners.",
            "Responses from under-35s rose sixfold and the park plan changed as a result.",
        ),
    ),
}


@dataclass(frozen=True)
class DemoSupplier:
    name: str
    postcode: str
    town: str
    size: str
    capabilities: tuple[str, ...]
    summary: str
    status: str = Status.APPROVED
    vcse: str = VCSE.NONE
    new_to_public_sector: bool = False
    certifications: tuple[tuple[str, int], ...] = field(default=(("cyber_essentials", 240),))
    # (scheme, days until expiry; negative = expired)


S = DemoSupplier
SUPPLIERS: tuple[DemoSupplier, ...] = (
    # North East
    S(
        "Tyne Data Cooperative",
        "NE1 4ST",
        "Newcastle upon Tyne",
        "micro",
        ("open-data-publishing", "data-analytics-and-insight"),
        "A worker-owned team helping councils publish and use open data.",
        vcse=VCSE.COOPERATIVE,
    ),
    S(
        "Wearside Sensors Ltd",
        "SR1 3SD",
        "Sunderland",
        "small",
        ("environmental-sensors", "connectivity-and-lorawan"),
        "We design low-power sensors for flooding, air quality and footfall.",
    ),
    S(
        "Durham Care Tech Ltd",
        "DH1 3HP",
        "Durham",
        "small",
        ("remote-monitoring", "assistive-technology"),
        "Home sensors that help older people live independently for longer.",
        status=Status.SUBMITTED,
    ),
    S(
        "Teesside Retrofit Partnership",
        "TS1 2AW",
        "Middlesbrough",
        "medium",
        ("building-retrofit", "energy-management-systems"),
        "Retrofit design and delivery for social landlords across the North East.",
        certifications=(("iso_9001", 400), ("iso_14001", -30)),
    ),
    # North West
    S(
        "Mancunian Digital Ltd",
        "M1 1AE",
        "Manchester",
        "medium",
        ("user-research-and-service-design", "web-and-mobile-development"),
        "Service design and development for public services people actually use.",
        certifications=(("cyber_essentials_plus", 300), ("iso_27001", 500)),
    ),
    S(
        "Mersey Mobility Ltd",
        "L1 8JQ",
        "Liverpool",
        "small",
        ("public-transport-information", "traffic-management"),
        "Real-time travel information for buses, ferries and trains.",
    ),
    S(
        "Lancaster Heat Networks Ltd",
        "LA1 1YW",
        "Lancaster",
        "small",
        ("heat-networks", "renewable-energy"),
        "Feasibility studies and controls for district heat networks.",
    ),
    S(
        "Preston Community Voice CIC",
        "PR1 2HE",
        "Preston",
        "micro",
        ("consultation-and-participation", "digital-inclusion"),
        "A community interest company that runs consultations where people already are.",
        vcse=VCSE.SOCIAL_ENTERPRISE,
        new_to_public_sector=True,
        certifications=(),
    ),
    # Yorkshire and The Humber
    S(
        "Aire Analytics Ltd",
        "LS1 4DY",
        "Leeds",
        "small",
        ("machine-learning-and-ai", "population-health-analytics"),
        "Machine learning for population health, built with clinicians and tested openly.",
    ),
    S(
        "Sheffield Steel Robotics Ltd",
        "S1 2HE",
        "Sheffield",
        "medium",
        ("road-condition-monitoring", "computer-vision"),
        "Vehicle-mounted cameras that find potholes and faded road markings.",
    ),
    S(
        "York Assistive Living Ltd",
        "YO1 7HH",
        "York",
        "micro",
        ("assistive-technology", "care-coordination"),
        "Simple technology for carers and the people they look after.",
        status=Status.CHANGES_REQUESTED,
    ),
    S(
        "Humber Circular Ltd",
        "HU1 3DX",
        "Hull",
        "small",
        ("circular-economy-and-waste", "carbon-accounting"),
        "We help councils reuse more and throw away less.",
        certifications=(("iso_14001", 200), ("cyber_essentials", -10)),
    ),
    # East Midlands
    S(
        "Trent Valley Transport Ltd",
        "NG1 5FS",
        "Nottingham",
        "medium",
        ("electric-vehicle-charging", "logistics-and-freight"),
        "Planning and running public electric vehicle charging networks.",
    ),
    S(
        "Leicester Inclusion Labs CIC",
        "LE1 5FQ",
        "Leicester",
        "micro",
        ("digital-inclusion", "community-platforms"),
        "Free digital skills sessions and device lending run with libraries.",
        vcse=VCSE.SOCIAL_ENTERPRISE,
    ),
    S(
        "Derwent Energy Systems Ltd",
        "DE1 2FS",
        "Derby",
        "small",
        ("energy-management-systems", "smart-buildings"),
        "Building management systems that cut energy use without new boilers.",
    ),
    S(
        "Lincoln Field Sensors Ltd",
        "LN2 1HP",
        "Lincoln",
        "micro",
        ("environmental-sensors", "edge-computing"),
        "Rural flood and soil sensors that work without mobile signal.",
        status=Status.DRAFT,
        certifications=(),
    ),
    # West Midlands
    S(
        "Brum Health Informatics Ltd",
        "B1 1BB",
        "Birmingham",
        "medium",
        ("clinical-decision-support", "data-platforms-and-engineering"),
        "Decision support tools for primary care, built on NHS data standards.",
        certifications=(("cyber_essentials_plus", 180), ("iso_27001", 90)),
    ),
    S(
        "Coventry Active Travel Ltd",
        "CV1 5FB",
        "Coventry",
        "small",
        ("active-travel", "behaviour-change"),
        "Cycle and walking counts, route planning and campaigns that change habits.",
    ),
    S(
        "Black Country Makers Ltd",
        "WV1 1RB",
        "Wolverhampton",
        "micro",
        ("asset-tracking", "connectivity-and-lorawan"),
        "Trackers for bins, grit and gritters, built and repaired locally.",
        new_to_public_sector=True,
        certifications=(),
    ),
    S(
        "Potteries Cyber Ltd",
        "ST1 1HP",
        "Stoke-on-Trent",
        "small",
        ("cyber-security", "identity-and-access"),
        "Cyber security testing and training for small public bodies.",
        status=Status.REJECTED,
    ),
    # East of England
    S(
        "Fenland AI Ltd",
        "CB2 1TN",
        "Cambridge",
        "small",
        ("natural-language-processing", "machine-learning-and-ai"),
        "Language models that answer residents' questions from your own web pages.",
    ),
    S(
        "Norfolk Broads Energy Cooperative",
        "NR2 1NH",
        "Norwich",
        "micro",
        ("renewable-energy", "heat-networks"),
        "Community-owned solar and heat pumps for village halls and schools.",
        vcse=VCSE.COOPERATIVE,
        certifications=(),
    ),
    S(
        "Ipswich Port Logistics Ltd",
        "IP1 1XH",
        "Ipswich",
        "large",
        ("logistics-and-freight", "asset-tracking"),
        "Freight consolidation and tracking for councils and hospitals.",
        certifications=(("iso_9001", 365), ("iso_14001", 365), ("cyber_essentials_plus", 120)),
    ),
    S(
        "Chelmsford Care Connect",
        "CM1 1JE",
        "Chelmsford",
        "small",
        ("care-coordination", "remote-monitoring"),
        "A charity connecting hospital discharge teams with community support.",
        vcse=VCSE.CHARITY,
    ),
    # London
    S(
        "Clerkenwell Civic Tech Ltd",
        "EC1A 1BB",
        "London",
        "small",
        ("community-platforms", "consultation-and-participation"),
        "Platforms for participatory budgeting and neighbourhood planning.",
    ),
    S(
        "Southwark Vision Systems Ltd",
        "SE1 9SG",
        "London",
        "medium",
        ("computer-vision", "traffic-management"),
        "Privacy-preserving computer vision for streets and stations.",
        certifications=(("cyber_essentials_plus", 60), ("iso_27001", -45)),
    ),
    S(
        "Shoreditch Access Ltd",
        "E1 6AN",
        "London",
        "micro",
        ("accessibility-auditing", "user-research-and-service-design"),
        "Accessibility audits by disabled testers, with fixes your developers can use.",
    ),
    S(
        "Kings Cross Cloud Ltd",
        "N1 9AL",
        "London",
        "large",
        ("cloud-hosting-and-migration", "data-platforms-and-engineering"),
        "Cloud migration and managed hosting for government services.",
        certifications=(("iso_27001", 700), ("cyber_essentials_plus", 200), ("iso_9001", 250)),
    ),
    S(
        "Canary Wharf Payments Ltd",
        "E14 5AB",
        "London",
        "medium",
        ("identity-and-access", "web-and-mobile-development"),
        "Secure sign-in and payments for council services.",
        status=Status.SUSPENDED,
    ),
    # South East
    S(
        "Brighton Behavioural Design Ltd",
        "BN1 1AE",
        "Brighton",
        "small",
        ("behaviour-change", "user-research-and-service-design"),
        "Behavioural science for public campaigns, tested with randomised trials.",
    ),
    S(
        "Oxford Clinical Insight Ltd",
        "OX1 1BY",
        "Oxford",
        "small",
        ("clinical-decision-support", "digital-therapeutics"),
        "Digital therapies developed with NHS trusts and evaluated in trials.",
        certifications=(("iso_27001", 320), ("cyber_essentials", 90)),
    ),
    S(
        "Reading Smart Buildings Ltd",
        "RG1 1AX",
        "Reading",
        "medium",
        ("smart-buildings", "energy-management-systems"),
        "Occupancy and energy analytics for public estates.",
    ),
    S(
        "Solent Marine Data Ltd",
        "SO14 7LP",
        "Southampton",
        "micro",
        ("environmental-sensors", "data-analytics-and-insight"),
        "Water quality monitoring for harbours, rivers and bathing waters.",
        status=Status.SUBMITTED,
        new_to_public_sector=True,
        certifications=(),
    ),
    # South West
    S(
        "Bristol Open Mobility Ltd",
        "BS1 4DJ",
        "Bristol",
        "small",
        ("public-transport-information", "active-travel"),
        "Journey planning across buses, bikes and scooters with open data.",
    ),
    S(
        "Exeter Climate Analytics Ltd",
        "EX1 1HS",
        "Exeter",
        "small",
        ("carbon-accounting", "data-analytics-and-insight"),
        "Carbon footprints for councils, from spending data to action plans.",
    ),
    S(
        "Plymouth Sound Health Ltd",
        "PL1 2AA",
        "Plymouth",
        "micro",
        ("digital-therapeutics", "remote-monitoring"),
        "Apps for mental health support, co-designed with young people.",
    ),
    S(
        "Cornwall Community Energy",
        "TR1 2AF",
        "Truro",
        "micro",
        ("renewable-energy", "building-retrofit"),
        "A community benefit society installing solar on public buildings.",
        vcse=VCSE.COOPERATIVE,
        new_to_public_sector=True,
        certifications=(),
    ),
    # Wales
    S(
        "Cardiff Bay Digital Cyf",
        "CF10 1EP",
        "Cardiff",
        "small",
        ("web-and-mobile-development", "accessibility-auditing"),
        "Bilingual Welsh and English digital services, built accessible from the start.",
    ),
    S(
        "Swansea Tidal Energy Ltd",
        "SA1 1NW",
        "Swansea",
        "medium",
        ("renewable-energy", "energy-management-systems"),
        "Marine and tidal energy feasibility and monitoring.",
    ),
    S(
        "Eryri Rural Connect CIC",
        "LL57 1UT",
        "Bangor",
        "micro",
        ("connectivity-and-lorawan", "digital-inclusion"),
        "Community LoRaWAN networks and digital skills for rural Wales.",
        vcse=VCSE.SOCIAL_ENTERPRISE,
    ),
    # Scotland
    S(
        "Edinburgh Data Commons Ltd",
        "EH1 1YZ",
        "Edinburgh",
        "small",
        ("open-data-publishing", "data-platforms-and-engineering"),
        "Open data platforms for Scottish local authorities.",
    ),
    S(
        "Clyde Health Robotics Ltd",
        "G1 1XQ",
        "Glasgow",
        "medium",
        ("assistive-technology", "remote-monitoring"),
        "Robotic and sensor aids for rehabilitation at home.",
    ),
    S(
        "Granite City Energy Ltd",
        "AB10 1AB",
        "Aberdeen",
        "large",
        ("heat-networks", "renewable-energy"),
        "Heat networks and hydrogen pilots for public buildings.",
        certifications=(("iso_14001", 400), ("iso_9001", 400)),
    ),
    S(
        "Tayside Games for Good Ltd",
        "DD1 1DB",
        "Dundee",
        "micro",
        ("behaviour-change", "community-platforms"),
        "Serious games that help people take part in local decisions.",
        status=Status.DRAFT,
        certifications=(),
    ),
    # Northern Ireland
    S(
        "Lagan Valley Analytics Ltd",
        "BT1 5GS",
        "Belfast",
        "small",
        ("data-analytics-and-insight", "machine-learning-and-ai"),
        "Forecasting demand for health and social care services.",
    ),
    S(
        "Queen's Quarter Health Ltd",
        "BT7 1NN",
        "Belfast",
        "micro",
        ("remote-monitoring", "care-coordination"),
        "Remote monitoring for people with long-term conditions in rural areas.",
    ),
    S(
        "Foyle Community Transport",
        "BT48 6DQ",
        "Derry~Londonderry",
        "small",
        ("public-transport-information", "volunteering-and-social-action"),
        "A charity running accessible community transport and volunteer drivers.",
        vcse=VCSE.CHARITY,
    ),
)


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
        "latitude": place.latitude,
        "longitude": place.longitude,
        "district_code": place.district_code,
        "district_name": place.district_name,
        "region": Region.objects.get(code=place.region_code),
        "country": place.country,
        "serves_whole_uk": whole_uk,
        "remote_delivery": digital,
        "innovation_type": ("incremental", "disruptive", "radical")[index % 3],
        "innovation_evidence": "Piloted with two public bodies; results published openly.",
        "has_public_sector_experience": not supplier.new_to_public_sector,
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


NORTHERN_SENSORS_PROFILE = DemoSupplier(
    NORTHERN_SENSORS,
    "LS1 4DY",
    "Leeds",
    "small",
    ("environmental-sensors", "open-data-publishing", "connectivity-and-lorawan"),
    "We make rugged air quality and flood sensors and publish what they measure as open "
    "data, so councils can act on evidence rather than complaints.",
    certifications=(("cyber_essentials_plus", 280), ("iso_9001", 410), ("iso_27001", -20)),
)


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
