"""The demo supplier organisations: name, real city-centre postcode, size, capabilities,
status, VCSE type and certifications."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import SupplierProfile

NORTHERN_SENSORS = "Northern Sensors Ltd"

Status = SupplierProfile.Status
VCSE = SupplierProfile.VCSEType


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
